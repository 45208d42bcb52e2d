// A graph whose only weight lives in model.onnx.data must load on every runtime, from memory and from disk.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RetinaError } from '../errors.js';
import { openModelRepo, type ModelRepo } from '../hub/index.js';
import { Tensor } from '../tensor.js';
import { addModelWithExternalWeight } from '../testing/onnx-proto.js';
import { createInferenceSession } from './create-inference-session.js';

const { graph, data } = addModelWithExternalWeight();
const files: Record<string, Uint8Array> = { 'onnx/model.onnx': graph, 'onnx/model.onnx.data': data };

function inMemory(repoFiles: Record<string, Uint8Array>): ModelRepo {
  return {
    location: 'memory',
    json: () => Promise.reject(new Error('no JSON files here')),
    bytes: async (file) => repoFiles[file] ?? Promise.reject(new RetinaError('FILE_NOT_FOUND', `${file} is not in memory.`)),
  };
}
const inMemoryRepo = inMemory(files);

const folder = mkdtempSync(join(tmpdir(), 'retina-external-data-'));
mkdirSync(join(folder, 'onnx'));
for (const [file, content] of Object.entries(files)) writeFileSync(join(folder, file), content);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function expectWeightAdded(repo: ModelRepo, device: 'cpu' | 'wasm'): Promise<void> {
  const session = await createInferenceSession(repo, { device, numThreads: 1 });
  try {
    const { Y } = await session.run({ X: new Tensor('float32', new Float32Array([1, 2, 3]), [3]) });
    expect(Array.from(Y!.data as Float32Array)).toEqual([11, 22, 33]);
  } finally {
    await session.dispose();
  }
}

describe('ONNX external data', () => {
  it.each([
    ['onnxruntime-node from memory', inMemoryRepo, 'cpu'],
    ['onnxruntime-node from a local folder path', openModelRepo(folder), 'cpu'],
    ['onnxruntime-web from memory', inMemoryRepo, 'wasm'],
    ['onnxruntime-web from a local folder', openModelRepo(folder), 'wasm'],
  ] as const)('reaches %s', (_, repo, device) => expectWeightAdded(repo, device));

  it('is read under whatever name the graph gives it', async () => {
    const renamed = addModelWithExternalWeight('add.weights');
    await expectWeightAdded(inMemory({ 'onnx/model.onnx': renamed.graph, 'onnx/add.weights': renamed.data }), 'wasm');
  });

  it('is needed: without model.onnx.data the load fails, naming the file the graph asks for', async () => {
    const withoutData = inMemory({ 'onnx/model.onnx': graph });
    await expect(createInferenceSession(withoutData, { device: 'cpu', numThreads: 1 })).rejects.toThrow(
      expect.objectContaining({ code: 'FILE_NOT_FOUND', message: 'onnx/model.onnx.data is not in memory.' }),
    );
  });
});
