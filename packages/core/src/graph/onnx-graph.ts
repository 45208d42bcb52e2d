// A small typed builder of ONNX models: nodes, initializers (inline, or external data that points into
// buffers Retina already holds), graph inputs and outputs, serialised with the protobuf writer.
import type { OnnxExternalData } from '../onnx/onnx-external-data.js';
import {
  ATTRIBUTE,
  ATTRIBUTE_TYPE,
  DATA_LOCATION_EXTERNAL,
  DATA_TYPE,
  DIMENSION,
  ENTRY,
  GRAPH,
  MODEL,
  NODE,
  OPERATOR_SET_ID,
  SHAPE,
  TENSOR,
  TENSOR_TYPE,
  TYPE,
  VALUE_INFO,
} from '../onnx/onnx-fields.js';
import {
  concatBytes,
  floatField,
  int64Field,
  lengthDelimitedField,
  packedInt64,
  stringField,
  varintField,
} from '../onnx/protobuf-writer.js';

export type ElementType = keyof typeof DATA_TYPE;

/** A dimension: a fixed size, or a symbolic name ("batch_size", "height") for a dynamic axis. */
export type Dim = number | string;

/** Node attributes: a number is an INT, a number[] INTS, a string a STRING; floats are wrapped with {@link float}/{@link floats}. */
export type AttributeValue =
  number | readonly number[] | string | { readonly float: number } | { readonly floats: readonly number[] } | InlineTensor;

/** A tensor attribute (e.g. ConstantOfShape's `value`). */
export interface InlineTensor {
  readonly tensor: { readonly type: ElementType; readonly dims: readonly number[]; readonly bytes: Uint8Array };
}

export const float = (value: number) => ({ float: value }) as const;
export const floats = (values: readonly number[]) => ({ floats: values }) as const;

/** ONNX standard operators, and onnxruntime's contrib operators (MultiHeadAttention, ...). */
export const MICROSOFT_DOMAIN = 'com.microsoft';
const OPSETS: Readonly<Record<string, number>> = { '': 17, [MICROSOFT_DOMAIN]: 1 };

/** Initializers at least this large become external data; smaller ones are written into the graph. */
const INLINE_LIMIT_BYTES = 1024;

interface ExternalLocation {
  readonly file: string;
  readonly offset: number;
  readonly length: number;
}

interface Initializer {
  readonly name: string;
  readonly type: ElementType;
  readonly dims: readonly number[];
  /** Inline bytes, or where the bytes are among the external buffers. */
  readonly data: Uint8Array | ExternalLocation;
}

export interface SerializeOptions {
  /** `metadata_props` of the model. */
  metadata?: Readonly<Record<string, string>>;
  /**
   * Pack every external weight into this one file (copied), for a graph written to disk; by default the
   * external data are the buffers the weights came from (checkpoint files, computed buffers), uncopied.
   */
  externalDataFile?: string;
}

/** A serialised model and the external data onnxruntime's `externalData` option takes beside it. */
export interface BuiltGraph {
  readonly graph: Uint8Array;
  readonly externalData: OnnxExternalData[];
}

function elementSize(type: ElementType): number {
  return { float32: 4, int32: 4, int64: 8, float16: 2, uint8: 1, int8: 1, bool: 1 }[type];
}

/** Little-endian bytes of `values` as `type`. */
export function tensorBytes(type: ElementType, values: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(values.length * elementSize(type));
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (type === 'float32') view.setFloat32(i * 4, value, true);
    else if (type === 'int64') view.setBigInt64(i * 8, BigInt(value), true);
    else if (type === 'int32') view.setInt32(i * 4, value, true);
    else if (type === 'uint8' || type === 'int8' || type === 'bool') bytes[i] = value;
    else throw new RangeError(`tensorBytes cannot write ${type}; pass float16 data as bytes`);
  }
  return bytes;
}

/** Bytes of one chunk of a compact graph's own external data (a larger tensor gets a chunk of its size). */
const CHUNK_BYTES = 16 * 2 ** 20;

/** External data offsets are multiples of this, so runtimes can read weights in place. */
const ALIGNMENT = 64;

export interface OnnxGraphOptions {
  /**
   * Copy every external weight into the graph's own chunks of external data (`weights/<n>.bin`, each filled
   * first-fit) instead of pointing into the buffers it came from: the graph then holds no
   * reference to a checkpoint, whose buffer can go as soon as the build is done. For quantized builds, which
   * keep a fraction of the checkpoint.
   */
  readonly compact?: boolean;
  /** Attention as MatMul, Softmax, MatMul instead of MultiHeadAttention (see layers.multiHeadAttention). */
  readonly spelledOutAttention?: boolean;
}

