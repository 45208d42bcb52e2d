import { withAsyncDispose } from '../async-dispose.js';
import { RetinaError } from '../errors.js';
import { openModelRepo, type HubOptions, type ModelRepo } from '../hub/index.js';
import { createInferenceSession, type CreateSessionOptions } from '../session/create-inference-session.js';
import type { InferenceSession } from '../session/inference-session.js';
import type { Tensor } from '../tensor.js';
import { readGraphMetadata } from '../graph/graph-metadata.js';
import {
  checkFeeds,
  checkFixedGraphDims,
  checkGraphDim,
  checkGraphMetadata,
  requireGraphValue,
  type InputErrorHint,
} from './graph-checks.js';
import type { GraphBuilder } from '../graph/graph-builder.js';
import { modelFilesFromWeights } from './graph-from-weights.js';
import { hasCachedCheckpoint } from '../weights/read-checkpoint.js';
import type { PretrainedConfig } from './pretrained-config.js';

/** Where files come from (hub options) and how the graph runs (session options). */
export type FromPretrainedOptions = CreateSessionOptions & HubOptions;

/** What the model classes need of a config: every one of them takes images. */
export type VisionConfig = PretrainedConfig & { readonly numChannels: number; readonly imageSize?: number };

export interface ConfigClass<C extends PretrainedConfig = PretrainedConfig> {
  new (json: unknown): C;
  readonly modelType: string;
}

export interface ModelClass<M = PreTrainedModel, C extends VisionConfig = VisionConfig> {
  new (config: C, session: InferenceSession): M;
  /** The Transformers class name, as config.json's `architectures` lists it. */
  readonly architecture: string;
  /** What the head does ("image-classification", "backbone", ...): picks its Auto class and its graph builder's head. */
  readonly task: string;
  readonly configClass: ConfigClass<C>;
  /** Outputs a WebGPU session keeps in GPU memory for post-processing there (`forward` still reads them back). */
  readonly gpuOutputs?: readonly string[];
  /** The family's graph builder, to run a checkpoint without an ONNX file; absent: ONNX files only. */
  readonly buildGraph?: GraphBuilder<C>;
}

export function openRepo(source: string | ModelRepo, options: HubOptions): ModelRepo {
  return typeof source === 'string' ? openModelRepo(source, options) : source;
}

/**
 * Creates the session for `config`'s model from `repo` (its ONNX file, or the graph built from its weights,
 * as `options.source` says) and builds `modelClass` on it; the session is released if that fails.
 */
export async function loadModel<M, C extends VisionConfig>(
  modelClass: ModelClass<M, C>,
  repo: ModelRepo,
  config: C,
  options: FromPretrainedOptions,
): Promise<M> {
  const architecture = modelClass.architecture;
  const { buildGraph } = modelClass;
  const session = await createInferenceSession(repo, options, modelClass.gpuOutputs, {
    ...(buildGraph && {
      fromWeights: (dtype, provider) =>
        modelFilesFromWeights(repo, config, modelClass, buildGraph, { dtype, provider, maxBuildBytes: options.maxBuildBytes }, options),
      weightsCached: () => hasCachedCheckpoint(repo),
    }),
    checkGraph: (graph, file) => checkGraphMetadata(readGraphMetadata(graph), file, config.modelType, architecture),
  });
  try {
    return new modelClass(config, session);
  } catch (error) {
    await session.dispose();
    throw error;
  }
}

/** `hidden_states.0`, `hidden_states.1`, ... (or `feature_maps.<i>`) in index order; empty when the graph has none. */
export function indexedOutputs<T extends Tensor>(outputs: Readonly<Record<string, T>>, prefix: string): T[] {
  const pattern = new RegExp(`^${prefix}\\.(\\d+)$`);
  return Object.entries(outputs)
    .map(([name, tensor]) => [Number(pattern.exec(name)?.[1] ?? NaN), tensor] as const)
    .filter(([index]) => !Number.isNaN(index))
    .sort(([a], [b]) => a - b)
    .map(([, tensor]) => tensor);
}

/** `{ hiddenStates }` when the graph exports them, else nothing, to spread into an output object. */
export function hiddenStatesOf(outputs: Readonly<Record<string, Tensor<'float32'>>>): { hiddenStates?: Tensor<'float32'>[] } {
  const hiddenStates = indexedOutputs(outputs, 'hidden_states');
  return hiddenStates.length > 0 ? { hiddenStates } : {};
}

