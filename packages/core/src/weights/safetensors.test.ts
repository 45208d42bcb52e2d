import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RetinaError } from '../errors.js';
import { fixturePath, readBytes } from '../testing/fixtures.js';
import { packSafetensors, rawSafetensorsHeader, safetensorsFile } from '../testing/safetensors-file.js';
import { parseSafetensors } from './safetensors.js';

const models = readdirSync(fixturePath('models'));
const SAFETENSORS_DTYPES = {
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

describe('parseSafetensors', () => {
  it.each(models)('reads every tensor of %s as a view at the header offsets', (model) => {
    const bytes = readBytes('models', model, 'model.safetensors');
    const { header, dataStart } = rawSafetensorsHeader(bytes);
    const { tensors, metadata } = parseSafetensors(bytes);
    expect(metadata).toEqual({ format: 'pt' });
    expect([...tensors.keys()].sort()).toEqual(Object.keys(header).sort());
    for (const [name, entry] of Object.entries(header)) {
      const tensor = tensors.get(name)!;
      const [begin, end] = entry.data_offsets;
      expect({ name: tensor.name, dtype: tensor.dtype, shape: tensor.shape, file: tensor.file, fileOffset: tensor.fileOffset }).toEqual({
        name,
        dtype: SAFETENSORS_DTYPES[entry.dtype as keyof typeof SAFETENSORS_DTYPES],
        shape: entry.shape,
        file: 'model.safetensors',
        fileOffset: dataStart + begin,
      });
      expect(tensor.data.buffer).toBe(bytes.buffer);
      expect(Buffer.from(tensor.data).equals(Buffer.from(bytes.subarray(dataStart + begin, dataStart + end)))).toBe(true);
    }
    const offsets = [...tensors.values()].map((tensor) => tensor.fileOffset!);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
  });

  it('reads every standard dtype, keeps __metadata__ and names the file', () => {
    const tensors = Object.keys(SAFETENSORS_DTYPES).map((dtype, i) => ({
      name: `t${i}`,
      dtype,
      shape: [2, 1],
      bytes: new Uint8Array(2 * itemBytes(dtype)).fill(i),
    }));
    const { tensors: read, metadata } = parseSafetensors(
      packSafetensors(tensors, { format: 'pt', note: 'x' }),
      'model-00002-of-00002.safetensors',
    );
    expect(metadata).toEqual({ format: 'pt', note: 'x' });
    expect([...read.values()].map(({ dtype, shape, file }) => ({ dtype, shape, file }))).toEqual(
      Object.values(SAFETENSORS_DTYPES).map((dtype) => ({ dtype, shape: [2, 1], file: 'model-00002-of-00002.safetensors' })),
    );
    expect([...read.values()].map((tensor) => tensor.data[0])).toEqual(tensors.map((_, i) => i));
  });

  const good = packSafetensors([{ name: 'w', dtype: 'F32', shape: [2], bytes: new Uint8Array(8) }]);
  const bad: [string, Uint8Array, RegExp][] = [
    ['a file shorter than the header length', new Uint8Array(5), /fewer than the 8-byte header length/],
    [
      'a header length beyond the file',
      safetensorsFile({}, new Uint8Array(16), 1_000_000),
      /header length \(1000000 bytes\) goes past the end of the file/,
    ],
    ['a header length above 2^53', safetensorsFile({}, new Uint8Array(16), 2 ** 60), /goes past the end of the file/],
    ['a header that is not JSON', safetensorsFile({}, new TextEncoder().encode('}}}}'), 6), /header is not UTF-8 JSON/],
    ['a header that is an array', safetensorsFile([1]), /header is not a JSON object/],
    [
      'an unknown dtype',
      safetensorsFile({ w: { dtype: 'F8_E4M3', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)),
      /"w" has dtype F8_E4M3, which Retina does not read/,
    ],
    ['a negative dim', safetensorsFile({ w: { dtype: 'U8', shape: [-1], data_offsets: [0, 0] } }), /"w" has shape \[-1\]/],
    [
      'offsets past the data',
      safetensorsFile({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, new Uint8Array(4)),
      /\[0, 8\] outside the 4 data bytes/,
    ],
    ['reversed offsets', safetensorsFile({ w: { dtype: 'U8', shape: [0], data_offsets: [4, 0] } }, new Uint8Array(4)), /\[4, 0\] outside/],
    [
      'a size that is not shape x dtype',
      safetensorsFile({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)),
      /"w" has 8 data bytes, but shape \[3\] of F32 needs 12/,
    ],
    [
      'overlapping tensors',
      safetensorsFile(
        { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } },
        new Uint8Array(12),
      ),
      /"a" \[0, 8\] and "b" \[4, 12\] overlap/,
    ],
    ['a non-string metadata value', safetensorsFile({ __metadata__: { format: 1 } }), /__metadata__ value "format" is not a string/],
    // The safetensors library's own checks: every data byte belongs to exactly one tensor, one name per tensor.
    [
      'bytes between two tensors',
      safetensorsFile(
        { a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } },
        new Uint8Array(12),
      ),
      /data bytes 4 to 8 belong to no tensor \(the gap before "b"\)/,
    ],
    [
      'bytes before the first tensor',
      safetensorsFile({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)),
      /data bytes 0 to 4 belong to no tensor/,
    ],
    [
      'bytes after the last tensor',
      safetensorsFile({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(1004)),
      /its last 1000 data bytes \(after byte 4\) belong to no tensor/,
    ],
    ['data without any tensor', safetensorsFile({ __metadata__: {} }, new Uint8Array(4)), /its last 4 data bytes/],
    [
      'a tensor named twice, even with the same bytes',
      headerText(
        `{"w":${JSON.stringify(byteTensor)},"v":${JSON.stringify(byteTensor)},"w":${JSON.stringify(byteTensor)}}`,
        new Uint8Array(1),
      ),
      /its header names "w" twice/,
    ],
  ];

  it.each(bad)('refuses %s with a RetinaError naming the file, then reads a good file', (_, bytes, message) => {
    let error: unknown;
    try {
      parseSafetensors(bytes, 'shard.safetensors');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RetinaError);
    expect(error).toMatchObject({
      code: 'MODEL_LOAD_FAILED',
      message: expect.stringMatching(/^shard\.safetensors is not a valid safetensors file: /),
    });
    expect((error as Error).message).toMatch(message);
    expect(parseSafetensors(good).tensors.get('w')?.shape).toEqual([2]);
  });
});

const byteTensor = { dtype: 'U8', shape: [1], data_offsets: [0, 1] };

/** A safetensors file with the header text as given (JSON that an object literal cannot write, e.g. a repeated key). */
function headerText(json: string, data: Uint8Array): Uint8Array {
  const text = new TextEncoder().encode(json);
  const length = new Uint8Array(8);
  new DataView(length.buffer).setBigUint64(0, BigInt(text.length), true);
  return Uint8Array.from([...length, ...text, ...data]);
}

function itemBytes(dtype: string): number {
  return dtype === 'BOOL' || dtype.endsWith('8') ? 1 : Number(dtype.replace(/\D/g, '')) / 8;
}
