// Every fixture model whose family builds graphs, built as q8 and q4 from its checkpoint, against the fp32
// goldens on both runtimes: the largest |actual - expected| of each output, and how many predictions (argmax
// over the classes of each row, pixel or patch) stay the reference's. The bounds are what was measured (the
// larger of the two runtimes, rounded up in the third digit): quantizing is a trade the user chooses, and
// this holds its cost where it is now. Graphs without a Linear layer are refused for these dtypes.
import { afterAll, describe, expect, it } from 'vitest';
import { RetinaError } from '../errors.js';
import type { InferenceSession } from '../session/inference-session.js';
import type { Tensor } from '../tensor.js';
import { readBin, type BinDescriptor } from '../testing/fixtures.js';
import { autoClassFor } from '../testing/golden-cases.js';
import { fixtureModels, fixtureRepo, goldenTensor, readGolden } from '../testing/model-fixtures.js';
import { familyOf } from './model-families.js';

type QuantizedDtype = Extract<InferenceSession.ModelDtype, 'q8' | 'q4'>;

/** Per model and dtype: the largest |actual - expected| per output, and the predictions that agree (of how many). */
interface Bound {
  readonly maxAbs: Readonly<Record<string, number>>;
  readonly agree?: readonly [number, number];
}

const BOUNDS: Readonly<Record<string, Readonly<Record<QuantizedDtype, Bound>>>> = {
  'beit-cls': { q8: { maxAbs: { logits: 2.31e-2 }, agree: [4, 4] }, q4: { maxAbs: { logits: 2.9e-1 }, agree: [4, 4] } },
  'beit-cls-abs': { q8: { maxAbs: { logits: 2.37e-2 }, agree: [4, 4] }, q4: { maxAbs: { logits: 6.3e-1 }, agree: [4, 4] } },
  'beit-feature': {
    q8: { maxAbs: { last_hidden_state: 8.69e-3, pooler_output: 1.58e-2 } },
    q4: { maxAbs: { last_hidden_state: 8.82e-2, pooler_output: 1.36e-1 } },
  },
  'beit-mim': { q8: { maxAbs: { logits: 1.34e-1 }, agree: [246, 256] }, q4: { maxAbs: { logits: 7.94e-1 }, agree: [202, 256] } },
  'beit-seg': { q8: { maxAbs: { logits: 2.52e-3 }, agree: [2300, 2304] }, q4: { maxAbs: { logits: 2.07e-2 }, agree: [2296, 2304] } },
  'bit-bottleneck-same-cls': { q8: { maxAbs: { logits: 1.1e-2 }, agree: [8, 8] }, q4: { maxAbs: { logits: 8.74e-2 }, agree: [8, 8] } },
  'bit-preact-cls': { q8: { maxAbs: { logits: 6.03e-3 }, agree: [6, 6] }, q4: { maxAbs: { logits: 1.32e-1 }, agree: [5, 6] } },
  'data2vec-vision-cls': { q8: { maxAbs: { logits: 1.41e-2 }, agree: [4, 4] }, q4: { maxAbs: { logits: 1.76e-1 }, agree: [4, 4] } },
  'data2vec-vision-seg': {
    q8: { maxAbs: { logits: 4.13e-3 }, agree: [2302, 2304] },
    q4: { maxAbs: { logits: 4.97e-2 }, agree: [2296, 2304] },
  },
  'dpt-beit-depth': { q8: { maxAbs: { predicted_depth: 3.74e-2 } }, q4: { maxAbs: { predicted_depth: 2.32e-1 } } },
  'dpt-hybrid-depth': { q8: { maxAbs: { predicted_depth: 1.25e-1 } }, q4: { maxAbs: { predicted_depth: 1.51 } } },
  'dit-cls': { q8: { maxAbs: { logits: 2.31e-2 }, agree: [4, 4] }, q4: { maxAbs: { logits: 1.06e-1 }, agree: [4, 4] } },
  'vit-hybrid-cls': { q8: { maxAbs: { logits: 3.71e-2 }, agree: [4, 4] }, q4: { maxAbs: { logits: 6.01e-1 }, agree: [4, 4] } },
  'vit-hybrid-feature': {
    q8: { maxAbs: { last_hidden_state: 3.94e-2, pooler_output: 3.51e-2 } },
    q4: { maxAbs: { last_hidden_state: 4.85e-1, pooler_output: 3.11e-1 } },
  },
};

/** BiT without its classifier: convolutions only, nothing a quantized dtype changes. */
const WITHOUT_LINEARS = ['bit-backbone', 'bit-feature'];

const BACKENDS: { runtime: InferenceSession.Runtime; device: InferenceSession.Device }[] = [
  { runtime: 'onnxruntime-node', device: 'cpu' },
  { runtime: 'onnxruntime-web', device: 'wasm' },
];
const DTYPES: readonly QuantizedDtype[] = ['q8', 'q4'];

const buildable = fixtureModels.filter((model) =>
  familyOf(readGolden(model).model_type)?.modelClasses.every((modelClass) => modelClass.buildGraph),
);

const camelCase = (name: string) => name.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());

/** The output field a graph output name lands in (`logits`, `last_hidden_state`, `feature_maps.1`). */
function outputField(result: Record<string, unknown>, graphName: string): Tensor {
  const [name, index] = graphName.split('.');
  const field = result[camelCase(name!)];
  return (index === undefined ? field : (field as Tensor[])[Number(index)]) as Tensor;
}

