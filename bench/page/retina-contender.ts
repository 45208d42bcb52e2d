// Retina as an app uses it: the script-tag build's worker, image in, result out; from the exported graph
// or from the checkpoint.
/// <reference types="@retina/worker/global" />
import type { PipelineResult, RemoteModelTimings, RemotePipelineTimings, RetinaWorker, WorkerLoadOptions } from '@retina/worker';
import type { LoadInfo, RETINA_LOADS, RetinaKind, RoundTimes, RoundTripRequest, ScenarioRequest, TinyModel } from './protocol.js';
import { describeDepth } from './describe-depth.js';
import { timeRound, warmUp, type RoundRuns } from './runs.js';

type AnyResult = PipelineResult<'image-classification'> | PipelineResult<'image-segmentation'> | PipelineResult<'depth-estimation'>;
type RetinaLoad = (typeof RETINA_LOADS)[RetinaKind];

function describe(result: AnyResult | undefined): string {
  if (result === undefined) return 'no output';
  if (Array.isArray(result)) return `top-1 ${result[0]!.label} (${result[0]!.score.toFixed(4)})`;
  if ('predictedDepth' in result) return describeDepth(result.predictedDepth);
  return `label map ${result.labelMap.width}x${result.labelMap.height}, ${result.segments.length} classes present`;
}

export class RetinaContender {
  readonly #retina: RetinaWorker;
  #runs: RoundRuns = {};
  /** The loaded pipeline on one photo. */
  #runPipeline: ((photo: Blob) => Promise<AnyResult>) | undefined;
  #output: AnyResult | undefined;
  /** The timings RemoteModel.run reported for the latest round-trip call. */
  #modelTimings: RemoteModelTimings | undefined;
  /** The stage times the pipeline reported for the latest end-to-end run. */
  #pipelineTimings: RemotePipelineTimings | undefined;

  /** `retina` is the global of the script-tag build whose worker this contender runs in. */
  constructor(retina: typeof Retina, backend: string) {
    this.#retina = retina.createRetinaWorker({ device: backend as 'wasm' | 'webgpu' });
  }

  /** Loads the pipeline from the exported graph (`source` "onnx") or builds it from the checkpoint ("weights") at `dtype`. */
  async load(request: ScenarioRequest, how: RetinaLoad): Promise<LoadInfo> {
    const photo = await (await fetch(request.photoUrl)).blob();
    const info = await this.open(request, how);
    this.#runs = { endToEnd: () => this.#runPipeline!(photo) };
    await warmUp(this.#runs, request);
    return info;
  }

  /** Only the load (no photo, no warm-up), for the load-memory measure; `runOnce` then runs the pipeline once. */
  async open(request: ScenarioRequest, { source, dtype }: RetinaLoad): Promise<LoadInfo> {
    const { model } = request;
    const start = performance.now();
    // A dtype the worker cannot build fails the load with INVALID_ARGUMENT, which the bench reports for this contender.
    const quantized = dtype === 'fp32' ? {} : { dtype: dtype as WorkerLoadOptions['dtype'] };
    const run =
      source === 'onnx'
        ? await this.#retina.pipeline(model.task, request.modelUrl, { modelFile: 'model.onnx', useBrowserCache: false })
        : await this.#retina.pipeline(model.task, request.checkpointUrl, { source: 'weights', useBrowserCache: false, ...quantized });
    const coldStartMs = performance.now() - start;
    const options = {
      ...(model.preprocess && { preprocess: model.preprocess }),
      onTimings: (timings: RemotePipelineTimings) => (this.#pipelineTimings = timings),
    };
    this.#runPipeline = async (photo) => (this.#output = await run(photo, options));
    return { coldStartMs, backendReason: run.backend.reason };
  }

  /** Starts the worker's runtime on a tiny graph (kept loaded), so that a load after it pays only for its model. */
  async startRuntime(tiny: TinyModel): Promise<void> {
    await this.#retina.loadModel('AutoModelForImageClassification', tiny.modelUrl, { modelFile: tiny.modelFile, useBrowserCache: false });
  }

  async runOnce(photoUrl: string): Promise<void> {
    await this.#runPipeline!(await (await fetch(photoUrl)).blob());
  }

  /**
   * RemoteModel.run on [1, 3, size, size] pixel_values: the buffer is transferred in, logits come back.
   * Besides the page's time ("inference") a round records what the call reported: the session's run in
   * the worker and the page's wait beyond it.
   */
  async loadRoundTrip(request: RoundTripRequest): Promise<LoadInfo> {
    const { modelUrl, modelFile, size } = request;
    const start = performance.now();
    const model = await this.#retina.loadModel('AutoModelForImageClassification', modelUrl, { modelFile, useBrowserCache: false });
    const coldStartMs = performance.now() - start;
    const dims = [1, 3, size, size];
    // A fresh buffer per run: the call transfers it away. Filling 600 kB is part of the timing, as it
    // would be for a caller; it takes well under 0.1 ms.
    const onTimings = (timings: RemoteModelTimings) => (this.#modelTimings = timings);
    this.#runs = {
      inference: () => {
        this.#modelTimings = undefined;
        return model.run({ pixel_values: { dtype: 'float32', data: new Float32Array(3 * size * size).fill(0.25), dims } }, { onTimings });
      },
    };
    await warmUp(this.#runs, request);
    return { coldStartMs };
  }

  async round(): Promise<RoundTimes> {
    const times = await timeRound(this.#runs);
    const reported = this.#modelTimings;
    if (reported) return { ...times, workerInference: reported.inference, beyondInference: reported.transfer };
    // The session.run inside the pipeline call: what the graph's speed alone decides.
    return this.#pipelineTimings ? { ...times, inference: this.#pipelineTimings.inference } : times;
  }

  output(): string {
    return describe(this.#output);
  }

  close(): void {
    this.#retina.terminate();
  }
}
