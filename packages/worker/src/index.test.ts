import { describe, expect, it } from 'vitest';
import * as retina from './index.js';

describe('@retina/worker exports', () => {
  it('keeps a tiny runtime surface', () => {
    expect(Object.keys(retina).sort()).toEqual(['RetinaError', 'Tensor', 'WorkerFaultError', 'createRetinaWorker']);
  });
});
