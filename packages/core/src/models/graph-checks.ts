// Checks of a graph against the config at load time, and of inputs against the graph before each run.
import { RetinaError } from '../errors.js';
import { GRAPH_METADATA } from '../graph/graph-builder.js';
import type { InferenceSession } from '../session/inference-session.js';
import type { Tensor } from '../tensor.js';

type ValueMetadata = InferenceSession.ValueMetadata;

function formatDims(dims: readonly (number | string)[]): string {
  return `[${dims.map((dim) => (dim === 'batch_size' ? 'batch' : dim)).join(', ')}]`;
}

function listNames(values: readonly ValueMetadata[]): string {
  return values.map((value) => value.name).join(', ') || 'none';
}

/** The graph input or output `name`; MODEL_LOAD_FAILED when the graph was exported from another architecture. */
export function requireGraphValue(
  kind: 'input' | 'output',
  values: readonly ValueMetadata[],
  name: string,
  architecture: string,
): ValueMetadata {
  const value = values.find((candidate) => candidate.name === name);
  if (!value) {
    throw new RetinaError(
      'MODEL_LOAD_FAILED',
      `${architecture} needs a graph with the ${kind} "${name}", but this graph's ${kind}s are: ${listNames(values)}. ` +
        `Was it exported from another architecture? Check "architectures" in config.json or use the matching model class.`,
    );
  }
  return value;
}

/**
 * Graphs Retina built say what they were built for (graph/graph-builder.ts GRAPH_METADATA): MODEL_LOAD_FAILED
 * when that is another model type or architecture than config.json's. Graphs without that metadata pass.
 */
export function checkGraphMetadata(
  metadata: Readonly<Record<string, string>>,
  file: string,
  modelType: string,
  architecture: string,
): void {
  const builtFor = metadata[GRAPH_METADATA.modelType];
  const builtAs = metadata[GRAPH_METADATA.architecture];
  if (builtFor === undefined || (builtFor === modelType && builtAs === architecture)) return;
  throw new RetinaError(
    'MODEL_LOAD_FAILED',
    `${file} was built by Retina for a ${builtAs ?? 'model'} (model_type "${builtFor}"), but config.json asks for a ${architecture} ` +
      `(model_type "${modelType}"): config.json and the ONNX file do not belong together.`,
  );
}

/** Fails with INVALID_CONFIG when a fixed size of the graph disagrees with what config.json says. */
export function checkGraphDim(value: ValueMetadata, axis: number, expected: number, configSays: string): void {
  const actual = value.dims.at(axis);
  if (typeof actual === 'number' && actual !== expected) {
    throw new RetinaError(
      'INVALID_CONFIG',
      `config.json says ${configSays}, but the graph's ${value.name} has shape ${formatDims(value.dims)} (${actual} where ${expected} ` +
        'is expected): config.json and the ONNX file do not belong together.',
    );
  }
}

/** Fails with INVALID_CONFIG when the graph leaves one of `axes` of `value` dynamic although config.json fixes it. */
export function checkFixedGraphDims(value: ValueMetadata, axes: readonly number[], configSays: string): void {
  const dynamic = axes.filter((axis) => typeof value.dims.at(axis) !== 'number');
  if (dynamic.length === 0) return;
  throw new RetinaError(
    'INVALID_CONFIG',
    `config.json says ${configSays}, a model of fixed input size, but the graph's ${value.name} has shape ${formatDims(value.dims)} ` +
      '(any size there, as in a BiT graph): config.json and the ONNX file do not belong together.',
  );
}

/** Extra words for an input error: `why` follows "for this model", `fix` ends the message. */
export interface InputErrorHint {
  readonly why?: string;
  readonly fix?: string;
}

/** Which axis is wrong (undefined when the rank is), for the hint. */
export type DescribeInput = (name: string, axis: number | undefined) => InputErrorHint;

/**
 * Checks `feeds` against the graph inputs: every input given, with the graph's dtype, rank and fixed sizes,
 * and one size per named axis (the same batch in every input). Fails with INVALID_ARGUMENT.
 */
export function checkFeeds(feeds: Readonly<Record<string, Tensor>>, inputs: readonly ValueMetadata[], describe: DescribeInput): void {
  const axisSizes = new Map<string, { size: number; input: string }>();
  for (const input of inputs) {
    const tensor = feeds[input.name];
    if (!tensor) throw new RetinaError('INVALID_ARGUMENT', `The model needs the input ${input.name}; it was not given.`);
    if (tensor.dtype !== input.dtype) {
      throw new RetinaError('INVALID_ARGUMENT', `${input.name} must be a ${input.dtype} tensor for this model; got ${tensor.dtype}.`);
    }
    const rankOk = tensor.dims.length === input.dims.length;
    const badAxis = rankOk ? input.dims.findIndex((dim, i) => typeof dim === 'number' && dim !== tensor.dims[i]) : undefined;
    if (!rankOk || badAxis !== -1) {
      const { why = '', fix = '' } = describe(input.name, badAxis);
      throw new RetinaError(
        'INVALID_ARGUMENT',
        `${input.name} must be ${formatDims(input.dims)} for this model${why}; got ${formatDims(tensor.dims)}.${fix && ` ${fix}`}`,
      );
    }
    input.dims.forEach((dim, i) => {
      if (typeof dim === 'number') return;
      const size = tensor.dims[i]!;
      const seen = axisSizes.get(dim);
      if (seen && seen.size !== size) {
        throw new RetinaError(
          'INVALID_ARGUMENT',
          `${input.name} has ${dim === 'batch_size' ? 'batch' : dim} ${size} but ${seen.input} has ${seen.size}; they must agree.`,
        );
      }
      axisSizes.set(dim, { size, input: input.name });
    });
  }
}
