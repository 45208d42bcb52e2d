// What a pytorch_model.bin of a few kilobytes can make the reader spend: integers are refused past a
// width no state dict needs instead of being decoded in quadratic time, and strided views are copied
// out only within what the checkpoint's storages hold (plus an allowance), checked before anything is
// inflated. Costs are measured in a child process: a regression hangs it or raises its peak memory.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { concatBytes } from '../onnx/protobuf-writer.js';
import { measureInChild } from '../testing/measure-in-child.js';
import { stateDictPickle, torchSaveZip, type PickledTensorSpec } from '../testing/torch-save-file.js';
import { parsePytorchBin } from './pytorch-bin.js';

const dir = mkdtempSync(join(tmpdir(), 'retina-pytorch-bin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeBin(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** A pickle of one opcode carrying `payload` after a 4-byte little-endian length (LONG4 0x8b, BINUNICODE 0x58). */
function pickleOf(opcode: number, payload: Uint8Array): Uint8Array {
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, payload.length, true);
  return concatBytes([Uint8Array.of(0x80, 2, opcode), length, payload, Uint8Array.of(0x2e)]);
}

describe('pickle integers', () => {
  it('refuses a 200 KB LONG4 integer as fast as it reads a 200 KB string (decoding it took over a minute)', async () => {
    const size = 200_000;
    const integer = writeBin('integer.bin', torchSaveZip(pickleOf(0x8b, new Uint8Array(size).fill(0x7f)), {}));
    const text = writeBin('text.bin', torchSaveZip(pickleOf(0x58, new Uint8Array(size).fill(0x41)), {}));

    const baseline = await measureInChild('parsePytorchBin', [text], { repeat: 5 });
    const attack = await measureInChild('parsePytorchBin', [integer], { repeat: 5, hangAfterMs: 60_000 });

    expect(baseline.error?.message).toMatch(/holds the string "AAAA/);
    expect(attack.error).toMatchObject({ code: 'MODEL_LOAD_FAILED' });
    expect(attack.error?.message).toMatch(/a 200000-byte integer; Retina reads integers of up to 1024 bytes/);
    console.log(`200 KB integer refused in ${attack.ms.toFixed(2)} ms; a 200 KB string read in ${baseline.ms.toFixed(2)} ms`);
    expect(attack.ms).toBeLessThan(2 * baseline.ms);
  });

  it('refuses a protocol 0 integer longer than 2,467 digits, as Python refuses int() of over 4,300', () => {
    const pickle = new TextEncoder().encode(`I${'9'.repeat(5000)}\n.`);
    expect(() => parsePytorchBin(torchSaveZip(pickle, {}))).toThrow(/a 5000-digit integer; Retina reads integers of up to 1024 bytes/);
  });

  it('still reads integers of any width a pickle of plain data has (2**70 as LONG1)', () => {
    const pickle = concatBytes([Uint8Array.of(0x80, 2, 0x8a, 9), new Uint8Array(8), Uint8Array.of(0x40, 0x2e)]);
    expect(() => parsePytorchBin(torchSaveZip(pickle, {}))).toThrow(/holds the bigint 1180591620717411303424, not a dict/);
  });
});

describe('strided views', () => {
  const side = 1000;
  const storage = { type: 'FloatStorage', key: '0', numel: side * side };
  const storageBytes = side * side * 4;
  /** `count` different transposed views of one deflated side × side storage (each a full-size copy). */
  const transposes = (count: number): PickledTensorSpec[] =>
    Array.from({ length: count }, (_, i) => ({ name: `t${i}`, storage, offset: i, size: [side - 1, side - 1], stride: [1, side] }));

  it('refuses a 4 MB storage viewed 100 times before inflating it (the copies took 400 MB)', async () => {
    const file = torchSaveZip(stateDictPickle(transposes(100)), { 0: new Uint8Array(storageBytes) }, 6);
    expect(file.length).toBeLessThan(20_000);
    const { error, growthBytes } = await measureInChild('parsePytorchBin', [writeBin('views.bin', file)]);

    expect(error).toMatchObject({ code: 'MODEL_LOAD_FAILED' });
    expect(error?.message).toMatch(
      /has 100 non-contiguous tensors that would take 399200400 bytes to copy out, more than its storages hold \(4000000 bytes\) plus 67108864 bytes/,
    );
    console.log(`100 views of a 4 MB storage: peak RSS +${(growthBytes / 2 ** 20).toFixed(0)} MiB`);
    // What the reader may spend on copies: the storages plus the allowance, here 68 MB.
    expect(growthBytes).toBeLessThan(storageBytes + 64 * 2 ** 20);
  });

  it('copies views within that allowance, and a view saved under two names once', () => {
    const views = [...transposes(3), { ...transposes(1)[0]!, name: 'tied' }];
    const { tensors } = parsePytorchBin(torchSaveZip(stateDictPickle(views), { 0: new Uint8Array(storageBytes) }, 6));
    expect([...tensors.keys()]).toEqual(['t0', 't1', 't2', 'tied']);
    // Compared by identity only: printing 4 MB arrays for a message takes vitest seconds.
    const [t0, t1, tied] = ['t0', 't1', 'tied'].map((name) => tensors.get(name)!.data);
    expect([tied === t0, t1 === t0]).toEqual([true, false]);
  });
});
