// bench/results/<date>.md and the ratios printed at the end of a run.
import { computeRatios, formatValue, inThreadFloorMs, p50 } from './ratios.js';
import type { RetinaKind } from './page/protocol.js';
import { contenderResults, type BenchResults, type ContenderName, type RoundsResults, type ScenarioResults } from './results.js';
import { percentile } from './stats.js';

const ms = (value: number | undefined) => (value === undefined ? '—' : value >= 100 ? value.toFixed(0) : value.toFixed(1));
const mb = (bytes: number | undefined) => (bytes === undefined ? '—' : (bytes / 2 ** 20).toFixed(0));

function p95(results: RoundsResults, contender: ContenderName, series: string): number | undefined {
  const times = contenderResults(results, contender)?.series[series];
  return times && times.length > 0 ? percentile(times, 95) : undefined;
}

const latency = (s: RoundsResults, contender: ContenderName, series: string) =>
  p50(s, contender, series) === undefined ? '—' : `${ms(p50(s, contender, series))} / ${ms(p95(s, contender, series))}`;

const HEADER =
  '| model | backend | contender | cold start ms | e2e p50 / p95 ms | decode | preprocess | transfer + overhead | inference p50 / p95 ms | post-process | peak RSS Δ MB | UA memory MB | output |\n' +
  '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |';

const CONTENDER_LABELS: Record<ScenarioContender, (load: Record<string, number | string>) => string> = {
  floor: (load) => `floor: bare ORT ${load.ortVersion} + Retina's in-thread stages`,
  retina: () => 'Retina worker from ONNX (end to end)',
  retinaWeights: () => 'Retina worker from weights (end to end)',
  retinaWeightsQ8: () => 'Retina worker from weights, q8 (end to end)',
  retinaWeightsQ4: () => 'Retina worker from weights, q4 (end to end)',
  transformersJs: (load) => `transformers.js ${load.version} fp32 (ORT ${load.ortVersion})`,
  transformersJsQ8: (load) => `transformers.js ${load.version} default dtype q8 (ORT ${load.ortVersion})`,
};
type ScenarioContender = Exclude<ContenderName, 'floorRoundTrip' | 'retinaRoundTrip'>;
const SCENARIO_CONTENDERS = Object.keys(CONTENDER_LABELS) as ScenarioContender[];

function row(s: ScenarioResults, contender: ScenarioContender): string | undefined {
  const measured = s.contenders[contender];
  if (!measured) return undefined;
  const lead = `| ${s.model.name} | ${s.backend === 'webgpu' ? 'webgpu (SwiftShader)' : s.backend}`;
  if ('error' in measured) return `${lead} | ${contender} | failed: ${measured.error.replaceAll('|', '/')} |`;
  const { load, process, userAgentBytes, output } = measured;
  const stage = (name: string) => ms(p50(s, contender, name));
  const inThread = inThreadFloorMs(s);
  const endToEnd = p50(s, contender, 'endToEnd');
  // What the worker adds: Retina's end-to-end time minus the stages timed in-thread beside the floor.
  const overhead = contender.startsWith('retina') && endToEnd !== undefined && inThread !== undefined ? ms(endToEnd - inThread) : '—';
  const cold =
    contender === 'floor' ? `${ms(load.coldStartMs as number)} (fetch ${ms(load.fetchMs as number)})` : ms(load.coldStartMs as number);
  return (
    `${lead} | ${CONTENDER_LABELS[contender](load)} | ${cold} | ${latency(s, contender, 'endToEnd')} | ${stage('decode')} | ` +
    `${stage('preprocess')} | ${overhead} | ${latency(s, contender, 'inference')} | ${stage('postprocess')} | ` +
    `${mb(process.peakBytes - process.baselineBytes)} | ${mb(userAgentBytes)} | ${output} |`
  );
}

const ALONE_SOURCES: Record<RetinaKind, string> = {
  retina: 'model.onnx + model.onnx.data',
  retinaWeights: 'config.json + model.safetensors',
  retinaWeightsQ8: 'config.json + model.safetensors, q8',
  retinaWeightsQ4: 'config.json + model.safetensors, q4',
};

function aloneRows(s: ScenarioResults): string[] {
  return Object.entries(s.alone ?? {}).map(([kind, alone]) => {
    const bytes = kind === 'retina' ? s.exportedBytes : s.graphBuild?.checkpointBytes;
    const lead = `| ${s.model.name} | ${s.backend} | ${ALONE_SOURCES[kind as RetinaKind]} | ${mb(bytes)}`;
    if ('error' in alone) return `${lead} | failed: ${alone.error.replaceAll('|', '/')} | | | | |`;
    const rise = (peak: number) => mb(peak - alone.baselineBytes);
    return (
      `${lead} | ${mb(alone.runtimeStartBytes)} | ${ms(alone.coldStartMs)} | ${rise(alone.loadPeakBytes)} | ` +
      `${rise(alone.runPeakBytes)} | ${mb(alone.workerBytesAfterLoad)} |`
    );
  });
}

function roundTripLines(results: BenchResults): string[] {
  return Object.entries(results.roundTrip).map(([backend, trip]) => {
    const failed = Object.entries(trip.contenders).filter(([, m]) => m && 'error' in m);
    if (failed.length > 0) return `- ${backend}: failed: ${failed.map(([k, m]) => `${k}: ${(m as { error: string }).error}`).join('; ')}`;
    return (
      `- ${backend}: RemoteModel.run p50 / p95 ${latency(trip, 'retinaRoundTrip', 'inference')} ms, of which the ` +
      `session.run in Retina's worker ${latency(trip, 'retinaRoundTrip', 'workerInference')} ms and the rest ` +
      `${latency(trip, 'retinaRoundTrip', 'beyondInference')} ms; bare session.run in a worker of its own ` +
      `${latency(trip, 'floorRoundTrip', 'inference')} ms; ${trip.rounds} interleaved rounds`
    );
  });
}

