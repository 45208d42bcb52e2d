// The targets, computed from one run's medians.
import type { Backend } from './models.js';
import { contenderResults, type BenchResults, type ContenderName, type RoundsResults } from './results.js';
import { median } from './stats.js';

export interface Ratio {
  name: string;
  /** Undefined when the run did not measure what it needs (filtered out, or failed). */
  value: number | undefined;
  target: number;
  /** How the value is shown: a plain ratio, a percentage, or milliseconds. */
  unit: 'x' | '%' | 'ms';
  how: string;
}

/** Median of a contender's series, if measured. */
export function p50(results: RoundsResults | undefined, contender: ContenderName, series: string): number | undefined {
  const times = contenderResults(results, contender)?.series[series];
  return times && times.length > 0 ? median(times) : undefined;
}

const sum = (...values: (number | undefined)[]) =>
  values.includes(undefined) ? undefined : (values as number[]).reduce((a, b) => a + b, 0);
const divide = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : a / b);

/** Decode + preprocess + inference (+ post-process) of the floor worker: what the pipeline cannot avoid. */
export function inThreadFloorMs(results: RoundsResults): number | undefined {
  const stage = (name: string) => p50(results, 'floor', name);
  return sum(stage('decode'), stage('preprocess'), stage('inference'), stage('postprocess') ?? 0);
}

function scenario(results: BenchResults, model: string, backend: Backend) {
  return results.scenarios.find((s) => s.model.name === model && s.backend === backend);
}

export function computeRatios(results: BenchResults): Ratio[] {
  const ratios: Ratio[] = results.scenarios
    .filter((s) => s.model.task === 'image-classification')
    .map((s) => ({
      name: `Retina e2e ÷ (floor + Retina preprocessing), ${s.model.name}, ${s.backend}`,
      value: divide(p50(s, 'retina', 'endToEnd'), inThreadFloorMs(s)),
      target: 1.05,
      unit: 'x',
      how: 'p50 worker pipeline (PNG Blob in, top-5 out) ÷ (p50 bare session.run + p50 decode + p50 preprocess)',
    }));
  for (const backend of ['wasm', 'webgpu'] as const) {
    const beit = scenario(results, 'beit-base-patch16-224', backend);
    if (!beit) continue;
    ratios.push({
      name: `Retina e2e ÷ transformers.js e2e, beit-base-patch16-224, ${backend}`,
      value: divide(p50(beit, 'retina', 'endToEnd'), p50(beit, 'transformersJs', 'endToEnd')),
      target: 0.9,
      unit: 'x',
      how: 'p50 of each pipeline on the same PNG Blob, top-5 labels out',
    });
  }
  const bit = scenario(results, 'bit-50', 'wasm');
  ratios.push({
    name: 'Preprocessing 4032×3024 → 224 ÷ BiT-50 inference, wasm',
    value: divide(p50(bit, 'floor', 'preprocess'), p50(bit, 'floor', 'inference')),
    target: 0.1,
    unit: '%',
    how: 'p50 processor.preprocess of the decoded photo (decode excluded) ÷ p50 bare session.run',
  });
  const ade = scenario(results, 'beit-base-finetuned-ade-640-640', 'wasm');
  ratios.push({
    name: 'Segmentation post-processing ÷ BEiT-ADE inference, wasm',
    value: divide(p50(ade, 'floor', 'postprocess'), p50(ade, 'floor', 'inference')),
    target: 0.15,
    unit: '%',
    how: 'p50 postProcessSemanticSegmentation (150 classes to 4032×3024, argmax) ÷ p50 bare session.run',
  });
  for (const [backend, trip] of Object.entries(results.roundTrip)) {
    ratios.push({
      name: `Worker round trip beyond inference, 224 input, ${backend}`,
      value: p50(trip, 'retinaRoundTrip', 'beyondInference'),
      target: 2,
      unit: 'ms',
      how:
        "p50 over calls of (RemoteModel.run as the page waits − that call's session.run in the worker), tiny BiT " +
        '(fixtures bit-preact-cls) on [1,3,224,224]; the bare session.run of a separate worker is listed beside it',
    });
  }
  for (const s of results.scenarios) {
    const weights = contenderResults(s, 'retinaWeights');
    ratios.push(
      {
        name: `Built graph ÷ exported graph inference, ${s.model.name}, ${s.backend}`,
        value: divide(p50(s, 'retinaWeights', 'inference'), p50(s, 'retina', 'inference')),
        target: 1,
        unit: 'x',
        how: 'p50 session.run inside the pipeline call, Retina from weights ÷ Retina from ONNX (same worker build, interleaved rounds)',
      },
      {
        name: `Graph build ÷ cold start from weights, ${s.model.name}, ${s.backend}`,
        value: divide(s.graphBuild?.buildMs, weights?.load.coldStartMs as number | undefined),
        target: 0.1,
        unit: '%',
        how: 'p50 graph build from the checkpoint in memory (Node) ÷ the worker pipeline load from config.json + model.safetensors, uncached',
      },
      {
        name: `Peak memory while loading from weights ÷ checkpoint size, ${s.model.name}, ${s.backend}`,
        value: divide(weights && weights.process.peakBytes - weights.process.baselineBytes, s.graphBuild?.checkpointBytes),
        target: 1.3,
        unit: 'x',
        how: 'renderer peak RSS (VmHWM) during load + warm-up minus its RSS before the worker started ÷ model.safetensors size',
      },
    );
  }
  const beitWasm = scenario(results, 'beit-base-patch16-224', 'wasm');
  const retina = contenderResults(beitWasm, 'retina');
  const modelBytes = contenderResults(beitWasm, 'floor')?.load.modelBytes as number | undefined;
  ratios.push({
    name: 'Peak memory while BEiT-base loads and runs in the Retina worker ÷ model file size, wasm',
    value: divide(retina && retina.process.peakBytes - retina.process.baselineBytes, modelBytes),
    target: 1.5,
    unit: 'x',
    how: 'renderer peak RSS (VmHWM) during load + warm-up minus its RSS before the worker started ÷ (model.onnx + model.onnx.data)',
  });
  ratios.push({
    name: 'Memory of the Retina worker running BEiT-base ÷ model file size, wasm',
    value: divide(retina?.userAgentBytes, modelBytes),
    target: 1.5,
    unit: 'x',
    how: "measureUserAgentSpecificMemory() attributed to Retina's worker.js after the timed rounds (JS heap + WebAssembly memory) ÷ model bytes",
  });
  return ratios;
}

export function formatValue(ratio: Pick<Ratio, 'unit'>, value: number | undefined): string {
  if (value === undefined) return 'not measured';
  if (ratio.unit === '%') return `${(value * 100).toFixed(1)} %`;
  if (ratio.unit === 'ms') return `${value.toFixed(2)} ms`;
  return `${value.toFixed(2)}×`;
}
