import { RetinaError } from '../errors.js';
import { PickleCallable, unpickle, type PickleHooks } from './pickle.js';
import { copyInCOrder, isCContiguous } from './strided-copy.js';
import { DTYPE_BYTES, elementCount, type WeightDtype, type WeightTensor } from './weight-tensor.js';
import { readZipEntries, zipEntryBytes, type ZipEntry } from './zip-archive.js';

/** The typed storage classes torch.save names in each storage's persistent id. */
const STORAGE_DTYPES: Readonly<Record<string, WeightDtype>> = {
  DoubleStorage: 'float64',
  FloatStorage: 'float32',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
};

class StorageType {
  constructor(readonly dtype: WeightDtype) {}
}

class Storage {
  constructor(
    readonly key: string,
    readonly dtype: WeightDtype,
    readonly entry: ZipEntry,
  ) {}
}

/** What `torch._utils._rebuild_tensor_v2` was asked for: a strided view of a storage. */
class PickledTensor {
  constructor(
    readonly storage: Storage,
    readonly offset: number,
    readonly size: readonly number[],
    readonly stride: readonly number[],
  ) {}

  /** Equal for the same view of the same storage. */
  get key(): string {
    return `${this.storage.key}:${this.offset}:${this.size.join(',')}:${this.stride.join(',')}`;
  }
}

/**
 * Reads a state dict saved by `torch.save` (PyTorch >= 1.6: a zip with `<archive>/data.pkl` and one
 * `<archive>/data/<key>` member per storage). The pickle is read by a restricted unpickler that allows
 * only the globals a state dict needs. Contiguous tensors of stored members are views of `bytes`;
 * non-contiguous views are copied out in C order.
 */
export function parsePytorchBin(
  bytes: Uint8Array,
  file = 'pytorch_model.bin',
): { tensors: Map<string, WeightTensor>; metadata: Record<string, string> } {
  if (bytes[0] === 0x80) {
    throw new RetinaError(
      'MODEL_LOAD_FAILED',
      `${file} is in the legacy torch.save format of PyTorch before 1.6, which Retina does not read. Re-save it with a current torch.save, or as model.safetensors.`,
    );
  }
  const entries = readZipEntries(bytes, file);
  const pickleEntry = [...entries.values()].find((entry) => /^[^/]+\/data\.pkl$/.test(entry.name));
  if (pickleEntry === undefined) throw notStateDict(file, 'the archive has no <archive>/data.pkl member');
  const prefix = pickleEntry.name.slice(0, -'data.pkl'.length);
  checkByteOrder(bytes, entries.get(`${prefix}byteorder`), file);

  const root = unpickle(zipEntryBytes(bytes, pickleEntry, file), stateDictHooks(entries, prefix, file));
  if (!(root instanceof Map)) throw notStateDict(file, `its pickle holds ${describe(root)}, not a dict of tensors`);

  const views = new Map<string, PickledTensor>();
  for (const [name, value] of root) {
    if (typeof name !== 'string') throw notStateDict(file, `its dict has the key ${describe(name)}, not a tensor name`);
    if (!(value instanceof PickledTensor)) throw notStateDict(file, `its entry "${name}" holds ${describe(value)}, not a tensor`);
    checkView(name, value, file);
    views.set(name, value);
  }
  checkCopyBudget(views.values(), file);

  const storageBytes = new Map<Storage, Uint8Array>();
  const bytesOf = (storage: Storage) => {
    let data = storageBytes.get(storage);
    if (data === undefined) storageBytes.set(storage, (data = zipEntryBytes(bytes, storage.entry, file)));
    return data;
  };
  // Views that are the same (tied weights saved as the same strided view) share one copy.
  const copies = new Map<string, Uint8Array>();
  const tensors = new Map<string, WeightTensor>();
  for (const [name, view] of views) tensors.set(name, toWeightTensor(name, view, bytesOf, copies, file));
  return { tensors, metadata: {} };
}

/** Strided views are copied out in C order; what all their copies may add to the checkpoint's own storages. */
const COPY_ALLOWANCE_BYTES = 64 * 2 ** 20;

/**
 * Refuses, before anything is inflated or copied, a checkpoint whose strided views would take more to copy
 * out than its storages hold plus {@link COPY_ALLOWANCE_BYTES}: each view is at most its storage, but many
 * views of one storage (3,000 transposes of a deflated 4 MB storage fit in 13 KB) could take any amount.
 */
