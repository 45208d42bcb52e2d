import { describe, expect, it } from 'vitest';
import { RetinaError } from '../errors.js';
import type { Checkpoint, WeightTensor } from '../weights/weight-tensor.js';
import { BuildBudget, defaultMaxBuildBytes } from './build-budget.js';

function checkpointOf(...shapes: number[][]): Checkpoint {
  const tensors = new Map<string, WeightTensor>(
    shapes.map((shape, i) => [`t${i}`, { name: `t${i}`, dtype: 'float16', shape, data: new Uint8Array(0), file: 'model.safetensors' }]),
  );
  return { tensors, files: [], metadata: {} };
}

describe('the build budget', () => {
  it('is 4 times the checkpoint parameters as float32 (whatever their dtype), plus 64 MiB', () => {
    expect(defaultMaxBuildBytes(checkpointOf([1000, 250], [10]))).toBe(16 * 250_010 + 67_108_864);
    expect(defaultMaxBuildBytes(checkpointOf())).toBe(67_108_864);
  });

  it('charges tensors until the next would pass the limit, then refuses it by name before allocating it', () => {
    const budget = new BuildBudget(1000, false);
    expect(budget.float32([10, 20], 'a token table', 'image_size 40').length).toBe(200);
    budget.charge([50], 4, 'a bias', 'num_attention_heads 2');
    let error: unknown;
    try {
      budget.int32([2, 1], 'a relative position index', 'image_size 1000000 and patch_size 16');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RetinaError);
    expect(error).toMatchObject({
      code: 'INVALID_CONFIG',
      message:
        "For config.json's image_size 1000000 and patch_size 16, the graph needs a relative position index of 2 elements ([2, 1], 8 bytes); " +
        'a graph built from this checkpoint may compute 1,000 bytes (4 × its parameters as float32, plus 64 MiB), 1,000 of them taken already. ' +
        'Are config.json and the weights from the same model? If they are, raise the maxBuildBytes load option.',
    });
  });

  it('names maxBuildBytes when the caller set the limit', () => {
    expect(() => new BuildBudget(100, true).charge([26], 4, 'a table', 'image_size 8')).toThrow(
      /maxBuildBytes allows 100 bytes, 0 of them/,
    );
  });
});
