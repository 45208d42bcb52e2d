// An abort stops a load at every stage, rejects with the abort reason, and frees what was created.
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openModelRepo, type ModelRepo } from '../hub/index.js';
import { pipeline } from '../pipelines/pipeline.js';
import { fixturePath } from '../testing/fixtures.js';
import { addModelWithExternalWeight } from '../testing/onnx-proto.js';
import { createInferenceSession } from './create-inference-session.js';
import type { InferenceSession } from './inference-session.js';

const folder = fixturePath('models', 'beit-cls');
const { graph, data } = addModelWithExternalWeight();
const runtimes = { cpu: ortNode, wasm: ortWeb } as const;
const devices = Object.keys(runtimes) as (keyof typeof runtimes)[];

afterEach(() => vi.restoreAllMocks());

/** An in-memory repo that ignores the signal, as a caller's own repo may; `onRead` runs on each read. */
const memoryRepo = (onRead: (file: string) => void): ModelRepo => ({
  location: 'memory',
  json: () => Promise.reject(new Error('no JSON here')),
  bytes: async (file) => {
    onRead(file);
    return file === 'onnx/model.onnx' ? graph : data;
  },
});

describe.each(devices)('an abort while loading on device %s', (device) => {
  it('after the graph has been read rejects the pipeline with AbortError, and the next load works', async () => {
    const controller = new AbortController();
    const loading = pipeline('image-classification', folder, {
      device,
      numThreads: 1,
      signal: controller.signal,
      onProgress: ({ file, loaded, total }) => {
        if (file === 'onnx/model.onnx' && loaded === total) controller.abort();
      },
    });
    await expect(loading).rejects.toMatchObject({ name: 'AbortError', message: expect.stringContaining('onnx/model.onnx') });
    const classify = await pipeline('image-classification', folder, { device, numThreads: 1 });
    await classify.close();
  });

  it('during a download rejects with the abort reason given', async () => {
    const controller = new AbortController();
    const reason = new Error('the user went elsewhere');
    const loading = createInferenceSession(openModelRepo(folder), {
      device,
      numThreads: 1,
      signal: controller.signal,
      onProgress: () => controller.abort(reason),
    });
    await expect(loading).rejects.toBe(reason);
  });

  it('while the graph is parsed (from a repo that ignores the signal) rejects with the reason, before any session is created', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const create = vi.spyOn(runtimes[device].InferenceSession, 'create');
    const repo = memoryRepo((file) => file === 'onnx/model.onnx.data' && controller.abort(reason));
    await expect(createInferenceSession(repo, { device, numThreads: 1, signal: controller.signal })).rejects.toBe(reason);
    expect(create).not.toHaveBeenCalled();
  });

  it('while the session is created rejects at once with the reason, and releases the session when it is ready', async () => {
    const controller = new AbortController();
    const reason = new Error('no longer needed');
    const runtime = runtimes[device].InferenceSession;
    const original = runtime.create.bind(runtime) as (...args: unknown[]) => Promise<ortWeb.InferenceSession>;
    let release: ReturnType<typeof vi.fn> | undefined;
    let finishCreating = () => {};
    const ready = new Promise<void>((resolve) => (finishCreating = resolve));
    vi.spyOn(runtime, 'create').mockImplementation(async (...args: unknown[]) => {
      controller.abort(reason);
      const session = await original(...args);
      // Only once the caller has seen the rejection does the runtime finish.
      await ready;
      release = vi.spyOn(session, 'release');
      return session;
    });
    await expect(
      createInferenceSession(
        memoryRepo(() => {}),
        { device, numThreads: 1, signal: controller.signal },
      ),
    ).rejects.toBe(reason);
    expect(release).toBeUndefined();
    finishCreating();
    await vi.waitFor(() => expect(release).toHaveBeenCalledTimes(1));
  });

  it('that came before the load rejects with the reason and reads nothing', async () => {
    const reason = new Error('too late');
    const reads: string[] = [];
    const loading = createInferenceSession(
      memoryRepo((file) => reads.push(file)),
      { device, signal: AbortSignal.abort(reason) },
    );
    await expect(loading).rejects.toBe(reason);
    expect(reads).toEqual([]);
  });
});

it('a load that finishes before any abort resolves, and a later abort does not touch the session', async () => {
  const controller = new AbortController();
  const session: InferenceSession = await createInferenceSession(
    memoryRepo(() => {}),
    { device: 'wasm', signal: controller.signal },
  );
  controller.abort();
  expect(session.inputMetadata.map((input) => input.name)).toEqual(['X']);
  await session.dispose();
});
