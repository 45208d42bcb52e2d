import { zipSync } from 'fflate';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RetinaError } from '../errors.js';
import { fixturePath, readBytes, readJson } from '../testing/fixtures.js';
import { rawSafetensorsHeader } from '../testing/safetensors-file.js';
import { PickleWriter, stateDictPickle, torchSaveZip, type PickledTensorSpec } from '../testing/torch-save-file.js';
import { parsePytorchBin } from './pytorch-bin.js';

const models = readdirSync(fixturePath('models'));
const f32 = (...values: number[]) => new Uint8Array(new Float32Array(values).buffer);
const float = (bytes: Uint8Array) => [...new Float32Array(bytes.slice().buffer)];

/** BEiT's relative_position_index for a square patch grid, computed the way the reference's formula reads. */
function relativePositionIndex(grid: number): bigint[] {
  const tokens = grid * grid + 1;
  const distances = (2 * grid - 1) * (2 * grid - 1) + 3;
  const index: bigint[] = [];
  for (let a = 0; a < tokens; a++) {
    for (let b = 0; b < tokens; b++) {
      if (a === 0 && b === 0) index.push(BigInt(distances - 1));
      else if (a === 0) index.push(BigInt(distances - 3));
      else if (b === 0) index.push(BigInt(distances - 2));
      else {
        const [ra, ca, rb, cb] = [Math.floor((a - 1) / grid), (a - 1) % grid, Math.floor((b - 1) / grid), (b - 1) % grid];
        index.push(BigInt((ra - rb + grid - 1) * (2 * grid - 1) + (ca - cb + grid - 1)));
      }
    }
  }
  return index;
}

describe('parsePytorchBin on the fixtures', () => {
  it.each(models)('%s: every tensor equals model.safetensors at its header offsets, stored ones as views at their file offset', (model) => {
    const bin = readBytes('models', model, 'pytorch_model.bin');
    const safetensors = readBytes('models', model, 'model.safetensors');
    const { header, dataStart } = rawSafetensorsHeader(safetensors);
    const { tensors } = parsePytorchBin(bin);
    let copied = 0;
    for (const [
      name,
      {
        dtype,
        shape,
        data_offsets: [begin, end],
      },
    ] of Object.entries(header)) {
      const tensor = tensors.get(name);
      expect(tensor, name).toBeDefined();
      expect([tensor!.dtype, tensor!.shape, tensor!.file]).toEqual([dtype === 'I64' ? 'int64' : 'float32', shape, 'pytorch_model.bin']);
      const expected = Buffer.from(safetensors.subarray(dataStart + begin, dataStart + end));
      expect(Buffer.from(tensor!.data).equals(expected), name).toBe(true);
      if (tensor!.fileOffset === undefined) {
        copied++;
        continue;
      }
      expect(tensor!.data.buffer).toBe(bin.buffer);
      expect(Buffer.from(bin.subarray(tensor!.fileOffset, tensor!.fileOffset + expected.length)).equals(expected)).toBe(true);
    }
    // The fixture stores one 2-D weight per file (when it has one) as a transposed view: that one is copied.
    const has2d = Object.values(header).some(({ shape }) => shape.length === 2);
    expect(copied).toBe(has2d ? 1 : 0);

    const extra = [...tensors.keys()].filter((name) => !(name in header));
    const { image_size: imageSize, patch_size: patchSize } = readJson('models', model, 'config.json');
    for (const name of extra) {
      expect(name).toMatch(/\.relative_position_index$/);
      const grid = imageSize / patchSize;
      const tensor = tensors.get(name)!;
      expect([tensor.dtype, tensor.shape]).toEqual(['int64', [grid * grid + 1, grid * grid + 1]]);
      expect([...new BigInt64Array(tensor.data.slice().buffer)]).toEqual(relativePositionIndex(grid));
    }
    if (model.startsWith('beit-') && readJson('models', model, 'config.json').use_relative_position_bias)
      expect(extra.length).toBeGreaterThan(0);
  });
});