function checkCopyBudget(views: Iterable<PickledTensor>, file: string): void {
  const storages = new Set<Storage>();
  const copied = new Map<string, number>();
  for (const view of views) {
    storages.add(view.storage);
    if (!isCContiguous(view.size, view.stride)) copied.set(view.key, elementCount(view.size)! * DTYPE_BYTES[view.storage.dtype]);
  }
  const stored = [...storages].reduce((sum, storage) => sum + storage.entry.size, 0);
  const copies = [...copied.values()].reduce((sum, bytes) => sum + bytes, 0);
  if (copies > stored + COPY_ALLOWANCE_BYTES) {
    throw new RetinaError(
      'MODEL_LOAD_FAILED',
      `${file} has ${copied.size} non-contiguous tensors that would take ${copies} bytes to copy out, more than its storages hold ` +
        `(${stored} bytes) plus ${COPY_ALLOWANCE_BYTES} bytes: its views repeat their storages. Save the weights with ` +
        '{name: tensor.contiguous() for name, tensor in state_dict.items()}, or as model.safetensors.',
    );
  }
}

function stateDictHooks(entries: ReadonlyMap<string, ZipEntry>, prefix: string, file: string): PickleHooks {
  const fail = (problem: string): never => {
    throw notStateDict(file, problem);
  };
  const allowed: Readonly<Record<string, unknown>> = {
    'collections OrderedDict': new PickleCallable('collections.OrderedDict', (args) => orderedDict(args, fail)),
    'torch._utils _rebuild_tensor_v2': new PickleCallable('torch._utils._rebuild_tensor_v2', (args) => rebuildTensor(args, fail)),
    'torch._utils _rebuild_parameter': new PickleCallable('torch._utils._rebuild_parameter', (args) => rebuildParameter(args, fail)),
    'torch._utils _rebuild_parameter_with_state': new PickleCallable('torch._utils._rebuild_parameter_with_state', (args) =>
      rebuildParameter(args, fail),
    ),
    ...Object.fromEntries(Object.entries(STORAGE_DTYPES).map(([name, dtype]) => [`torch ${name}`, new StorageType(dtype)])),
  };
  const storages = new Map<string, Storage>();
  return {
    fail,
    resolveGlobal(module, name) {
      const key = `${module} ${name}`;
      if (Object.hasOwn(allowed, key)) return allowed[key];
      return fail(
        `its pickle asks for the Python global "${key}", which a state dict never needs and which could run code (nothing was run). ` +
          'Load only the tensors: re-save the weights with torch.save(model.state_dict()) or as model.safetensors',
      );
    },
    persistentLoad(pid) {
      const [kind, type, key, , numel] = Array.isArray(pid) ? (pid as unknown[]) : [];
      if (kind !== 'storage' || !(type instanceof StorageType) || typeof key !== 'string' || !Number.isSafeInteger(numel)) {
        return fail(`its pickle has the persistent id ${describe(pid)}, not a storage reference`);
      }
      const known = storages.get(key);
      if (known !== undefined) return known;
      const entry = entries.get(`${prefix}data/${key}`);
      if (entry === undefined)
        return fail(`its pickle uses storage ${key}, but the archive has no member ${prefix}data/${key} (the file is incomplete)`);
      const elements = numel as number;
      const expected = elements * DTYPE_BYTES[type.dtype];
      if (entry.size !== expected)
        return fail(`storage ${key} has ${entry.size} bytes, but ${elements} elements of ${type.dtype} need ${expected}`);
      const storage = new Storage(key, type.dtype, entry);
      storages.set(key, storage);
      return storage;
    },
    build(target, state) {
      // A state dict's OrderedDict carries `_metadata` (module versions) as its instance state: not needed.
      if (target instanceof Map && (state instanceof Map || state === null)) return;
      fail(`its pickle sets the state of ${describe(target)}`);
    },
  };
}

function orderedDict(args: unknown[], fail: (problem: string) => never): Map<unknown, unknown> {
  const [items] = args;
  if (items === undefined) return new Map();
  if (!Array.isArray(items) || !items.every((item) => Array.isArray(item) && item.length === 2))
    return fail('it builds an OrderedDict from something other than pairs');
  return new Map(items as [unknown, unknown][]);
}

