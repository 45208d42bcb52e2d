// The targets, computed from one run's medians.
import type { Backend } from './models.js';
import type { RetinaKind } from './page/protocol.js';
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
  /** Why it was not measured, when a contender it needs failed to load (e.g. a dtype the build does not make yet). */
  failed?: string;
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
  kind: RetinaKind,
  peak: 'loadPeakBytes' | 'runPeakBytes',
  bytes: number | undefined,
  { withRuntimeStart = false } = {},
): number | undefined {
  const alone = s.alone?.[kind];
  if (!alone || 'error' in alone) return undefined;
  return divide(alone[peak] - alone.baselineBytes + (withRuntimeStart ? alone.runtimeStartBytes : 0), bytes);
}

/** The first error of `kinds` in `s`, from the rounds or a load alone, to say why a ratio was not measured. */
function failure(s: ScenarioResults | undefined, ...kinds: ContenderName[]): { failed?: string } {
  for (const kind of kinds) {
    const measured = s?.contenders[kind] ?? s?.alone?.[kind as RetinaKind];
    if (measured && 'error' in measured) return { failed: `${kind} failed: ${measured.error}` };
  }
  return {};
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
  ratios.push(...quantizedRatios(results));
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

/** The targets of Retina's q8 and q4 builds from weights (issue 21), and q8 and q4 beside fp32 for every model. */
function quantizedRatios(results: BenchResults): Ratio[] {
  const ratios: Ratio[] = [];
  const beit = scenario(results, 'beit-base-patch16-224', 'wasm');
  const againstTransformersJs = failure(beit, 'retinaWeightsQ8', 'transformersJsQ8');
  ratios.push(
    {
      name: 'Retina q8 e2e ÷ transformers.js q8 e2e, beit-base-patch16-224, wasm',
      value: divide(p50(beit, 'retinaWeightsQ8', 'endToEnd'), p50(beit, 'transformersJsQ8', 'endToEnd')),
      target: 0.75,
      unit: 'x',
      how:
        "p50 of each pipeline on the same PNG Blob, top-5 labels out: Retina's worker building q8 from model.safetensors, " +
        "transformers.js on its default dtype's model_quantized.onnx (onnxruntime's dynamic quantization, bench/transformers-js-q8.ts)",
      ...againstTransformersJs,
    },
    {
      name: 'Retina q8 inference ÷ transformers.js q8 inference, beit-base-patch16-224, wasm',
      value: divide(p50(beit, 'retinaWeightsQ8', 'inference'), p50(beit, 'transformersJsQ8', 'inference')),
      target: 1,
      unit: 'x',
      how: "p50 session.run inside Retina's pipeline call ÷ p50 of transformers.js's model({ pixel_values }) on the same input",
      ...againstTransformersJs,
    },
  );
  for (const s of results.scenarios) {
    const where = `${s.model.name}, ${s.backend}`;
    const q8 = contenderResults(s, 'retinaWeightsQ8');
    const q8Failed = failure(s, 'retinaWeightsQ8');
    ratios.push(
      {
        name: `q8 graph build ÷ cold start from weights at q8, ${where}`,
        value: divide(s.quantizedBuilds?.q8?.buildMs, q8?.load.coldStartMs as number | undefined),
        target: 0.1,
        unit: '%',
        how: 'p50 q8 graph build, quantizing included, from the checkpoint in memory (Node) ÷ the worker pipeline load at q8, uncached',
        ...q8Failed,
      },
      {
        name: `Peak memory while loading q8 from weights ÷ checkpoint size, ${where}`,
        value: aloneRise(s, 'retinaWeightsQ8', 'loadPeakBytes', s.graphBuild?.checkpointBytes),
        target: 1.3,
        unit: 'x',
        how: 'as for fp32 above, at dtype q8',
        ...q8Failed,
      },
      {
        name: `Retina worker memory after loading q8 from weights ÷ checkpoint size, ${where}`,
        value: aloneQ8WorkerBytes(s),
        target: s.backend === 'wasm' ? 0.35 : undefined,
        unit: 'x',
        how:
          "the runtime's resident weights: measureUserAgentSpecificMemory() of the worker once the q8 pipeline is loaded (live JS, and " +
          'the WebAssembly memory as far as it grew, load transients included: an upper bound) ÷ model.safetensors size; on WebGPU the ' +
          'weights are in the GPU process, so this is only what stays on the CPU',
        ...q8Failed,
      },
    );
    for (const [kind, dtype] of [
      ['retinaWeightsQ8', 'q8'],
      ['retinaWeightsQ4', 'q4'],
    ] as const) {
      const failed = failure(s, kind, 'retinaWeights');
      ratios.push(
        {
          name: `Retina ${dtype} ÷ fp32 from weights, p50 inference, ${where}`,
          value: divide(p50(s, kind, 'inference'), p50(s, 'retinaWeights', 'inference')),
          target: undefined,
          unit: 'x',
          how: `p50 session.run inside the pipeline call, built at ${dtype} ÷ built at fp32 (same worker build, interleaved rounds)`,
          ...failed,
        },
        {
          name: `Retina ${dtype} ÷ fp32 from weights, p50 end to end, ${where}`,
          value: divide(p50(s, kind, 'endToEnd'), p50(s, 'retinaWeights', 'endToEnd')),
          target: undefined,
          unit: 'x',
          how: `p50 worker pipeline (PNG Blob in), built at ${dtype} ÷ built at fp32`,
          ...failed,
        },
      );
    }
  }
  for (const backend of ['wasm', 'webgpu'] as const) {
    const ade = scenario(results, 'beit-base-finetuned-ade-640-640', backend);
    if (!ade) continue;
    for (const [kind, target] of [
      ['retinaWeights', 3],
      ['retinaWeightsQ8', 2],
    ] as const) {
      ratios.push({
        name: `Peak memory while BEiT-640 loads and runs from weights${kind === 'retinaWeightsQ8' ? ' at q8' : ''} ÷ checkpoint size, ${backend}`,
        value: aloneRise(ade, kind, 'runPeakBytes', ade.graphBuild?.checkpointBytes),
        target,
        unit: 'x',
        how:
          'in a renderer of its own whose Retina worker has started its runtime: peak RSS of the pipeline load and one run on the ' +
          'photo over the RSS before the load ÷ model.safetensors size (pnpm bench --models beit-base-finetuned-ade-640-640 --memory-only)',
        ...failure(ade, kind),
      });
    }
  }
  return ratios;
}

function aloneQ8WorkerBytes(s: ScenarioResults): number | undefined {
  const alone = s.alone?.retinaWeightsQ8;
  return alone && !('error' in alone) ? divide(alone.workerBytesAfterLoad, s.graphBuild?.checkpointBytes) : undefined;
}
