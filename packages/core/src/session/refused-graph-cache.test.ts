// A graph the runtime refuses does not stay in the Cache API: once the server serves a good one, the
// next load downloads it instead of failing from the cache.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openModelRepo } from '../hub/index.js';
import { Tensor } from '../tensor.js';
import { MemoryCacheStorage } from '../testing/memory-cache.js';
import {
  addModelWithExternalWeight,
  bytesField,
  externalTensor,
  modelProto,
  nodeField,
  str,
  tensorValueInfo,
} from '../testing/onnx-proto.js';
import { startTestServer, type TestServer } from '../testing/test-http-server.js';
import { createInferenceSession } from './create-inference-session.js';

const good = addModelWithExternalWeight();
/** Parses to its end and reads only model.onnx.data, so Retina's checks pass; no runtime has the op. */
const refused = modelProto([
  ...nodeField('NoSuchOp', ['X', 'W'], ['Y']),
  ...str(2, 'refused'),
  ...bytesField(5, externalTensor('W', 'model.onnx.data')),
  ...tensorValueInfo(11, 'X', 1, 3),
  ...tensorValueInfo(12, 'Y', 1, 3),
]);

let server: TestServer;
let serveGood = false;
let cacheStorage: MemoryCacheStorage;

beforeAll(async () => {
  server = await startTestServer((path, _request, response) => {
    const files: Record<string, Uint8Array> = {
      '/repo/onnx/model.onnx': serveGood ? good.graph : refused,
      '/repo/onnx/model.onnx.data': good.data,
    };
    const file = files[path];
    if (!file) return false;
    response.writeHead(200, { 'content-length': file.length, 'content-type': 'application/octet-stream' }).end(file);
    return true;
  });
});
afterAll(() => server.close());
beforeEach(() => {
  serveGood = false;
  server.requests.length = 0;
  cacheStorage = new MemoryCacheStorage();
});

describe.each(['cpu', 'wasm'] as const)('a graph the runtime refuses (device %s)', (device) => {
  it('is dropped from the cache with its external data, so the next load downloads the fixed files', async () => {
    const repo = () => openModelRepo(`${server.url}/repo`, { cacheStorage });
    await expect(createInferenceSession(repo(), { device, numThreads: 1 })).rejects.toMatchObject({
      code: 'MODEL_LOAD_FAILED',
      message: expect.stringContaining('Could not load onnx/model.onnx'),
    });
    expect([...(cacheStorage.caches.get('retina-models')?.entries.keys() ?? [])]).toEqual([]);

    serveGood = true;
    server.requests.length = 0;
    const session = await createInferenceSession(repo(), { device, numThreads: 1 });
    try {
      const { Y } = await session.run({ X: new Tensor('float32', new Float32Array([1, 2, 3]), [3]) });
      expect(Array.from(Y!.data as Float32Array)).toEqual([11, 22, 33]);
    } finally {
      await session.dispose();
    }
    expect(server.requests).toEqual(['GET /repo/onnx/model.onnx', 'GET /repo/onnx/model.onnx.data']);
  });
});
