import { describe, expect, it } from 'vitest';
import { AutoModel } from '../models/auto/modeling-auto.js';
import { fixturePath } from '../testing/fixtures.js';

const stages = ['files', 'build', 'runtime', 'session', 'total'] as const;

describe('load timings', () => {
  it('break an onnxruntime-web load down by stage; the runtime starts once (in Node after the files)', async () => {
    // The first load in this process starts onnxruntime-web's WebAssembly; the second finds it running.
    const first = await AutoModel.fromPretrained(fixturePath('models', 'bit-feature'), { device: 'wasm', numThreads: 1 });
    const second = await AutoModel.fromPretrained(fixturePath('models', 'bit-feature'), { device: 'wasm', source: 'weights' });
    try {
      for (const timings of [first.session.loadTimings!, second.session.loadTimings!]) {
        for (const stage of stages) expect(timings[stage], stage).toBeGreaterThanOrEqual(0);
        // The session starts once the files are read and the runtime is ready.
        expect(timings.total + 1e-6).toBeGreaterThanOrEqual(Math.max(timings.files + timings.build, timings.runtime) + timings.session);
      }
      expect(first.session.loadTimings!.build).toBe(0);
      expect(second.session.loadTimings!.build).toBeGreaterThan(0);
      expect(second.session.loadTimings!.runtime).toBeLessThan(first.session.loadTimings!.runtime);
    } finally {
      await Promise.all([first.dispose(), second.dispose()]);
    }
  });
});
