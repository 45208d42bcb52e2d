// Calls through the worker: one pipeline's calls queue, other models run alongside, a call's signal
// cancels it while it waits or runs, errors arrive with their class and cause, and terminate() after
// everything settled is no fault. Image fetches inside the worker are held at a gate to see the order.
import type { Page, Worker } from '@playwright/test';
import { expect, modelUrl, test } from './support/test.js';

const IMAGE = '/fixtures/images/chelsea-small.png';

interface Gates {
  /** Image fetches the worker started, by their `gate` query parameter, in order. */
  started: string[];
  release(gate: string): void;
}

/** Starts a Retina worker on the page (as `window.retina`) and holds its fetches of `?gate=` URLs until released. */
async function startGatedWorker(page: Page, device: string): Promise<Worker> {
  const spawned = page.waitForEvent('worker');
  await page.evaluate(async (device) => {
    const faults: string[] = [];
    const retina = Retina.createRetinaWorker({ device: device as 'wasm', onFault: (fault) => faults.push(fault.code) });
    Object.assign(globalThis, { retina, faults });
    await retina.backend();
  }, device);
  const worker = await spawned;
  await worker.evaluate(() => {
    const realFetch = globalThis.fetch;
    const opened = new Map<string, () => void>();
    const opening = new Map<string, Promise<void>>();
    const gateOf = (name: string) => {
      if (!opening.has(name)) opening.set(name, new Promise<void>((resolve) => opened.set(name, resolve)));
      return opening.get(name)!;
    };
    const gates: Gates = { started: [], release: (name) => (gateOf(name), opened.get(name)!()) };
    globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const name = new URL(input instanceof Request ? input.url : String(input)).searchParams.get('gate');
      if (name !== null) {
        gates.started.push(name);
        await gateOf(name);
      }
      return realFetch(input, init);
    };
    Object.assign(globalThis, { gates });
  });
  return worker;
}

// (Functions given to evaluate() run in the worker: they can use nothing from this file.)
const started = (worker: Worker) => worker.evaluate(() => (globalThis as unknown as { gates: Gates }).gates.started);
const release = (worker: Worker, gate: string) =>
  worker.evaluate((gate) => (globalThis as unknown as { gates: Gates }).gates.release(gate), gate);

type PageState = { retina: ReturnType<typeof Retina.createRetinaWorker>; faults: string[]; calls: Record<string, Promise<unknown>> };
type Classification = { label: string; score: number }[];

/** Starts `pipe(image?gate=<gate>)` on the page as `calls[<gate>]`, settled into `{ ok }` or `{ error }` so that nothing goes unhandled. */
function startCall(page: Page, pipeName: string, gate: string, abortable = false): Promise<void> {
  return page.evaluate(
    ({ pipeName, gate, image, abortable }) => {
      const state = globalThis as unknown as PageState & Record<string, unknown>;
      const pipe = state[pipeName] as (image: string, options?: { signal?: AbortSignal }) => Promise<unknown>;
      const controller = new AbortController();
      if (abortable) state[`abort-${gate}`] = controller;
      state.calls ??= {};
      state.calls[gate] = pipe(`${image}?gate=${gate}`, { signal: controller.signal }).then(
        (ok) => ({ ok }),
        (error: Error) => ({
          error: { name: error.name, isDomException: error instanceof DOMException, isReason: error === controller.signal.reason },
        }),
      );
    },
    { pipeName, gate, image: IMAGE, abortable },
  );
}

const callResult = (page: Page, gate: string) =>
  page.evaluate((gate) => (globalThis as unknown as PageState).calls[gate]!, gate) as Promise<{
    ok?: Classification;
    error?: { name: string; isDomException: boolean; isReason: boolean };
  }>;

/** Whether the call has settled on the page, within `ms`. */
const settlesWithin = (page: Page, gate: string, ms: number) =>
  page.evaluate(
    ({ gate, ms }) =>
      Promise.race([
        (globalThis as unknown as PageState).calls[gate]!.then(() => true),
        new Promise((resolve) => setTimeout(resolve, ms, false)),
      ]),
    { gate, ms },
  );

async function loadPipeline(page: Page, name: string, url: string): Promise<Classification> {
  return page.evaluate(
    async ({ name, url, image }) => {
      const state = globalThis as unknown as PageState & Record<string, unknown>;
      const pipe = await state.retina.pipeline('image-classification', url);
      state[name] = pipe;
      return pipe(image);
    },
    { name, url, image: IMAGE },
  );
}

test.afterEach(async ({ page }) => {
  await page.evaluate(() => (globalThis as unknown as Partial<PageState>).retina?.terminate());
});

