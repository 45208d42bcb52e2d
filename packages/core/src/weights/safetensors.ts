import { RetinaError } from '../errors.js';
import { DTYPE_BYTES, elementCount, type WeightDtype, type WeightTensor } from './weight-tensor.js';

const DTYPES: Readonly<Record<string, WeightDtype>> = {
  F64: 'float64',
  F32: 'float32',
  F16: 'float16',
  BF16: 'bfloat16',
  I64: 'int64',
  I32: 'int32',
  I16: 'int16',
  I8: 'int8',
  U8: 'uint8',
  BOOL: 'bool',
};

/** The safetensors library refuses headers above 100 MB; so do we, before decoding anything. */
const MAX_HEADER_BYTES = 100_000_000;

const utf8 = new TextDecoder('utf-8', { fatal: true });

interface Entry {
  name: string;
  dtype: WeightDtype;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Parses a safetensors file: an 8-byte little-endian header length, a JSON header, then the data.
 * Every tensor's `data` is a view into `bytes` (nothing is copied); tensors come in data order.
 */
export function parseSafetensors(
  bytes: Uint8Array,
  file = 'model.safetensors',
): { tensors: Map<string, WeightTensor>; metadata: Record<string, string> } {
  const fail = (problem: string) => invalidSafetensors(file, problem);
  if (bytes.byteLength < 8) fail(`it has ${bytes.byteLength} bytes, fewer than the 8-byte header length`);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(bytes.byteLength - 8)) {
    fail(
      `its header length (${headerLength} bytes) goes past the end of the file (${bytes.byteLength} bytes); the file is truncated or not safetensors`,
    );
  }
  if (headerLength > BigInt(MAX_HEADER_BYTES))
    fail(`its header length (${headerLength} bytes) is above the ${MAX_HEADER_BYTES}-byte limit`);
  const dataStart = 8 + Number(headerLength);
  const header = parseHeader(bytes.subarray(8, dataStart), fail);

  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') Object.assign(metadata, parseMetadata(value, fail));
    else entries.push(parseEntry(name, value, bytes.byteLength - dataStart, fail));
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  checkCoverage(entries, bytes.byteLength - dataStart, fail);

  const tensors = new Map<string, WeightTensor>();
  for (const { name, dtype, shape, begin, end } of entries) {
    const fileOffset = dataStart + begin;
    tensors.set(name, { name, dtype, shape, data: bytes.subarray(fileOffset, dataStart + end), file, fileOffset });
  }
  return { tensors, metadata };
}

function parseHeader(headerBytes: Uint8Array, fail: (problem: string) => never): Record<string, unknown> {
  let header: unknown;
  let text = '';
  try {
    text = utf8.decode(headerBytes);
    header = JSON.parse(text);
  } catch (error) {
    fail(`its header is not UTF-8 JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('its header is not a JSON object');
  // JSON.parse keeps the last of repeated keys: the data of the others would go unnoticed.
  const repeated = repeatedTopLevelKey(text);
  if (repeated !== undefined) fail(`its header names "${repeated}" twice`);
  return header as Record<string, unknown>;
}

/** The first key that a JSON object (valid JSON, already parsed) has twice at its top level. */
function repeatedTopLevelKey(json: string): string | undefined {
  const keys = new Set<string>();
  let depth = 0;
  let expectKey = false;
  for (let at = 0; at < json.length; at++) {
    const char = json[at];
    if (char === '"') {
      let end = at + 1;
      while (json[end] !== '"') end += json[end] === '\\' ? 2 : 1;
      if (depth === 1 && expectKey) {
        const key = JSON.parse(json.slice(at, end + 1)) as string;
        if (keys.has(key)) return key;
        keys.add(key);
      }
      expectKey = false;
      at = end;
    } else if (char === '{' || char === '[') {
      depth++;
      expectKey = char === '{' && depth === 1;
    } else if (char === '}' || char === ']') {
      depth--;
    } else if (char === ',') {
      expectKey = depth === 1;
    }
  }
  return undefined;
}

function parseMetadata(value: unknown, fail: (problem: string) => never): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('its __metadata__ is not an object');
  const entries = Object.entries(value as Record<string, unknown>);
  for (const [key, text] of entries) if (typeof text !== 'string') fail(`its __metadata__ value "${key}" is not a string`);
  return Object.fromEntries(entries) as Record<string, string>;
}

function parseEntry(name: string, value: unknown, dataBytes: number, fail: (problem: string) => never): Entry {
  const { dtype, shape, data_offsets: offsets } = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (typeof dtype !== 'string') fail(`tensor "${name}" has no dtype`);
  const weightDtype = Object.hasOwn(DTYPES, dtype) ? DTYPES[dtype] : undefined;
  if (weightDtype === undefined) {
    fail(
      `tensor "${name}" has dtype ${dtype}, which Retina does not read (it reads ${Object.keys(DTYPES).join(', ')}); convert the checkpoint to one of those`,
    );
  }
  const count = elementCount(shape);
  if (count === undefined) fail(`tensor "${name}" has shape ${JSON.stringify(shape)}, not a list of non-negative integers`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((offset) => Number.isSafeInteger(offset) && offset >= 0)) {
    fail(`tensor "${name}" has data_offsets ${JSON.stringify(offsets)}, not two non-negative integers`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataBytes) {
    fail(`tensor "${name}" has data_offsets [${begin}, ${end}] outside the ${dataBytes} data bytes; the file is truncated or corrupt`);
  }
  const expected = count * DTYPE_BYTES[weightDtype];
  if (end - begin !== expected) {
    fail(`tensor "${name}" has ${end - begin} data bytes, but shape [${(shape as number[]).join(', ')}] of ${dtype} needs ${expected}`);
  }
  return { name, dtype: weightDtype, shape: shape as number[], begin, end };
}

/**
 * As the safetensors library reads a file: the tensors' data ranges, in order, cover the data exactly,
 * each starting where the previous one ends and the last ending at the end of the file (no overlaps, no
 * bytes that belong to no tensor).
 */
function checkCoverage(sorted: readonly Entry[], dataBytes: number, fail: (problem: string) => never): void {
  let previous: Entry | undefined;
  for (const entry of sorted) {
    const end = previous?.end ?? 0;
    if (previous && entry.begin < end) {
      fail(`tensors "${previous.name}" [${previous.begin}, ${previous.end}] and "${entry.name}" [${entry.begin}, ${entry.end}] overlap`);
    }
    if (entry.begin > end) fail(`its data bytes ${end} to ${entry.begin} belong to no tensor (the gap before "${entry.name}")`);
    previous = entry;
  }
  const end = previous?.end ?? 0;
  if (end !== dataBytes) fail(`its last ${dataBytes - end} data bytes (after byte ${end}) belong to no tensor`);
}

function invalidSafetensors(file: string, problem: string): never {
  throw new RetinaError(
    'MODEL_LOAD_FAILED',
    `${file} is not a valid safetensors file: ${problem}. Re-download it or re-save it with safetensors.`,
  );
}
