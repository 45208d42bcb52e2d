// What the Node runner asks of the bench page and what comes back. Contenders are loaded side by side,
// then run in interleaved rounds, so that load from other processes on the machine hits all alike.
import type { Backend, BenchModel } from '../models.js';

/**
 * `retina` loads the exported graph (model.onnx), `retinaWeights` builds it from the checkpoint (model.safetensors),
 * `retinaWeightsQ8`/`Q4` with `dtype` q8/q4; `transformersJs` runs model.onnx, `transformersJsQ8` its default dtype
 * (model_quantized.onnx, bench/transformers-js-q8.ts).
 */
export type ContenderKind = 'floor' | RetinaKind | 'transformersJs' | 'transformersJsQ8';

/** The Retina contenders that load a bench model, each measured alone too. */
export type RetinaKind = 'retina' | 'retinaWeights' | 'retinaWeightsQ8' | 'retinaWeightsQ4';

/** The folder each Retina contender's copy of the worker build is served from (see main.ts). */
export const RETINA_WORKER_FOLDERS: Readonly<Record<RetinaKind, string>> = {
  retina: 'worker',
  retinaWeights: 'worker-weights',
  retinaWeightsQ8: 'worker-weights-q8',
  retinaWeightsQ4: 'worker-weights-q4',
};

/** How each Retina contender loads: from which files, at which dtype. */
export const RETINA_LOADS: Readonly<Record<RetinaKind, { source: 'onnx' | 'weights'; dtype: 'fp32' | 'q8' | 'q4' }>> = {
  retina: { source: 'onnx', dtype: 'fp32' },
  retinaWeights: { source: 'weights', dtype: 'fp32' },
  retinaWeightsQ8: { source: 'weights', dtype: 'q8' },
  retinaWeightsQ4: { source: 'weights', dtype: 'q4' },
};

/**
 * Warm-up after loading, per series (excluded from every series): runs until `warmUpMs` have passed,
 * at least 2, or 1 when a run exceeds `slowRunMs`.
 */
export interface WarmUpPolicy {
  slowRunMs: number;
  warmUpMs: number;
}

export interface ScenarioRequest extends WarmUpPolicy {
  model: BenchModel;
  backend: Backend;
  /** Folder URL of the model (config.json, preprocessor_config.json, model.onnx, model.onnx.data). */
  modelUrl: string;
  /** Folder URL of the checkpoint-only copy (config.json, preprocessor_config.json, model.safetensors). */
  checkpointUrl: string;
  /** URL of the 4032x3024 test photo (PNG). */
  photoUrl: string;
}

/** A tiny graph that takes any input size (the fixtures' bit-preact-cls). */
export interface TinyModel {
  modelUrl: string;
  modelFile: string;
}

/** The round trip runs a tiny model, so that inference is small. */
export interface RoundTripRequest extends WarmUpPolicy, TinyModel {
  backend: Backend;
  size: number;
}

export type ContenderRequest =
  { kind: ContenderKind; scenario: ScenarioRequest } | { kind: 'floorRoundTrip' | 'retinaRoundTrip'; roundTrip: RoundTripRequest };

/** What loading told: cold-start times, versions, the reason a backend was chosen. */
export type LoadInfo = Record<string, number | string>;

/** One round of a contender: milliseconds per series (e.g. endToEnd, inference, decode). */
export type RoundTimes = Record<string, number>;

export interface BenchPage {
  /** Starts the contender's worker, loads its model, runs its warm-up. */
  load(request: ContenderRequest): Promise<LoadInfo>;
  round(kind: ContenderRequest['kind']): Promise<RoundTimes>;
  /** What one run returned, to show the output is real (top label, or label-map size and classes). */
  output(kind: ContenderRequest['kind']): Promise<string>;
  /**
   * For measuring one Retina contender's load alone, in a page of its own: starts its worker and that
   * worker's runtime on `tiny`; then `openAlone` loads the pipeline (no photo, no warm-up) in that worker.
   */
  startAlone(kind: RetinaKind, backend: Backend, tiny: TinyModel): Promise<void>;
  openAlone(scenario: ScenarioRequest): Promise<LoadInfo>;
  /** Runs the pipeline `openAlone` loaded once on the scenario's photo. */
  runAlone(scenario: ScenarioRequest): Promise<void>;
  /** measureUserAgentSpecificMemory() per contender (by its worker's URL) and in total, where available. */
  memory(): Promise<Record<string, number> | undefined>;
  /** Terminates every contender's worker. */
  unloadAll(): Promise<void>;
  adapter(): Promise<string>;
}
