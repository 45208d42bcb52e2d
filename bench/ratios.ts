// The targets, computed from one run's medians.
import type { Backend } from './models.js';
import { contenderResults, type BenchResults, type ContenderName, type RoundsResults, type ScenarioResults } from './results.js';
import { median } from './stats.js';

export interface Ratio {
  name: string;
  /** Undefined when the run did not measure what it needs (filtered out, or failed). */
  value: number | undefined;
  /** Undefined for a figure listed beside a target's for comparison. */
  target: number | undefined;
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

/** Median over rounds of one contender's run ÷ another's in the same round. */
function pairedMedian(results: RoundsResults, over: ContenderName, under: ContenderName, series: string): number | undefined {
  const a = contenderResults(results, over)?.series[series];
  const b = contenderResults(results, under)?.series[series];
  if (!a || !b || a.length === 0 || a.length !== b.length) return undefined;
  return median(a.map((value, i) => value / b[i]!));
}

/** A contender's rise in a renderer of its own (see AloneLoad) ÷ `bytes`. */
function aloneRise(
  s: ScenarioResults,
  kind: 'retina' | 'retinaWeights',
  peak: 'loadPeakBytes' | 'runPeakBytes',
  bytes: number | undefined,
  { withRuntimeStart = false } = {},
): number | undefined {
  const alone = s.alone?.[kind];
  if (!alone || 'error' in alone) return undefined;
  return divide(alone[peak] - alone.baselineBytes + (withRuntimeStart ? alone.runtimeStartBytes : 0), bytes);
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
        name: `For comparison: built ÷ exported graph inference per round, ${s.model.name}, ${s.backend}`,
        value: pairedMedian(s, 'retinaWeights', 'retina', 'inference'),
        target: undefined,
        unit: 'x',
        how: 'median over the rounds of (Retina from weights ÷ Retina from ONNX) within each round, so that both runs share the machine state',
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
        value: aloneRise(s, 'retinaWeights', 'loadPeakBytes', s.graphBuild?.checkpointBytes),
        target: 1.3,
        unit: 'x',
        how:
          'in a renderer of its own whose Retina worker has started its runtime: peak RSS of the pipeline load (config.json + ' +
          'model.safetensors to a ready session) over the RSS before it ÷ model.safetensors size; Retina from ONNX below',
      },
      {
        name: `For comparison: peak memory while loading from ONNX ÷ model files size, ${s.model.name}, ${s.backend}`,
        value: aloneRise(s, 'retina', 'loadPeakBytes', s.exportedBytes),
        target: undefined,
        unit: 'x',
        how: 'the same measure for the exported graph (model.onnx + model.onnx.data)',
      },
    );
  }
  const beitWasm = scenario(results, 'beit-base-patch16-224', 'wasm');
  const retina = contenderResults(beitWasm, 'retina');
  const modelBytes = contenderResults(beitWasm, 'floor')?.load.modelBytes as number | undefined;
  ratios.push({
    name: 'Peak memory while BEiT-base loads and runs in the Retina worker ÷ model file size, wasm',
    value: beitWasm && aloneRise(beitWasm, 'retina', 'runPeakBytes', modelBytes, { withRuntimeStart: true }),
    target: 1.5,
    unit: 'x',
    how:
      'in a renderer of its own: the peak while the worker starts its runtime plus the peak of the load and one run after it ' +
      '(an upper bound of a fresh worker loading at once) ÷ (model.onnx + model.onnx.data)',
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
