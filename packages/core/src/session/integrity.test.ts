// `integrity` holds for the graph and its external data on every runtime, onnxruntime-node from a folder included.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { openModelRepo } from '../hub/index.js';
import { Tensor } from '../tensor.js';
import { addModelWithExternalWeight } from '../testing/onnx-proto.js';
import { createInferenceSession } from './create-inference-session.js';

const { graph, data } = addModelWithExternalWeight();
const folder = mkdtempSync(join(tmpdir(), 'retina-integrity-'));
mkdirSync(join(folder, 'onnx'));
writeFileSync(join(folder, 'onnx', 'model.onnx'), graph);
writeFileSync(join(folder, 'onnx', 'model.onnx.data'), data);
afterAll(() => rmSync(folder, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const sri = (bytes: Uint8Array) => `sha256-${createHash('sha256').update(bytes).digest('base64')}`;
const hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const other = new Uint8Array([1, 2, 3]);

describe.each(['cpu', 'wasm'] as const)('integrity of the graph files from a folder, device %s', (device) => {
  it('loads when every hash matches', async () => {
    const integrity = { 'onnx/model.onnx': sri(graph), 'onnx/model.onnx.data': hex(data) };
    const session = await createInferenceSession(openModelRepo(folder, { integrity }), { device, numThreads: 1 });
    try {
      const { Y } = await session.run({ X: new Tensor('float32', new Float32Array([1, 2, 3]), [3]) });
      expect(Array.from(Y!.data as Float32Array)).toEqual([11, 22, 33]);
    } finally {
      await session.dispose();
    }
  });

  it.each(['onnx/model.onnx', 'onnx/model.onnx.data'])('refuses a wrong hash of %s before any runtime is called', async (file) => {
    const spies = [vi.spyOn(ortNode.InferenceSession, 'create'), vi.spyOn(ortWeb.InferenceSession, 'create')];
    const repo = openModelRepo(folder, { integrity: { [file]: sri(other) } });
    await expect(createInferenceSession(repo, { device, numThreads: 1 })).rejects.toMatchObject({
      code: 'MODEL_LOAD_FAILED',
      message: expect.stringContaining(`Integrity check failed for ${file} from ${join(folder, file)}: expected ${sri(other)}`),
    });
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });
});

describe('a malformed integrity hash', () => {
  it.each([
    ['onnx/model.onnx', 'md5-abc'],
    ['onnx/model.onnx.data', hex(data).slice(1)],
    ['config.json', `${sri(data)}x`],
    ['never-read.bin', ''],
  ])('is INVALID_ARGUMENT as soon as the repo is opened: %s = %j', (file, hash) => {
    expect(() => openModelRepo(folder, { integrity: { [file]: hash } })).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: `integrity["${file}"] is ${JSON.stringify(hash)}; expected "sha256-<base64>" or 64 hex digits.`,
      }),
    );
  });
});