test("one pipeline's calls run one after another; another model's calls do not wait for them", async ({ retinaPage: page, device }) => {
  const worker = await startGatedWorker(page, device);
  const reference = await loadPipeline(page, 'cls', modelUrl(page, 'beit-cls-abs'));
  const otherReference = await loadPipeline(page, 'other', modelUrl(page, 'bit-preact-cls'));

  await startCall(page, 'cls', 'first');
  await startCall(page, 'cls', 'second');
  await expect.poll(() => started(worker)).toEqual(['first']);
  // The other model runs to the end while the first call still holds its pipeline.
  await startCall(page, 'other', 'other');
  await expect.poll(() => started(worker)).toEqual(['first', 'other']);
  await release(worker, 'other');
  expect(await callResult(page, 'other')).toEqual({ ok: otherReference });
  expect(await started(worker), 'the second call waits for the first').toEqual(['first', 'other']);

  await release(worker, 'first');
  expect(await callResult(page, 'first')).toEqual({ ok: reference });
  await expect.poll(() => started(worker)).toEqual(['first', 'other', 'second']);
  await release(worker, 'second');
  expect(await callResult(page, 'second')).toEqual({ ok: reference });
});

test("a call's signal cancels it while it runs and while it waits; the pipeline goes on", async ({ retinaPage: page, device }) => {
  const worker = await startGatedWorker(page, device);
  const reference = await loadPipeline(page, 'cls', modelUrl(page, 'beit-cls-abs'));
  const abort = (gate: string) =>
    page.evaluate((gate) => (globalThis as unknown as Record<string, AbortController>)[`abort-${gate}`]!.abort(), gate);
  const aborted = { error: { name: 'AbortError', isDomException: true, isReason: true } };

  // Running: the call rejects at once with the signal's reason, though the worker is still on it.
  await startCall(page, 'cls', 'running', true);
  await expect.poll(() => started(worker)).toEqual(['running']);
  await abort('running');
  expect(await callResult(page, 'running')).toEqual(aborted);

  // Waiting behind the cancelled call, which the worker finishes first: cancelled, it never starts there.
  await startCall(page, 'cls', 'waiting', true);
  await startCall(page, 'cls', 'after');
  // Long enough for the call to reach the worker's queue: the worker is to skip it there.
  await page.waitForTimeout(200);
  await abort('waiting');
  expect(await callResult(page, 'waiting')).toEqual(aborted);
  expect(await settlesWithin(page, 'after', 300), 'the call after waits for the cancelled one still running').toBe(false);
  await release(worker, 'running');
  await expect.poll(() => started(worker)).toEqual(['running', 'after']);
  await release(worker, 'after');
  expect(await callResult(page, 'after')).toEqual({ ok: reference });
  expect(await started(worker)).not.toContain('waiting');
});

test('errors from the worker keep their class, code and cause; the fault is a RetinaError', async ({ retinaPage: page, device }) => {
  await startGatedWorker(page, device);
  await loadPipeline(page, 'cls', modelUrl(page, 'beit-cls-abs'));
  const outcome = await page.evaluate(async () => {
    const state = globalThis as unknown as PageState & { cls: (image: string) => Promise<unknown> };
    // Nothing listens on port 9 (discard): the worker's fetch fails.
    const error = (await state.cls('http://127.0.0.1:9/missing.png').catch((thrown: unknown) => thrown)) as Error & { code: string };
    const running = state.cls('/fixtures/images/chelsea-small.png');
    state.retina.terminate();
    const fault = (await running.catch((thrown: unknown) => thrown)) as Error & { code: string };
    const cause = error.cause as Error;
    return {
      error: { isRetinaError: error instanceof Retina.RetinaError, name: error.name, code: error.code, message: error.message },
      cause: { isTypeError: cause instanceof TypeError, message: cause.message },
      fault: {
        isRetinaError: fault instanceof Retina.RetinaError,
        isWorkerFault: fault instanceof Retina.WorkerFaultError,
        name: fault.name,
        code: fault.code,
      },
    };
  });
  expect(outcome.error).toMatchObject({
    isRetinaError: true,
    name: 'RetinaError',
    code: 'FILE_NOT_FOUND',
    message: expect.stringContaining('Failed to fetch'),
  });
  expect(outcome.cause).toEqual({ isTypeError: true, message: 'Failed to fetch' });
  expect(outcome.fault).toEqual({ isRetinaError: true, isWorkerFault: true, name: 'WorkerFaultError', code: 'WORKER_TERMINATED' });
});

test('terminate() once every call finished and the pipeline was closed is no fault', async ({ retinaPage: page, device }) => {
  await startGatedWorker(page, device);
  await loadPipeline(page, 'cls', modelUrl(page, 'beit-cls-abs'));
  const faults = await page.evaluate(async () => {
    const state = globalThis as unknown as PageState & { cls: ((image: string) => Promise<unknown>) & { close(): Promise<void> } };
    await state.cls('/fixtures/images/chelsea-small.png');
    await state.cls.close();
    state.retina.terminate();
    // onFault would have been called synchronously; give a late one a chance too.
    await new Promise((resolve) => setTimeout(resolve, 100));
    return state.faults;
  });
  expect(faults).toEqual([]);
});
