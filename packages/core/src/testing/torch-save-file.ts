// Test-only: writes pickles opcode by opcode and torch.save-style zips, independently of the reader under test.
import { zipSync, type Zippable } from 'fflate';

const encoder = new TextEncoder();

/** Emits pickle opcodes (see CPython's Lib/pickletools.py); each method appends one. */
export class PickleWriter {
  private readonly out: number[] = [];

  raw(...bytes: number[]): this {
    this.out.push(...bytes);
    return this;
  }

  private text(opcode: string, ...lines: string[]): this {
    return this.raw(opcode.charCodeAt(0), ...encoder.encode(lines.map((line) => `${line}\n`).join('')));
  }

  proto(protocol: number): this {
    return this.raw(0x80, protocol);
  }

  global(module: string, name: string): this {
    return this.text('c', module, name);
  }

  stackGlobal(module: string, name: string): this {
    return this.unicode(module).unicode(name).raw(0x93);
  }

  inst(module: string, name: string): this {
    return this.mark().text('i', module, name);
  }

  unicode(value: string): this {
    const bytes = encoder.encode(value);
    return this.raw(0x58, ...le(bytes.length, 4), ...bytes);
  }

  int(value: number): this {
    return this.raw(0x4a, ...le(value, 4));
  }

  ints(values: readonly number[]): this {
    this.mark();
    for (const value of values) this.int(value);
    return this.raw(0x74);
  }

  mark(): this {
    return this.raw(0x28);
  }

  tuple(): this {
    return this.raw(0x74);
  }

  tuple1(): this {
    return this.raw(0x85);
  }

  emptyTuple(): this {
    return this.raw(0x29);
  }

  emptyDict(): this {
    return this.raw(0x7d);
  }

  setItems(): this {
    return this.raw(0x75);
  }

  reduce(): this {
    return this.raw(0x52);
  }

  build(): this {
    return this.raw(0x62);
  }

  binPersId(): this {
    return this.raw(0x51);
  }

  newFalse(): this {
    return this.raw(0x89);
  }

  stop(): Uint8Array {
    return new Uint8Array([...this.out, 0x2e]);
  }

  /** `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())`, as torch.save writes it. */
  tensor(storage: { type: string; key: string; numel: number }, offset: number, size: readonly number[], stride: readonly number[]): this {
    this.global('torch._utils', '_rebuild_tensor_v2').mark();
    this.mark().unicode('storage').global('torch', storage.type).unicode(storage.key).unicode('cpu').int(storage.numel).tuple().binPersId();
    this.int(offset).ints(size).ints(stride).newFalse();
    return this.global('collections', 'OrderedDict').emptyTuple().reduce().tuple().reduce();
  }
}

export interface PickledTensorSpec {
  name: string;
  storage: { type: string; key: string; numel: number };
  offset: number;
  size: number[];
  stride: number[];
}

/** The pickle of `torch.save(OrderedDict(...))` for the given tensors, optionally with `_metadata` state. */
export function stateDictPickle(tensors: readonly PickledTensorSpec[], withMetadata = false): Uint8Array {
  const pickle = new PickleWriter().proto(2).global('collections', 'OrderedDict').emptyTuple().reduce().mark();
  for (const { name, storage, offset, size, stride } of tensors) pickle.unicode(name).tensor(storage, offset, size, stride);
  pickle.setItems();
  if (withMetadata)
    pickle.emptyDict().mark().unicode('_metadata').global('collections', 'OrderedDict').emptyTuple().reduce().setItems().build();
  return pickle.stop();
}

/** A torch.save-style zip: `archive/data.pkl` plus `archive/data/<key>` per storage; `level` 0 stores, above deflates. */
export function torchSaveZip(pickle: Uint8Array, storages: Record<string, Uint8Array>, level: 0 | 6 = 0): Uint8Array {
  const files: Zippable = { 'archive/data.pkl': [pickle, { level }] };
  for (const [key, bytes] of Object.entries(storages)) files[`archive/data/${key}`] = [bytes, { level }];
  files['archive/version'] = [encoder.encode('3\n'), { level: 0 }];
  return zipSync(files);
}

function le(value: number, width: number): number[] {
  return Array.from({ length: width }, (_, i) => (value >>> (8 * i)) & 0xff);
}