/**
 * A model head over an inference session. The constructor checks that the graph fits the config (inputs,
 * channels, image size, output sizes); `forward` checks inputs against the graph before running it.
 */
export abstract class PreTrainedModel<C extends VisionConfig = VisionConfig> {
  readonly config: C;
  #session: InferenceSession | undefined;

  /** Builds the model on an existing session; use `fromPretrained` to load both from a model repo. */
  constructor(config: C, session: InferenceSession) {
    this.config = config;
    this.#session = session;
    const pixelValues = this.requireInput('pixel_values');
    checkGraphDim(pixelValues, 1, config.numChannels, `num_channels ${config.numChannels}`);
    if (config.imageSize !== undefined) {
      // Fixed-size families' graphs are fixed to image_size; one that takes any size is another family's (BiT's).
      checkFixedGraphDims(pixelValues, [2, 3], `model_type "${config.modelType}" with image_size ${config.imageSize}`);
      checkGraphDim(pixelValues, 2, config.imageSize, `image_size ${config.imageSize}`);
      checkGraphDim(pixelValues, 3, config.imageSize, `image_size ${config.imageSize}`);
    }
  }

  /** Reads config.json and the ONNX graph of this architecture from a folder, URL or hub id (or a {@link ModelRepo}). */
  static async fromPretrained<M, C extends VisionConfig>(
    this: ModelClass<M, C>,
    source: string | ModelRepo,
    options: FromPretrainedOptions = {},
  ): Promise<M> {
    const repo = openRepo(source, options);
    const config = new this.configClass(await repo.json('config.json', options));
    return loadModel(this, repo, config, options);
  }

  /** The Transformers class name of this model. */
  get architecture(): string {
    return (this.constructor as ModelClass).architecture;
  }

  /** The session running the graph; fails once the model is disposed. */
  get session(): InferenceSession {
    if (!this.#session) {
      throw new RetinaError('INFERENCE_FAILED', `This ${this.architecture} was disposed; load the model again to use it.`);
    }
    return this.#session;
  }

  /** Releases the session. Later calls on the model fail; disposing twice is harmless. */
  async dispose(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    await session?.dispose();
  }

  /** `await using model = ...` disposes the model when the block ends (defined below the class). */
  declare [Symbol.asyncDispose]: () => Promise<void>;

  protected requireInput(name: string): InferenceSession.ValueMetadata {
    return requireGraphValue('input', this.session.inputMetadata, name, this.architecture);
  }

  /** The graph output `name`, which must hold float32 values. */
  protected requireOutput(name: string): InferenceSession.ValueMetadata {
    const output = requireGraphValue('output', this.session.outputMetadata, name, this.architecture);
    if (output.dtype !== 'float32') {
      throw new RetinaError('MODEL_LOAD_FAILED', `The graph's output ${name} is ${output.dtype}; Retina reads float32 outputs.`);
    }
    return output;
  }

  /** Checks the feeds against the graph and runs it; every output is float32 (checked at load). */
  protected async runGraph(feeds: Readonly<Record<string, Tensor>>): Promise<Record<string, Tensor<'float32'>>> {
    const session = this.session;
    checkFeeds(feeds, session.inputMetadata, (name, axis) => this.describeInput(name, axis));
    return (await session.run(feeds)) as Record<string, Tensor<'float32'>>;
  }

  private describeInput(name: string, axis: number | undefined): InputErrorHint {
    if (name !== 'pixel_values') return {};
    const { numChannels, imageSize } = this.config;
    if (axis === 1) return { why: ` (num_channels ${numChannels} in config.json)` };
    if (axis === 2 || axis === 3) {
      const why = imageSize === undefined ? '' : ` (image_size ${imageSize} in config.json)`;
      return { why, fix: "Resize with the model's image processor." };
    }
    return { fix: 'pixel_values is [batch, channels, height, width], as the image processor returns it.' };
  }
}

// Not a computed method: where Symbol.asyncDispose is missing, that would define a method named "undefined".
withAsyncDispose(PreTrainedModel.prototype, function (this: PreTrainedModel) {
  return this.dispose();
});