describe('parsePytorchBin on hand-made checkpoints', () => {
  const storage9 = { type: 'FloatStorage', key: '0', numel: 9 };
  const values9 = f32(0, 1, 2, 3, 4, 5, 6, 7, 8);
  const views: PickledTensorSpec[] = [
    { name: 'whole', storage: storage9, offset: 0, size: [3, 3], stride: [3, 1] },
    { name: 'transposed', storage: storage9, offset: 0, size: [3, 3], stride: [1, 3] },
    { name: 'tail', storage: storage9, offset: 4, size: [5], stride: [1] },
    { name: 'corner', storage: storage9, offset: 4, size: [2, 2], stride: [3, 1] },
    { name: 'scalar', storage: storage9, offset: 8, size: [], stride: [] },
    { name: 'broadcast', storage: storage9, offset: 2, size: [2, 3], stride: [0, 3] },
  ];

  it.each([0, 6] as const)('honours offsets, strides and shared storages (zip level %i)', (level) => {
    const bin = torchSaveZip(stateDictPickle(views, true), { 0: values9 }, level);
    const { tensors, metadata } = parsePytorchBin(bin);
    expect(metadata).toEqual({});
    expect([...tensors.keys()]).toEqual(views.map((view) => view.name));
    expect(float(tensors.get('whole')!.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(float(tensors.get('transposed')!.data)).toEqual([0, 3, 6, 1, 4, 7, 2, 5, 8]);
    expect(float(tensors.get('tail')!.data)).toEqual([4, 5, 6, 7, 8]);
    expect(float(tensors.get('corner')!.data)).toEqual([4, 5, 7, 8]);
    expect([tensors.get('scalar')!.shape, float(tensors.get('scalar')!.data)]).toEqual([[], [8]]);
    expect(float(tensors.get('broadcast')!.data)).toEqual([2, 5, 8, 2, 5, 8]);
    for (const name of ['transposed', 'corner', 'broadcast']) expect(tensors.get(name)!.fileOffset).toBeUndefined();
    const whole = tensors.get('whole')!;
    const tail = tensors.get('tail')!;
    if (level === 0) {
      expect(tail.fileOffset! - whole.fileOffset!).toBe(16);
      expect(float(bin.subarray(whole.fileOffset, whole.fileOffset! + 36))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      expect(whole.data.buffer).toBe(bin.buffer);
    } else {
      // Deflated: one inflated buffer serves both views of the shared storage, and no file offset is claimed.
      expect([whole.fileOffset, tail.fileOffset]).toEqual([undefined, undefined]);
      expect(tail.data.buffer).toBe(whole.data.buffer);
    }
  });

  it('reads each storage dtype and _rebuild_parameter, from protocol 2 and protocol 4 opcodes', () => {
    const types = {
      DoubleStorage: 'float64',
      HalfStorage: 'float16',
      BFloat16Storage: 'bfloat16',
      LongStorage: 'int64',
      IntStorage: 'int32',
      ShortStorage: 'int16',
      CharStorage: 'int8',
      ByteStorage: 'uint8',
      BoolStorage: 'bool',
    };
    const pickle = new PickleWriter().proto(4).raw(0x95, 0, 0, 0, 0, 0, 0, 0, 0).emptyDict().raw(0x94).mark();
    const storages: Record<string, Uint8Array> = {};
    Object.keys(types).forEach((type, i) => {
      const itemBytes = [8, 2, 2, 8, 4, 2, 1, 1, 1][i]!;
      storages[String(i)] = new Uint8Array(2 * itemBytes).fill(i + 1);
      pickle.raw(0x8c, 1, 0x61 + i).stackGlobal('torch._utils', '_rebuild_parameter');
      pickle
        .tensor({ type, key: String(i), numel: 2 }, 0, [2], [1])
        .newFalse()
        .global('collections', 'OrderedDict')
        .emptyTuple()
        .reduce()
        .raw(0x87)
        .reduce();
    });
    const { tensors } = parsePytorchBin(torchSaveZip(pickle.setItems().stop(), storages), 'pytorch_model-00001-of-00002.bin');
    expect([...tensors.values()].map(({ name, dtype, shape, file }) => [name, dtype, shape, file])).toEqual(
      Object.values(types).map((dtype, i) => [String.fromCharCode(0x61 + i), dtype, [2], 'pytorch_model-00001-of-00002.bin']),
    );
    expect([...tensors.values()].map((tensor) => [tensor.data.length, tensor.data[0]])).toEqual([
      [16, 1],
      [4, 2],
      [4, 3],
      [16, 4],
      [8, 5],
      [4, 6],
      [2, 7],
      [2, 8],
      [2, 9],
    ]);
  });
});

/** `zip` with the central directory's uncompressed size of `member` replaced by `size` (a header that lies). */
function claimedSize(zip: Uint8Array, member: string, size: number): Uint8Array {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const name = new TextEncoder().encode(member);
  for (let at = 0; at + 46 <= zip.length; at++) {
    if (view.getUint32(at, true) !== 0x02014b50 || view.getUint16(at + 28, true) !== name.length) continue;
    if (zip.subarray(at + 46, at + 46 + name.length).every((byte, i) => byte === name[i])) {
      view.setUint32(at + 24, size, true);
      return zip;
    }
  }
  throw new Error(`no central directory entry for ${member}`);
}

describe('parsePytorchBin refuses what is not a plain state dict', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'retina-pickle-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const good = torchSaveZip(
    stateDictPickle([{ name: 'w', storage: { type: 'FloatStorage', key: '0', numel: 2 }, offset: 0, size: [2], stride: [1] }]),
    { 0: f32(1, 2) },
  );

  function refusal(bytes: Uint8Array): RetinaError {
    let error: unknown;
    try {
      parsePytorchBin(bytes);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RetinaError);
    expect(float(parsePytorchBin(good).tensors.get('w')!.data)).toEqual([1, 2]);
    return error as RetinaError;
  }

  const marker = join(scratch, 'pwned');
  const shell = (writer: PickleWriter) => writer.unicode(`touch ${marker}`).tuple1().reduce().stop();
  const evil: [string, string, Uint8Array][] = [
    ['GLOBAL posix system', 'posix system', shell(new PickleWriter().proto(2).global('posix', 'system'))],
    [
      'GLOBAL os system inside a state dict',
      'os system',
      stateDictWith(new PickleWriter().global('os', 'system').unicode(`touch ${marker}`).tuple1().reduce()),
    ],
    ['STACK_GLOBAL subprocess Popen', 'subprocess Popen', shell(new PickleWriter().proto(4).stackGlobal('subprocess', 'Popen'))],
    ['INST builtins eval', 'builtins eval', new PickleWriter().inst('builtins', 'eval').stop()],
    ['builtins getattr', 'builtins getattr', shell(new PickleWriter().proto(2).global('builtins', 'getattr'))],
    [
      'numpy reconstruct',
      'numpy.core.multiarray _reconstruct',
      shell(new PickleWriter().proto(2).global('numpy.core.multiarray', '_reconstruct')),
    ],
    ['torch.load itself', 'torch load', shell(new PickleWriter().proto(2).global('torch', 'load'))],
  ];

  it.each(evil)('refuses %s, naming the global, and runs nothing', (_, global, pickle) => {
    const error = refusal(torchSaveZip(pickle, {}));
    expect(error.code).toBe('MODEL_LOAD_FAILED');
    expect(error.message).toContain(`pytorch_model.bin is not a plain state dict: its pickle asks for the Python global "${global}"`);
    expect(existsSync(marker)).toBe(false);
  });

  const cases: [string, () => Uint8Array, RegExp][] = [
    [
      'a truncated zip',
      () => readBytes('models', 'beit-cls', 'pytorch_model.bin').subarray(0, 40_000),
      /not a readable torch\.save zip archive: .*truncated/,
    ],
    [
      'a deflated member claiming more than its compressed bytes can hold',
      () => claimedSize(torchSaveZip(new PickleWriter().proto(2).int(1).stop(), {}, 6), 'archive/data.pkl', 0xfffffff0),
      /its member archive\/data\.pkl claims 4294967280 bytes, more than its \d+ compressed bytes can inflate to/,
    ],
    ['a zip cut inside its directory', () => good.subarray(0, good.length - 30), /not a readable torch\.save zip archive/],
    [
      'a missing storage entry',
      () =>
        torchSaveZip(
          stateDictPickle([{ name: 'w', storage: { type: 'FloatStorage', key: '7', numel: 2 }, offset: 0, size: [2], stride: [1] }]),
          { 0: f32(1, 2) },
        ),
      /uses storage 7, but the archive has no member archive\/data\/7/,
    ],
    [
      'a storage of the wrong size',
      () =>
        torchSaveZip(
          stateDictPickle([{ name: 'w', storage: { type: 'FloatStorage', key: '0', numel: 3 }, offset: 0, size: [2], stride: [1] }]),
          { 0: f32(1, 2) },
        ),
      /storage 0 has 8 bytes, but 3 elements of float32 need 12/,
    ],
    [
      'a view past its storage',
      () =>
        torchSaveZip(
          stateDictPickle([{ name: 'w', storage: { type: 'FloatStorage', key: '0', numel: 2 }, offset: 1, size: [2], stride: [1] }]),
          { 0: f32(1, 2) },
        ),
      /tensor "w" \(offset 1, size \[2\], stride \[1\]\) reaches past its storage of 2 elements/,
    ],
    [
      'a broadcast view larger than its storage',
      () =>
        torchSaveZip(
          stateDictPickle([
            { name: 'w', storage: { type: 'FloatStorage', key: '0', numel: 2 }, offset: 0, size: [1000, 2], stride: [0, 1] },
          ]),
          { 0: f32(1, 2) },
        ),
      /tensor "w" repeats elements of its storage/,
    ],
    [
      'a persistent id that is not a storage',
      () => torchSaveZip(new PickleWriter().proto(2).int(1).binPersId().stop(), {}),
      /has the persistent id the number 1, not a storage reference/,
    ],
    [
      'a list of 200000 items appended at once',
      () => torchSaveZip(new Uint8Array([0x80, 2, 0x5d, 0x28, ...Array.from({ length: 200_000 }, () => 0x4e), 0x65, 0x2e]), {}),
      /holds a tuple or list of 200000 items, not a dict of tensors/,
    ],
    [
      'an unknown storage type',
      () =>
        torchSaveZip(
          stateDictPickle([{ name: 'w', storage: { type: 'ComplexFloatStorage', key: '0', numel: 1 }, offset: 0, size: [1], stride: [1] }]),
          { 0: f32(1, 2) },
        ),
      /global "torch ComplexFloatStorage"/,
    ],
    [
      'a value that is not a tensor',
      () => torchSaveZip(stateDictWith(new PickleWriter().int(3)), {}),
      /entry "x" holds the number 3, not a tensor/,
    ],
    [
      'a pickle that is not a dict',
      () => torchSaveZip(new PickleWriter().proto(2).int(3).stop(), {}),
      /holds the number 3, not a dict of tensors/,
    ],
    [
      'a truncated pickle',
      () => torchSaveZip(stateDictPickle([]).subarray(0, 20), {}),
      /ends in the middle of a text opcode \(truncated\)/,
    ],
    ['an unknown opcode', () => torchSaveZip(new Uint8Array([0x80, 2, 0xff]), {}), /unknown opcode 0xff at byte 2/],
    [
      'NEWOBJ',
      () => torchSaveZip(new PickleWriter().proto(2).global('collections', 'OrderedDict').emptyTuple().raw(0x81).stop(), {}),
      /creates an object with __new__/,
    ],
    ['no data.pkl', () => zipSync({ 'archive/version': new Uint8Array([0x33]) }), /the archive has no <archive>\/data\.pkl member/],
    ['the legacy format', () => new PickleWriter().proto(2).int(1).stop(), /legacy torch\.save format/],
    [
      'a file that is not a zip',
      () => new TextEncoder().encode('<html>not found</html>'.padEnd(100)),
      /no end-of-central-directory record/,
    ],
  ];

  it.each(cases)('refuses %s with a RetinaError, then reads the next file', (_, make, message) => {
    expect(refusal(make()).message).toMatch(message);
  });
});

/** A state dict `{'x': <value the writer pushes>}`. */
function stateDictWith(value: PickleWriter): Uint8Array {
  const head = new PickleWriter().proto(2).emptyDict().unicode('x').stop();
  const tail = value.raw(0x73).stop();
  return new Uint8Array([...head.subarray(0, -1), ...tail]);
}
