// A graph whose only weight lives in model.onnx.data must load on every runtime, from memory and from disk.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openModelRepo, type ModelRepo } from '../hub/index.js';
import { Tensor } from '../tensor.js';
import { bytesField, entry, int, str, tensorValueInfo } from '../testing/onnx-proto.js';
import { createInferenceSession } from './create-inference-session.js';

/** Y = X + W, W = float32[3] stored in `model.onnx.data`. */
function addModelWithExternalWeight(): { graph: Uint8Array; data: Uint8Array } {
  const weight = [...int(1, 3), ...int(2, 1), ...str(8, 'W'), ...entry('location', 'model.onnx.data'), ...entry('offset', '0'), ...entry('length', '12'), ...int(14, 1)];
  const node = [...str(1, 'X'), ...str(1, 'W'), ...str(2, 'Y'), ...str(4, 'Add')];
  const graph = [...bytesField(1, node), ...str(2, 'add'), ...bytesField(5, weight), ...tensorValueInfo(11, 'X', 1, 3), ...tensorValueInfo(12, 'Y', 1, 3)];
  const model = [...int(1, 8), ...bytesField(7, graph), ...bytesField(8, [...str(1, ''), ...int(2, 17)])];
  return { graph: new Uint8Array(model), data: new Uint8Array(new Float32Array([10, 20, 30]).buffer) };
}

const { graph, data } = addModelWithExternalWeight();
const files: Record<string, Uint8Array> = { 'onnx/model.onnx': graph, 'onnx/model.onnx.data': data };
const inMemoryRepo: ModelRepo = {
  location: 'memory',
  json: () => Promise.reject(new Error('no JSON files here')),
  bytes: async (file) => files[file]!,
  exists: async (file) => file in files,
};

const folder = mkdtempSync(join(tmpdir(), 'retina-external-data-'));
mkdirSync(join(folder, 'onnx'));
for (const [file, content] of Object.entries(files)) writeFileSync(join(folder, file), content);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('ONNX external data', () => {
  it.each([
    ['onnxruntime-node from memory', inMemoryRepo, 'cpu'],
    ['onnxruntime-node from a local folder path', openModelRepo(folder), 'cpu'],
    ['onnxruntime-web from memory', inMemoryRepo, 'wasm'],
    ['onnxruntime-web from a local folder', openModelRepo(folder), 'wasm'],
  ] as const)('reaches %s', async (_, repo, device) => {
    const session = await createInferenceSession(repo, { device, numThreads: 1 });
    const { Y } = await session.run({ X: new Tensor('float32', new Float32Array([1, 2, 3]), [3]) });
    expect(Array.from(Y!.data as Float32Array)).toEqual([11, 22, 33]);
    await session.release();
  });

  it('is needed: without model.onnx.data the load fails, naming the graph', async () => {
    const withoutData: ModelRepo = { ...inMemoryRepo, exists: async (file) => file === 'onnx/model.onnx' };
    await expect(createInferenceSession(withoutData, { device: 'cpu', numThreads: 1 })).rejects.toThrow(
      expect.objectContaining({ code: 'MODEL_LOAD_FAILED', message: expect.stringMatching(/^Could not load onnx\/model\.onnx from memory/) }),
    );
  });
});