/**
 * Builds one ONNX graph. Values are named by strings; `node` returns its outputs' names (generated unless
 * given). Names given to initializers, inputs and outputs must be unique; generated names never clash with
 * them as they carry a `/` prefix no Hugging Face name has.
 */
export class OnnxGraph {
  readonly #nodes: Uint8Array[] = [];
  readonly #initializers: Initializer[] = [];
  readonly #inputs: Uint8Array[] = [];
  readonly #outputs: Uint8Array[] = [];
  /** External buffers by file name (checkpoint files, `computed/<n>` for weights Retina computed, `weights/<n>.bin` chunks). */
  readonly #buffers = new Map<string, Uint8Array>();
  readonly #names = new Set<string>();
  readonly #domains = new Set<string>(['']);
  readonly #opTypes = new Set<string>();
  readonly #compact: boolean;
  readonly spelledOutAttention: boolean;
  /** The compact graph's chunks, with how many bytes of each are taken. */
  readonly #chunks: { file: string; used: number }[] = [];
  #counter = 0;

  constructor(options: OnnxGraphOptions = {}) {
    this.#compact = options.compact ?? false;
    this.spelledOutAttention = options.spelledOutAttention ?? false;
  }

  /** A fresh value name, e.g. `/Conv_12`. */
  uniqueName(hint: string): string {
    return `/${hint}_${this.#counter++}`;
  }

  input(name: string, type: ElementType, dims: readonly Dim[]): string {
    this.#claim(name);
    this.#inputs.push(valueInfo(name, type, dims));
    return name;
  }

  /** Declares `value` a graph output named `name` (an Identity node renames it when the names differ). */
  output(value: string, name: string, type: ElementType, dims: readonly Dim[]): void {
    if (value !== name) this.node('Identity', [value], {}, { outputs: [name] });
    this.#outputs.push(valueInfo(name, type, dims));
  }

