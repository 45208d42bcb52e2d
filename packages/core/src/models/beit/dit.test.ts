// DiT (document image transformer) checkpoints are BEiT checkpoints (model_type "beit") configured like
// microsoft/dit-base-finetuned-rvlcdip; the goldens check the numbers, this checks that each option DiT sets
// reaches the processor and the graph.
import { beforeAll, describe, expect, it } from 'vitest';
import { readBytes } from '../../testing/fixtures.js';
import { buildGraphFor } from '../../testing/build-graph.js';
import { compareToGolden, fixtureRepo, goldenTensor, readGolden } from '../../testing/model-fixtures.js';
import { readGraphNodes } from '../../testing/onnx-graph-nodes.js';
import { readCheckpoint } from '../../weights/index.js';
import { AutoConfig } from '../auto/configuration-auto.js';
import { AutoImageProcessor } from '../auto/image-processing-auto.js';
import { BeitConfig } from './configuration-beit.js';
import { BeitImageProcessor } from './image-processing-beit.js';

const MODEL = 'dit-cls';
let config: BeitConfig;

beforeAll(async () => {
  config = AutoConfig.fromJson(await fixtureRepo(MODEL).json('config.json')) as BeitConfig;
});

describe('DiT checkpoints', () => {
  it('read as BeitConfig with absolute positions, no relative bias, mean pooling, layer scale and no mask token', () => {
    expect(config).toBeInstanceOf(BeitConfig);
    expect(config).toMatchObject({
      useAbsolutePositionEmbeddings: true,
      useRelativePositionBias: false,
      useSharedRelativePositionBias: false,
      useMeanPooling: true,
      layerScaleInitValue: 0.1,
      useMaskToken: false,
    });
  });

  it('preprocess without a center crop, bilinear, exactly as the reference pipeline case', async () => {
    const processor = await AutoImageProcessor.fromPretrained(fixtureRepo(MODEL));
    expect(processor).toBeInstanceOf(BeitImageProcessor);
    expect(processor.settings).toMatchObject({ doCenterCrop: false, size: { height: 32, width: 32 } });
    const pipelineCase = readGolden(MODEL).cases.find((c) => c.name === 'pipeline')!;
    const expected = goldenTensor(MODEL, pipelineCase.inputs.pixel_values!);
    const { pixelValues } = await processor.preprocess(['chelsea', 'coffee'].map((id) => readBytes('images', `${id}.png`)));
    expect(pixelValues.dims).toEqual(expected.dims);
    const { maxAbsDiff } = compareToGolden(pixelValues.data, expected.data as Float32Array, { atol: 0, rtol: 0 });
    expect(maxAbsDiff).toBe(0);
  });

  it('build a graph without relative biases or a mask token, reading the position embeddings and layer scale', async () => {
    const checkpoint = await readCheckpoint(fixtureRepo(MODEL));
    const { initializers } = readGraphNodes(buildGraphFor(config, checkpoint, { dtype: 'fp32' }).graph);
    expect([...initializers].filter((name) => /relative_position|mask_token/.test(name))).toEqual([]);
    for (const [name, option] of [
      ['beit.embeddings.position_embeddings', 'use_absolute_position_embeddings'],
      ['beit.encoder.layer.1.lambda_2', 'layer_scale_init_value'],
      // use_mean_pooling: the classifier reads the normalised mean of the patch tokens.
      ['beit.pooler.layernorm.weight', ''],
    ] as const) {
      const without = { ...checkpoint, tensors: new Map([...checkpoint.tensors].filter(([key]) => key !== name)) };
      expect(() => buildGraphFor(config, without, { dtype: 'fp32' })).toThrow(new RegExp(`"${name.replaceAll('.', '\\.')}".*${option}`));
    }
  });
});
