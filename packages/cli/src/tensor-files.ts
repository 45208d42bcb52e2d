// Raw tensor files (.bin): little-endian, C order, no header, as the golden fixtures store them.
// Typed arrays use the host's byte order, which is little-endian on every platform Node.js supports.
import { readFile, writeFile } from 'node:fs/promises';
import { RetinaError, Tensor } from '@retina/core';
import { UsageError } from './io.js';

const BIN_DTYPES = ['float32', 'bool', 'int64'] as const;
export type BinDtype = (typeof BIN_DTYPES)[number];

const ARRAY_TYPES = { float32: Float32Array, bool: Uint8Array, int64: BigInt64Array } as const;

/** A `--input` of `retina forward`: which graph input, read from which file, with which shape and dtype. */
export interface InputSpec {
  name: string;
  file: string;
  dims: number[];
  dtype: BinDtype;
}

const DIMS = /^\d+(x\d+)*$/;

/**
 * Parses `<name>=<file>:<dims>[:<dtype>]`, e.g. `pixel_values=x.bin:2x3x32x32`. The dims and dtype are
 * read from the end, so the file path may contain colons.
 */
export function parseInputSpec(spec: string): InputSpec {
  const syntax =
    `--input "${spec}": expected <name>=<file.bin>:<dims>[:<dtype>] with <dtype> ${BIN_DTYPES.join(', ')}, ` +
    'e.g. pixel_values=x.bin:1x3x224x224';
  const equals = spec.indexOf('=');
  if (equals < 1) throw new UsageError(syntax);
  const name = spec.slice(0, equals);
  const parts = spec.slice(equals + 1).split(':');
  const dtype = (BIN_DTYPES as readonly string[]).includes(parts.at(-1)!) ? (parts.pop() as BinDtype) : 'float32';
  const dims = parts.pop();
  const file = parts.join(':');
  if (file === '' || dims === undefined || !DIMS.test(dims)) throw new UsageError(syntax);
  return { name, file, dims: dims.split('x').map(Number), dtype };
}

/** Reads an input's file as a tensor of its dims and dtype; the file size must match exactly. */
export async function readTensorFile({ name, file, dims, dtype }: InputSpec): Promise<Tensor> {
  const bytes = await readFile(file).catch((cause: unknown) => {
    throw new RetinaError('FILE_NOT_FOUND', `Cannot read ${file} for ${name}: ${(cause as Error).message}`, { cause });
  });
  const ArrayType = ARRAY_TYPES[dtype];
  const size = dims.reduce((a, b) => a * b, 1);
  const expected = size * ArrayType.BYTES_PER_ELEMENT;
  if (bytes.byteLength !== expected) {
    throw new RetinaError(
      'INVALID_ARGUMENT',
      `${file} has ${bytes.byteLength} bytes, but ${name} as ${dtype} [${dims.join(', ')}] takes ${expected}.`,
    );
  }
  // Copied into a fresh buffer: Node's file buffers may start at an offset that the array type cannot align to.
  const data = new ArrayType(new Uint8Array(bytes).buffer);
  return new Tensor(dtype, data, dims);
}

export async function writeTensorFile(file: string, tensor: Tensor): Promise<void> {
  const { data } = tensor;
  await writeFile(file, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}