  /**
   * Adds a node; `inputs` may hold '' for an omitted optional input. Returns the output names: `outputs`
   * names them or says how many to generate (default 1).
   */
  node(
    opType: string,
    inputs: readonly string[],
    attributes: Readonly<Record<string, AttributeValue>> = {},
    options: { outputs?: number | readonly string[]; domain?: string } = {},
  ): string[] {
    const { outputs = 1, domain = '' } = options;
    const names = typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.uniqueName(opType)) : [...outputs];
    this.#domains.add(domain);
    this.#opTypes.add(opType);
    const fields = [
      ...inputs.map((input) => stringField(NODE.input, input)),
      ...names.map((output) => stringField(NODE.output, output)),
      // Named after its first output, so onnxruntime's logs (e.g. node placement at logLevel 'verbose') say which node.
      stringField(NODE.name, names[0] ?? opType),
      stringField(NODE.opType, opType),
      ...Object.entries(attributes).map(([key, value]) => lengthDelimitedField(NODE.attribute, attribute(key, value))),
      ...(domain ? [stringField(NODE.domain, domain)] : []),
    ];
    this.#nodes.push(concatBytes(fields));
    return names;
  }

  /** Whether the graph has a node of `opType`. */
  uses(opType: string): boolean {
    return this.#opTypes.has(opType);
  }

  /** A node with one output: its name. */
  op(opType: string, inputs: readonly string[], attributes: Readonly<Record<string, AttributeValue>> = {}, domain = ''): string {
    return this.node(opType, inputs, attributes, { domain })[0]!;
  }

  /** An initializer written into the graph (small constants: shapes, axes, scalars). */
  constant(type: ElementType, dims: readonly number[], values: ArrayLike<number>, name = this.uniqueName('const')): string {
    return this.bytesInitializer(name, type, dims, tensorBytes(type, values));
  }

  /** 1-D int64 constant (shapes, axes, pads). */
  int64s(values: readonly number[]): string {
    return this.constant('int64', [values.length], values);
  }

  /**
   * An initializer from bytes Retina made (a computed weight, or a converted one): inline when small,
   * else its own external buffer, handed over as it is.
   */
  bytesInitializer(name: string, type: ElementType, dims: readonly number[], bytes: Uint8Array): string {
    this.#claim(name);
    checkLength(name, type, dims, bytes.length);
    if (bytes.length < INLINE_LIMIT_BYTES) {
      this.#initializers.push({ name, type, dims, data: bytes });
      return name;
    }
    if (this.#compact) {
      const { location, bytes: target } = this.#reserve(bytes.length);
      target.set(bytes);
      this.#initializers.push({ name, type, dims, data: location });
      return name;
    }
    const file = `computed/${this.#buffers.size}.bin`;
    this.#buffers.set(file, bytes);
    this.#initializers.push({ name, type, dims, data: { file, offset: 0, length: bytes.length } });
    return name;
  }

  /** An initializer whose bytes lie in `fileBytes` (a checkpoint file) at `offset`: external data, not copied (unless compact). */
  externalInitializer(
    name: string,
    type: ElementType,
    dims: readonly number[],
    file: string,
    fileBytes: Uint8Array,
    offset: number,
  ): string {
    this.#claim(name);
    const length = dims.reduce((a, b) => a * b, 1) * elementSize(type);
    if (offset < 0 || offset + length > fileBytes.length)
      throw new RangeError(`${name}: bytes ${offset}..${offset + length} lie outside ${file}`);
    if (this.#compact) {
      const { location, bytes } = this.#reserve(length);
      bytes.set(fileBytes.subarray(offset, offset + length));
      this.#initializers.push({ name, type, dims, data: location });
      return name;
    }
    const known = this.#buffers.get(file);
    if (known && known !== fileBytes) throw new Error(`Two different buffers are both named ${file}`);
    this.#buffers.set(file, fileBytes);
    this.#initializers.push({ name, type, dims, data: { file, offset, length } });
    return name;
  }

  /**
   * An initializer of `dims` whose bytes the caller writes into the returned zeroed array before serialising
   * (quantized weights are written straight into place): part of a chunk in a compact graph, else a buffer of
   * its own.
   */
  reservedInitializer(name: string, type: ElementType, dims: readonly number[]): Uint8Array {
    const length = dims.reduce((a, b) => a * b, 1) * elementSize(type);
    if (!this.#compact) {
      const bytes = new Uint8Array(length);
      this.bytesInitializer(name, type, dims, bytes);
      return bytes;
    }
    this.#claim(name);
    const { location, bytes } = this.#reserve(length);
    this.#initializers.push({ name, type, dims, data: location });
    return bytes;
  }

  /** `length` bytes in the first chunk with room for them (a new chunk when none has). */
  #reserve(length: number): { location: ExternalLocation; bytes: Uint8Array } {
    const aligned = (used: number) => Math.ceil(used / ALIGNMENT) * ALIGNMENT;
    let chunk = this.#chunks.find(({ file, used }) => aligned(used) + length <= this.#buffers.get(file)!.length);
    if (!chunk) {
      chunk = { file: `weights/${this.#chunks.length}.bin`, used: 0 };
      this.#chunks.push(chunk);
      this.#buffers.set(chunk.file, new Uint8Array(Math.max(CHUNK_BYTES, length)));
    }
    const offset = aligned(chunk.used);
    chunk.used = offset + length;
    return { location: { file: chunk.file, offset, length }, bytes: this.#buffers.get(chunk.file)!.subarray(offset, offset + length) };
  }

  /** The ModelProto (IR 8; opset 17, plus com.microsoft 1 where used) and its external data. */
  serialize(options: SerializeOptions = {}): BuiltGraph {
    // Each chunk handed over as far as it is filled: a view, not a copy (the last chunk's free tail, under
    // CHUNK_BYTES, stays allocated as long as the buffers handed over do).
    for (const { file, used } of this.#chunks) this.#buffers.set(file, this.#buffers.get(file)!.subarray(0, used));
    const { externalData, locate } = this.#externalLayout(options.externalDataFile);
    const graph = concatBytes([
      ...this.#nodes.map((node) => lengthDelimitedField(GRAPH.node, node)),
      stringField(GRAPH.name, 'retina'),
      ...this.#initializers.map((initializer) => lengthDelimitedField(GRAPH.initializer, tensorProto(initializer, locate))),
      ...this.#inputs.map((input) => lengthDelimitedField(GRAPH.input, input)),
      ...this.#outputs.map((output) => lengthDelimitedField(GRAPH.output, output)),
    ]);
    const opsets = [...this.#domains].map((domain) =>
      lengthDelimitedField(
        MODEL.opsetImport,
        concatBytes([stringField(OPERATOR_SET_ID.domain, domain), varintField(OPERATOR_SET_ID.version, OPSETS[domain] ?? 1)]),
      ),
    );
    const metadata = Object.entries(options.metadata ?? {}).map(([key, value]) =>
      lengthDelimitedField(MODEL.metadataProps, entry(key, value)),
    );
    const model = concatBytes([
      varintField(MODEL.irVersion, 8),
      stringField(MODEL.producerName, 'retina'),
      lengthDelimitedField(MODEL.graph, graph),
      ...opsets,
      ...metadata,
    ]);
    return { graph: model, externalData };
  }

  #externalLayout(packInto: string | undefined): {
    externalData: OnnxExternalData[];
    locate: (location: ExternalLocation) => ExternalLocation;
  } {
    if (packInto === undefined) {
      return { externalData: [...this.#buffers].map(([path, data]) => ({ path, data })), locate: (location) => location };
    }
    const packed = new Map<string, ExternalLocation>();
    const parts: Uint8Array[] = [];
    let offset = 0;
    for (const { data } of this.#initializers) {
      if (data instanceof Uint8Array) continue;
      const bytes = this.#buffers.get(data.file)!.subarray(data.offset, data.offset + data.length);
      const padding = (ALIGNMENT - (offset % ALIGNMENT)) % ALIGNMENT;
      parts.push(new Uint8Array(padding), bytes);
      packed.set(`${data.file}:${data.offset}`, { file: packInto, offset: offset + padding, length: data.length });
      offset += padding + data.length;
    }
    return {
      externalData: [{ path: packInto, data: concatBytes(parts) }],
      locate: (location) => packed.get(`${location.file}:${location.offset}`)!,
    };
  }

  #claim(name: string): void {
    if (this.#names.has(name)) throw new Error(`Graph value ${name} is defined twice`);
    this.#names.add(name);
  }
}

function checkLength(name: string, type: ElementType, dims: readonly number[], length: number): void {
  const expected = dims.reduce((a, b) => a * b, 1) * elementSize(type);
  if (length !== expected) throw new RangeError(`${name}: ${length} bytes for ${type}[${dims.join(', ')}] (${expected} expected)`);
}

function entry(key: string, value: string): Uint8Array {
  return concatBytes([stringField(ENTRY.key, key), stringField(ENTRY.value, value)]);
}

function tensorProto({ name, type, dims, data }: Initializer, locate: (location: ExternalLocation) => ExternalLocation): Uint8Array {
  const head = [
    ...dims.map((dim) => int64Field(TENSOR.dims, dim)),
    varintField(TENSOR.dataType, DATA_TYPE[type]),
    stringField(TENSOR.name, name),
  ];
  if (data instanceof Uint8Array) return concatBytes([...head, lengthDelimitedField(TENSOR.rawData, data)]);
  const { file, offset, length } = locate(data);
  return concatBytes([
    ...head,
    lengthDelimitedField(TENSOR.externalData, entry('location', file)),
    lengthDelimitedField(TENSOR.externalData, entry('offset', String(offset))),
    lengthDelimitedField(TENSOR.externalData, entry('length', String(length))),
    varintField(TENSOR.dataLocation, DATA_LOCATION_EXTERNAL),
  ]);
}

function valueInfo(name: string, type: ElementType, dims: readonly Dim[]): Uint8Array {
  const shape = dims.map((dim) =>
    lengthDelimitedField(SHAPE.dim, typeof dim === 'number' ? int64Field(DIMENSION.value, dim) : stringField(DIMENSION.param, dim)),
  );
  const tensorType = concatBytes([
    varintField(TENSOR_TYPE.elemType, DATA_TYPE[type]),
    lengthDelimitedField(TENSOR_TYPE.shape, concatBytes(shape)),
  ]);
  return concatBytes([
    stringField(VALUE_INFO.name, name),
    lengthDelimitedField(VALUE_INFO.type, lengthDelimitedField(TYPE.tensorType, tensorType)),
  ]);
}

function attribute(name: string, value: AttributeValue): Uint8Array {
  const head = stringField(ATTRIBUTE.name, name);
  const typed = (type: number, ...fields: Uint8Array[]) => concatBytes([head, ...fields, varintField(ATTRIBUTE.type, type)]);
  if (typeof value === 'number') return typed(ATTRIBUTE_TYPE.int, int64Field(ATTRIBUTE.i, value));
  if (typeof value === 'string') return typed(ATTRIBUTE_TYPE.string, stringField(ATTRIBUTE.s, value));
  if (isNumberList(value)) return typed(ATTRIBUTE_TYPE.ints, lengthDelimitedField(ATTRIBUTE.ints, packedInt64(value)));
  if ('float' in value) return typed(ATTRIBUTE_TYPE.float, floatField(ATTRIBUTE.f, value.float));
  if ('floats' in value) return typed(ATTRIBUTE_TYPE.floats, ...value.floats.map((f) => floatField(ATTRIBUTE.floats, f)));
  const { type, dims, bytes } = value.tensor;
  return typed(
    ATTRIBUTE_TYPE.tensor,
    lengthDelimitedField(
      ATTRIBUTE.tensor,
      tensorProto({ name: '', type, dims, data: bytes }, (location) => location),
    ),
  );
}

function isNumberList(value: AttributeValue): value is readonly number[] {
  return Array.isArray(value);
}
