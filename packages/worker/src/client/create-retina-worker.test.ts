import { transferHandlers } from 'comlink';
import { describe, expect, it } from 'vitest';
import { createRetinaWorker } from './create-retina-worker.js';

describe('createRetinaWorker', () => {
  it("leaves the page's comlink transfer handlers as they were", () => {
    const appThrowHandler = { canHandle: () => false, serialize: () => [undefined, []], deserialize: () => undefined } as const;
    const builtin = transferHandlers.get('throw');
    transferHandlers.set('throw', appThrowHandler as never);
    try {
      const before = [...transferHandlers];
      createRetinaWorker();
      createRetinaWorker({ device: 'wasm' });
      expect([...transferHandlers]).toEqual(before);
      expect(transferHandlers.get('throw')).toBe(appThrowHandler);
    } finally {
      transferHandlers.set('throw', builtin!);
    }
  });
});