export function formatRatios(results: BenchResults): string {
  const lines = computeRatios(results).map((r) => {
    const failed = r.failed ? ` (${r.failed})` : '';
    if (r.target === undefined) return `${r.name}: ${formatValue(r, r.value)}${failed}`;
    const verdict = r.value === undefined ? '' : r.value <= r.target ? '  meets target' : '  MISSES target';
    return `${r.name}: ${formatValue(r, r.value)}${failed} (target ≤ ${formatValue(r, r.target)})${verdict}`;
  });
  return ['Ratios (WebGPU rows run on SwiftShader: their timings say nothing about GPU speed)', ...lines].join('\n');
}

export function formatReport(results: BenchResults): string {
  const { environment: env } = results;
  const ratioRows = computeRatios(results).map(
    (r) =>
      `| ${r.name} | ${formatValue(r, r.value)}${r.failed ? ` (${r.failed.replaceAll('|', '/')})` : ''} | ` +
      `${r.target === undefined ? '—' : `≤ ${formatValue(r, r.target)}`} | ${r.how} |`,
  );
  const roundCounts = results.scenarios.map((s) => `${s.model.name}/${s.backend}: ${s.rounds}${s.reduced ? ' (reduced: runs > 5 s)' : ''}`);
  return [
    `# Retina benchmark — ${results.date}`,
    '',
    `Chromium ${env.chromium} headless, ${env.cpus} CPUs (load average at start ${env.loadAverage.map((l) => l.toFixed(1)).join(', ')}); WebGPU adapter: ${env.webgpuAdapter}.`,
    `Input: ${env.photo.format}, ${env.photo.width}×${env.photo.height}, ${env.photo.bytes} bytes, sha256 ${env.photo.sha256.slice(0, 16)}….`,
    `Contenders are loaded side by side and timed in interleaved rounds (one run of each in turn, each round starting with the next contender) after their warm-up ` +
      `(per series, runs until ${env.policy.warmUpMs / 1000} s have passed, at least 2; 1 when a run exceeds ${env.policy.slowRunMs / 1000} s: ` +
      `V8 optimises WebAssembly in the background for seconds after loading). Rounds asked: ${env.policy.runs}; a scenario whose runs exceed ` +
      `${env.policy.slowRunMs / 1000} s stops after ${env.policy.minRuns} rounds and ${env.policy.budgetMs / 1000} s. Rounds: ${roundCounts.join('; ')}.`,
    '',
    '**WebGPU here is SwiftShader (a CPU emulation): it proves the path works; its timings mean nothing for real GPUs.**',
    '',
    'Times are ms (p50 unless marked). The floor row times bare onnxruntime-web `session.run` on prepared `pixel_values` and, in the',
    "same worker, Retina's own decode (PNG Blob → pixels), preprocess (pixels → `pixel_values`) and, for segmentation, post-process",
    '(logits → label map at the photo size). "transfer + overhead" = Retina e2e p50 − the sum of those in-thread stages: messaging,',
    'worker-side wrapping, classification softmax/top-k and segment masks. Peak RSS Δ = renderer high-water mark during the',
    "contender's load and warm-up minus its resident memory before (page + workers; the GPU process is not included); side by",
    'side, a contender reuses memory the ones before it freed, so this column depends on the order: the memory ratios use the',
    'loads alone below.',
    "UA memory = `performance.measureUserAgentSpecificMemory()` attributed to the contender's worker after the rounds.",
    '',
    HEADER,
    ...results.scenarios.flatMap((s) => SCENARIO_CONTENDERS.map((c) => row(s, c)).filter((r) => r !== undefined)),
    '',
    "Retina from weights reads config.json and model.safetensors (seeded random weights with the reference's names and shapes,",
    'bench/make-checkpoints.ts) and builds the graph; its inference column is the session.run the pipeline reports. Graph build',
    '(Node, p50 of 3, checkpoint in memory): ' +
      results.scenarios
        .map((s) => {
          const quantized = Object.entries(s.quantizedBuilds ?? {}).map(([dtype, build]) => `, ${dtype} ${ms(build.buildMs)} ms`);
          return `${s.model.name} ${s.backend} ${ms(s.graphBuild?.buildMs)} ms${quantized.join('')} for ${mb(s.graphBuild?.checkpointBytes)} MB`;
        })
        .join('; ') +
      '.',
    '',
    '## Each Retina load alone',
    '',
    "In a fresh browser context (a renderer process holding nothing else), Retina's worker first starts its runtime on the",
    "fixtures' tiny BiT; then, peak reset, the pipeline loads in that worker (download, parse, graph build, session) and runs",
    'once on the photo. Peaks are over the RSS before each step. Worker memory after load: `measureUserAgentSpecificMemory()`',
    'of that worker once the pipeline is loaded (live JS, and the WebAssembly memory as far as it grew; on WebGPU the weights',
    'are in the GPU process instead).',
    '',
    '| model | backend | source | files MB | runtime start peak Δ MB | cold start ms | load peak Δ MB | load + run peak Δ MB | worker memory after load MB |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.scenarios.flatMap((s) => aloneRows(s)),
    '',
    '## Worker round trip (tiny BiT at 224, so that inference is small)',
    '',
    ...roundTripLines(results),
    '',
    '## Ratios',
    '',
    '| ratio | value | target | how |',
    '| --- | ---: | ---: | --- |',
    ...ratioRows,
    '',
  ].join('\n');
}