function rebuildTensor(args: unknown[], fail: (problem: string) => never): PickledTensor {
  const [storage, offset, size, stride] = args;
  if (!(storage instanceof Storage)) return fail('_rebuild_tensor_v2 gets something other than a storage');
  if (!Number.isSafeInteger(offset) || (offset as number) < 0)
    return fail(`_rebuild_tensor_v2 gets the storage offset ${describe(offset)}`);
  if (!isIndexList(size) || elementCount(size) === undefined || !isIndexList(stride) || stride.length !== size.length) {
    return fail(`_rebuild_tensor_v2 gets the size ${describe(size)} and stride ${describe(stride)}`);
  }
  return new PickledTensor(storage, offset as number, size, stride);
}

function isIndexList(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((item) => Number.isSafeInteger(item) && item >= 0);
}

function rebuildParameter(args: unknown[], fail: (problem: string) => never): PickledTensor {
  const [data] = args;
  return data instanceof PickledTensor ? data : fail('_rebuild_parameter wraps something other than a tensor');
}

/** Refuses a view that reaches past its storage, or (copied out) would repeat its elements. */
function checkView(name: string, tensor: PickledTensor, file: string): void {
  const { storage, offset, size, stride } = tensor;
  const count = elementCount(size)!;
  const storageCount = storage.entry.size / DTYPE_BYTES[storage.dtype];
  const lastIndex = count === 0 ? offset - 1 : size.reduce((last, dim, axis) => last + (dim - 1) * stride[axis]!, offset);
  if (lastIndex >= storageCount) {
    throw notStateDict(
      file,
      `tensor "${name}" (offset ${offset}, size [${size.join(', ')}], stride [${stride.join(', ')}]) reaches past its storage of ${storageCount} elements`,
    );
  }
  // A view with more elements than its storage repeats elements (stride 0): expanding it could take any amount of memory.
  if (!isCContiguous(size, stride) && count > storageCount)
    throw notStateDict(
      file,
      `tensor "${name}" repeats elements of its storage (stride [${stride.join(', ')}]); save it with .contiguous()`,
    );
}

function toWeightTensor(
  name: string,
  tensor: PickledTensor,
  bytesOf: (storage: Storage) => Uint8Array,
  copies: Map<string, Uint8Array>,
  file: string,
): WeightTensor {
  const { storage, offset, size, stride } = tensor;
  const { dtype, entry } = storage;
  const itemBytes = DTYPE_BYTES[dtype];
  const source = bytesOf(storage);
  const shape = [...size];
  if (isCContiguous(size, stride)) {
    const data = source.subarray(offset * itemBytes, (offset + elementCount(size)!) * itemBytes);
    return entry.method === 0
      ? { name, dtype, shape, data, file, fileOffset: entry.dataOffset + offset * itemBytes }
      : { name, dtype, shape, data, file };
  }
  let data = copies.get(tensor.key);
  if (data === undefined) copies.set(tensor.key, (data = copyInCOrder(source, itemBytes, offset, size, stride)));
  return { name, dtype, shape, data, file };
}

function checkByteOrder(bytes: Uint8Array, entry: ZipEntry | undefined, file: string): void {
  if (entry === undefined) return;
  const order = new TextDecoder().decode(zipEntryBytes(bytes, entry, file)).trim();
  if (order !== 'little') {
    throw new RetinaError(
      'MODEL_LOAD_FAILED',
      `${file} was saved on a ${order}-endian machine; Retina reads little-endian checkpoints. Re-save it on a little-endian machine or as model.safetensors.`,
    );
  }
}

function describe(value: unknown): string {
  if (value === null) return 'None';
  if (Array.isArray(value)) return `a tuple or list of ${value.length} items`;
  if (value instanceof Map) return 'a dict';
  if (value instanceof PickleCallable) return `the function ${value.qualifiedName}`;
  if (value instanceof PickledTensor) return 'a tensor';
  if (value instanceof Storage) return `storage ${value.key}`;
  if (typeof value === 'object') return `a ${value.constructor?.name ?? 'object'}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 80))}`;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return `the ${typeof value} ${value}`;
  return typeof value;
}

function notStateDict(file: string, problem: string): RetinaError {
  return new RetinaError('MODEL_LOAD_FAILED', `${file} is not a plain state dict: ${problem}.`);
}