/** How many argmaxes over `classAxis` agree between the two tensors of `shape`. */
function agreeingArgmaxes(actual: Float32Array, expected: Float32Array, shape: readonly number[], classAxis: number): [number, number] {
  const classes = shape[classAxis]!;
  const inner = shape.slice(classAxis + 1).reduce((a, b) => a * b, 1);
  const outer = shape.slice(0, classAxis).reduce((a, b) => a * b, 1);
  const argmax = (values: Float32Array, o: number, i: number) => {
    let best = 0;
    for (let c = 1; c < classes; c++) if (values[(o * classes + c) * inner + i]! > values[(o * classes + best) * inner + i]!) best = c;
    return best;
  };
  let agree = 0;
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) if (argmax(actual, o, i) === argmax(expected, o, i)) agree++;
  return [agree, outer * inner];
}

const measured: Record<string, Record<string, string>> = {};
afterAll(() => {
  console.log(
    'Quantized graphs built from weights against the fp32 goldens: max |actual - expected| (÷ max |expected|), predictions kept:',
  );
  console.table(measured);
});

it('has bounds for every fixture model with a Linear layer, and refuses the others', () => {
  expect([...Object.keys(BOUNDS), ...WITHOUT_LINEARS].sort()).toEqual(expect.arrayContaining(buildable));
  expect(buildable).toEqual(expect.arrayContaining([...Object.keys(BOUNDS), ...WITHOUT_LINEARS]));
});

describe.each(BACKENDS)('quantized graphs built from weights on $runtime ($device)', ({ runtime, device }) => {
  describe.each(DTYPES)('%s', (dtype) => {
    it.each(Object.keys(BOUNDS))('%s stays within the measured cost', async (model) => {
      const golden = readGolden(model);
      const bound = BOUNDS[model]![dtype];
      const loaded = await autoClassFor(golden.architecture).fromPretrained(fixtureRepo(model), {
        device,
        dtype,
        source: 'weights',
        numThreads: 1,
      });
      const maxAbs: Record<string, number> = {};
      const largest: Record<string, number> = {};
      let [agree, total] = [0, 0];
      try {
        expect(loaded.session.backend).toMatchObject({ runtime, device });
        for (const goldenCase of golden.cases) {
          const inputs = Object.fromEntries(
            Object.entries(goldenCase.inputs).map(([name, desc]) => [camelCase(name), goldenTensor(model, desc)]),
          );
          const result = await loaded.forward(inputs);
          for (const [name, desc] of Object.entries<BinDescriptor>(goldenCase.outputs)) {
            const actual = outputField(result, name).data as Float32Array;
            const expected = readBin(desc, 'models', model, 'golden') as Float32Array;
            for (let i = 0; i < expected.length; i++) {
              maxAbs[name] = Math.max(maxAbs[name] ?? 0, Math.abs(actual[i]! - expected[i]!));
              largest[name] = Math.max(largest[name] ?? 0, Math.abs(expected[i]!));
            }
            if (name === 'logits') {
              // Classes are axis 1 of a segmentation map, else the last axis (per image, or per patch of masked image modeling).
              const classAxis = golden.architecture.endsWith('ForSemanticSegmentation') ? 1 : desc.shape.length - 1;
              const [a, t] = agreeingArgmaxes(actual, expected, desc.shape, classAxis);
              agree += a;
              total += t;
            }
          }
        }
      } finally {
        await loaded.dispose();
      }
      const row = (measured[`${model} ${dtype}`] ??= {});
      for (const name of Object.keys(maxAbs))
        row[`${runtime} ${name}`] = `${maxAbs[name]!.toExponential(3)} (${(maxAbs[name]! / largest[name]!).toExponential(1)})`;
      if (total > 0) row[`${runtime} kept`] = `${agree}/${total}`;
      expect(Object.keys(maxAbs).sort()).toEqual(Object.keys(bound.maxAbs).sort());
      for (const [name, limit] of Object.entries(bound.maxAbs))
        expect(maxAbs[name], `${model} ${dtype} ${name}`).toBeLessThanOrEqual(limit);
      if (bound.agree) expect([agree, total], `${model} ${dtype} predictions kept`).toEqual(bound.agree);
    });
  });
});

describe.each(DTYPES)('%s of a graph without Linear layers', (dtype) => {
  it.each(WITHOUT_LINEARS)('%s is refused, naming the dtype, the model and what to use; the next load works', async (model) => {
    const load = (options: { dtype: InferenceSession.ModelDtype }) =>
      autoClassFor(readGolden(model).architecture).fromPretrained(fixtureRepo(model), { ...options, device: 'cpu', source: 'weights' });
    const refusal = load({ dtype }).then(
      () => undefined,
      (error: unknown) => error,
    );
    const error = (await refusal) as RetinaError;
    expect(error).toBeInstanceOf(RetinaError);
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(new RegExp(`dtype "${dtype}" quantizes Linear layers, and Bit(Model|Backbone) .*${model}.* has none`));
    expect(error.message).toContain('Load it with dtype "fp32" or "fp16"');
    const loaded = await load({ dtype: 'fp32' });
    await loaded.dispose();
  });
});
