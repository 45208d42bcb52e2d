// fp16 exports take and give float16: the session converts at the boundary so models see float32.
import { describe, expect, it } from 'vitest';
import type { ModelRepo } from '../hub/index.js';
import { Tensor } from '../tensor.js';
import { bytesField, modelProto, str, tensorValueInfo } from '../testing/onnx-proto.js';
import { createInferenceSession } from './create-inference-session.js';

const FLOAT16 = 10;

/** Y = X + X on float16[4]. */
function doubleInFloat16(): Uint8Array {
  const node = [...str(1, 'X'), ...str(1, 'X'), ...str(2, 'Y'), ...str(4, 'Add')];
  const graph = [
    ...bytesField(1, node),
    ...str(2, 'double'),
    ...tensorValueInfo(11, 'X', FLOAT16, 4),
    ...tensorValueInfo(12, 'Y', FLOAT16, 4),
  ];
  return modelProto(graph);
}

const repo: ModelRepo = {
  location: 'memory',
  json: () => Promise.reject(new Error('no JSON files here')),
  bytes: async () => doubleInFloat16(),
};

describe.each(['cpu', 'wasm'] as const)('a float16 graph on %s', (device) => {
  it('reads float32, runs in float16 and answers float32', async () => {
    const session = await createInferenceSession(repo, { device, dtype: 'fp16', numThreads: 1 });
    try {
      expect(session.inputMetadata[0]!.dtype).toBe('float32');
      const { Y } = await session.run({ X: new Tensor('float32', new Float32Array([1, -2.5, 0.1, 60000]), [4]) });
      expect(Y!.dtype).toBe('float32');
      // 0.1 is 0.0999755859375 in float16; 120000 overflows float16 to infinity.
      expect(Array.from(Y!.data as Float32Array)).toEqual([2, -5, 0.199951171875, Infinity]);
    } finally {
      await session.dispose();
    }
  });
});
