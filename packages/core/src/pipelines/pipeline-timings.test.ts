import { describe, expect, it, vi } from 'vitest';
import { fixturePath, readBytes } from '../testing/fixtures.js';
import { pipeline, type PipelineTask } from './pipeline.js';
import type { PipelineCallOptions, TaskPipeline } from './pipeline-base.js';
import type { PipelineTimings } from './pipeline-timings.js';

const STAGES = ['decode', 'preprocess', 'inference', 'postprocess'] as const;
const photos = () => [readBytes('images', 'chelsea.png'), readBytes('images', 'coffee.png')];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/** The call's timings and its wall time as the caller measures it. */
async function timedCall(call: (onTimings: (timings: PipelineTimings) => void) => Promise<unknown>) {
  const reports: PipelineTimings[] = [];
  const started = performance.now();
  await call((timings) => reports.push(timings));
  const wall = performance.now() - started;
  expect(reports).toHaveLength(1);
  return { timings: reports[0]!, wall };
}

describe.each<[PipelineTask, string]>([
  ['image-classification', 'beit-cls'],
  ['image-segmentation', 'beit-seg'],
  ['image-feature-extraction', 'beit-feature'],
])('%s timings', (task, model) => {
  it('reports every stage once per call, non-negative, adding up to no more than the call', async () => {
    const run: TaskPipeline<PipelineTask, unknown, PipelineCallOptions, unknown> = await pipeline(task, fixturePath('models', model), {
      device: 'cpu',
      numThreads: 1,
    });
    try {
      const { timings, wall } = await timedCall((onTimings) => run(photos(), { onTimings }));
      for (const stage of STAGES) expect(timings[stage], stage).toBeGreaterThanOrEqual(0);
      const sum = STAGES.reduce((total, stage) => total + timings[stage], 0);
      expect(sum).toBeLessThanOrEqual(timings.total);
      expect(timings.total).toBeLessThanOrEqual(wall);
      expect(timings.inference).toBeGreaterThan(0);
    } finally {
      await run.close();
    }
  });
});

describe('classification timings', () => {
  const DELAY_MS = 40;
  // setTimeout may fire a fraction of a millisecond before performance.now() says the delay passed.
  const AT_LEAST = DELAY_MS - 2;

  it('puts the time of a slow fetch, processor, model and output read in decode, preprocess, inference and post-process', async () => {
    const classify = await pipeline('image-classification', fixturePath('models', 'beit-cls'), { device: 'cpu', numThreads: 1 });
    try {
      const slowFetch = async () => {
        await sleep(DELAY_MS);
        return new Response(readBytes('images', 'chelsea.png').slice());
      };
      const preprocess = classify.processor.preprocess.bind(classify.processor);
      vi.spyOn(classify.processor, 'preprocess').mockImplementation(async (...args) => {
        await sleep(DELAY_MS);
        return preprocess(...args);
      });
      const forward = classify.model.forward.bind(classify.model);
      vi.spyOn(classify.model, 'forward').mockImplementation(async (input) => {
        await sleep(DELAY_MS);
        const { logits } = await forward(input);
        return {
          // Read by the post-processing only.
          get logits() {
            busyWait(DELAY_MS);
            return logits;
          },
        };
      });

      const { timings, wall } = await timedCall((onTimings) =>
        classify('https://images.test/chelsea.png', { preprocess: { load: { fetch: slowFetch } }, onTimings }),
      );
      expect(timings.decode).toBeGreaterThanOrEqual(AT_LEAST);
      expect(timings.preprocess).toBeGreaterThanOrEqual(AT_LEAST);
      expect(timings.inference).toBeGreaterThanOrEqual(AT_LEAST);
      expect(timings.postprocess).toBeGreaterThanOrEqual(DELAY_MS);
      expect(timings.postprocessDevice).toBe('cpu');
      expect(timings.decode + timings.preprocess + timings.inference + timings.postprocess).toBeLessThanOrEqual(timings.total);
      expect(timings.total).toBeLessThanOrEqual(wall);
    } finally {
      vi.restoreAllMocks();
      await classify.close();
    }
  });

  it('leaves the results as they are, and reports nothing for a call that fails', async () => {
    const classify = await pipeline('image-classification', fixturePath('models', 'beit-cls'), { device: 'cpu', numThreads: 1 });
    try {
      const onTimings = vi.fn();
      const [chelsea] = photos();
      expect(await classify(chelsea!, { topK: 3, onTimings })).toEqual(await classify(chelsea!, { topK: 3 }));
      expect(onTimings).toHaveBeenCalledTimes(1);
      await expect(classify(readBytes('README.md'), { onTimings })).rejects.toThrow();
      await expect(classify(chelsea!, { topK: 0, onTimings })).rejects.toThrow(/topK/);
      expect(onTimings).toHaveBeenCalledTimes(1);
    } finally {
      await classify.close();
    }
  });

  it("names the decoder of every image: libjpeg-turbo for JPEG in Node, Retina's own for PNG, none for pixels", async () => {
    const classify = await pipeline('image-classification', fixturePath('models', 'beit-cls'), { device: 'cpu', numThreads: 1 });
    try {
      const pixels = { data: new Uint8Array(4 * 4 * 3), width: 4, height: 4, channels: 3 as const };
      const { timings } = await timedCall((onTimings) =>
        classify([readBytes('jpeg', 'chelsea-q75-420.jpg'), photos()[0]!, pixels], { onTimings }),
      );
      expect(timings.decoders).toEqual(['wasm', 'javascript', 'none']);
    } finally {
      await classify.close();
    }
  });
});
