// Runs a fixture model's golden cases through the worker in the test page and checks them in Node: the
// exported-graph suite (golden.spec.ts) and the checkpoint suite (checkpoint.spec.ts) share it.
import type { RemoteModelTimings } from '@retina/worker';
import type { Page } from '@playwright/test';
import type { Golden } from './fixtures.js';
import { expect } from './test.js';

/**
 * WebGPU on SwiftShader (onnxruntime's native WebGPU provider): the largest |actual - expected| over
 * all cases is 1.3e-5 (bit-backbone, on values of magnitude ~1; BEiT and ViT-Hybrid stay below 8e-6),
 * inside atol 1e-5 + rtol 1e-4 — ten times tighter than the fixtures' CPU tolerance.
 */
export const WEBGPU_TOLERANCE = { atol: 1e-5, rtol: 1e-4 };

export interface GoldenRunRequest {
  /** Where the model loads from (a fixture folder, a checkpoint-only view of one, a hub id). */
  model: string;
  /** The fixture folder's URL, for the golden inputs and outputs. */
  fixtureUrl: string;
  device: 'webgpu' | 'wasm';
  golden: Golden;
  tolerance: { atol: number; rtol: number };
  /** Outputs (`<case> <output>`) whose values come back, e.g. for post-processing in Node. */
  keep?: string[];
  /** How the worker loads the model (e.g. a dtype); default its defaults. */
  loadOptions?: { dtype?: 'fp32' | 'fp16' | 'q8' | 'q4'; source?: 'auto' | 'onnx' | 'weights' };
}

export interface GoldenRow {
  where: string;
  dims: number[];
  shape: number[];
  maxAbsDiff: number;
  violations: number;
}

export interface GoldenRun {
  backend: { runtime: string; device: string };
  architecture: string;
  rows: GoldenRow[];
  calls: { timings: RemoteModelTimings | undefined; pageMs: number }[];
  kept: Record<string, number[]>;
}

/** Loads `model` with `AutoModel` in a fresh worker, runs every golden case and compares each output in the page. */
export function runGoldenCases(page: Page, request: GoldenRunRequest): Promise<GoldenRun> {
  return page.evaluate(async ({ model, fixtureUrl, device, golden, tolerance, keep = [], loadOptions = {} }) => {
    const typed = { float32: Float32Array, int32: Int32Array, uint8: Uint8Array, bool: Uint8Array };
    const read = async ({ file, dtype }: Golden['cases'][number]['inputs'][string]) =>
      new typed[dtype](await (await fetch(`${fixtureUrl}/golden/${file}`)).arrayBuffer());
    const retina = Retina.createRetinaWorker({ device });
    try {
      const loaded = await retina.loadModel('AutoModel', model, loadOptions);
      const rows = [];
      const calls: GoldenRun['calls'] = [];
      const kept: Record<string, number[]> = {};
      for (const goldenCase of golden.cases) {
        const feeds = Object.fromEntries(
          await Promise.all(
            Object.entries(goldenCase.inputs).map(
              async ([name, desc]) => [name, new Retina.Tensor(desc.dtype, await read(desc), desc.shape)] as const,
            ),
          ),
        );
        let timings: RemoteModelTimings | undefined;
        const started = performance.now();
        const outputs = await loaded.run(feeds, { onTimings: (reported) => (timings = reported) });
        calls.push({ timings, pageMs: performance.now() - started });
        for (const [name, desc] of Object.entries(goldenCase.outputs)) {
          const expected = await read(desc);
          const actual = outputs[name]!;
          let maxAbsDiff = 0;
          let violations = 0;
          for (let i = 0; i < expected.length; i++) {
            const diff = Math.abs(Number(actual.data[i]) - expected[i]!);
            if (!(diff <= tolerance.atol + tolerance.rtol * Math.abs(expected[i]!))) violations++;
            maxAbsDiff = Math.max(maxAbsDiff, diff);
          }
          const where = `${goldenCase.name} ${name}`;
          if (keep.includes(where)) kept[where] = Array.from(actual.data as Float32Array);
          rows.push({ where, dims: [...actual.dims], shape: desc.shape, maxAbsDiff, violations });
        }
      }
      return { backend: loaded.backend, architecture: loaded.architecture, rows, calls, kept };
    } finally {
      retina.terminate();
    }
  }, request);
}

/** Expects the run on `device`, of the golden's architecture, every output of the right shape and within tolerance; returns the largest difference. */
export function expectGoldenRun(run: GoldenRun, golden: Golden, device: string): number {
  expect(run.backend).toMatchObject({ runtime: 'onnxruntime-web', device });
  expect(run.architecture).toBe(golden.architecture);
  for (const row of run.rows) {
    expect(row.dims, row.where).toEqual(row.shape);
    expect(row.violations, `${row.where}: max |diff| ${row.maxAbsDiff}`).toBe(0);
  }
  return Math.max(...run.rows.map((row) => row.maxAbsDiff));
}
