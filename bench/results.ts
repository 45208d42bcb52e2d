// The shape of bench/results/*.json.
import type { Backend, BenchModel } from './models.js';
import type { GraphBuild } from './graph-build-time.js';
import type { ContenderRequest, LoadInfo, RetinaKind } from './page/protocol.js';
import type { SeriesPolicy } from './rounds.js';

export type ContenderName = ContenderRequest['kind'];

/** Renderer resident memory around one contender's load and warm-up. */
export interface ProcessMemory {
  /** Before the contender's worker started. */
  baselineBytes: number;
  /** Peak of the renderer that holds the page and its workers. */
  peakBytes: number;
}

export interface ContenderResults {
  load: LoadInfo;
  /** Milliseconds of every timed run, per series (warm-up excluded). */
  series: Record<string, number[]>;
  process: ProcessMemory;
  /** measureUserAgentSpecificMemory() bytes attributed to the contender's worker, after the rounds. */
  userAgentBytes: number | undefined;
  output: string;
}

export type Measured = ContenderResults | { error: string };

export interface RoundsResults {
  rounds: number;
  /** Fewer rounds than asked, because runs took longer than the policy's slowRunMs. */
  reduced: boolean;
  contenders: Partial<Record<ContenderName, Measured>>;
}

/**
 * One Retina contender loaded alone in a fresh renderer process (its own browser context): first its
 * worker and runtime start on a tiny graph, then (peak reset) the pipeline loads in that worker.
 */
export interface AloneLoad {
  /** Peak over the fresh page's resident memory while the worker and its runtime start. */
  runtimeStartBytes: number;
  coldStartMs: number;
  /** Resident memory once the runtime has started, before the pipeline load. */
  baselineBytes: number;
  /** Peak once the pipeline is loaded, then after one run on the photo. */
  loadPeakBytes: number;
  runPeakBytes: number;
  /** measureUserAgentSpecificMemory() of the contender's worker once loaded: live JS, and WebAssembly memory as grown. */
  workerBytesAfterLoad: number | undefined;
}

export interface ScenarioResults extends RoundsResults {
  model: BenchModel;
  backend: Backend;
  /** Building the graph from model.safetensors (in Node, p50 of 3), and that file's size. */
  graphBuild: GraphBuild | undefined;
  /** The same at q8 and q4, for the dtypes the worker loaded. */
  quantizedBuilds: Partial<Record<'q8' | 'q4', GraphBuild>>;
  /** Bytes of model.onnx + model.onnx.data, what Retina from ONNX downloads. */
  exportedBytes: number;
  alone: Partial<Record<RetinaKind, AloneLoad | { error: string }>>;
}

export interface BenchResults {
  date: string;
  environment: {
    chromium: string;
    cpus: number;
    loadAverage: number[];
    webgpuAdapter: string;
    photo: { format: string; width: number; height: number; bytes: number; sha256: string };
    policy: SeriesPolicy;
  };
  scenarios: ScenarioResults[];
  roundTrip: Partial<Record<Backend, RoundsResults>>;
}

export function contenderResults(results: RoundsResults | undefined, name: ContenderName): ContenderResults | undefined {
  const measured = results?.contenders[name];
  return measured && !('error' in measured) ? measured : undefined;
}
