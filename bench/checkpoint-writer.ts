// Writes a model.safetensors of seeded random values for a parameter list: the same list and seed give
// the same bytes. Streams tensor by tensor, so that a 600 MB checkpoint never sits in memory.
import { closeSync, openSync, renameSync, writeSync } from 'node:fs';
import type { Parameter } from './checkpoint-parameters.js';

const BYTES = { F32: 4, I64: 8 } as const;
const CHUNK = 1 << 20;

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/** mulberry32: uniform floats in [0, 1). */
function uniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fill(values: Float32Array, parameter: Parameter, random: () => number): void {
  const { init } = parameter;
  if (init.kind === 'constant') return void values.fill(init.value);
  // Uniform with the normal's standard deviation: cheaper, and a benchmark only needs finite activations.
  const half = init.std * Math.sqrt(3);
  for (let i = 0; i < values.length; i++) values[i] = (2 * random() - 1) * half;
}

/** safetensors' header: offsets in list order, padded with spaces to 8 bytes. */
function header(parameters: readonly Parameter[]): { bytes: Buffer; dataBytes: number } {
  let offset = 0;
  const entries: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  for (const { name, dtype, shape } of parameters) {
    const length = shape.reduce((a, b) => a * b, 1) * BYTES[dtype];
    entries[name] = { dtype, shape, data_offsets: [offset, offset + length] };
    offset += length;
  }
  const json = Buffer.from(JSON.stringify(entries));
  const padded = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)]);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(padded.length));
  return { bytes: Buffer.concat([length, padded]), dataBytes: offset };
}

/** Size of the file {@link writeCheckpoint} writes for `parameters`. */
export function checkpointBytes(parameters: readonly Parameter[]): number {
  const { bytes, dataBytes } = header(parameters);
  return bytes.length + dataBytes;
}

export function writeCheckpoint(path: string, parameters: readonly Parameter[], seed: number): void {
  const partial = `${path}.partial`;
  const fd = openSync(partial, 'w');
  try {
    writeSync(fd, header(parameters).bytes);
    for (const parameter of parameters) {
      const count = parameter.shape.reduce((a, b) => a * b, 1);
      if (parameter.dtype === 'I64') {
        writeSync(
          fd,
          new Uint8Array(new BigInt64Array(count).fill(BigInt(parameter.init.kind === 'constant' ? parameter.init.value : 0)).buffer),
        );
        continue;
      }
      const random = uniform(fnv1a(`${seed}:${parameter.name}`));
      const chunk = new Float32Array(Math.min(CHUNK, count));
      for (let done = 0; done < count; done += chunk.length) {
        const part = chunk.subarray(0, Math.min(chunk.length, count - done));
        fill(part, parameter, random);
        writeSync(fd, new Uint8Array(part.buffer, 0, part.byteLength));
      }
    }
  } finally {
    closeSync(fd);
  }
  renameSync(partial, path);
}
