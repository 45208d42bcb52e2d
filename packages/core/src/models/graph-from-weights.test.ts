// Graphs built from weights: what they contain (no weight-only work left to the session, weights handed
// over uncopied) and how bad checkpoints and configs are refused, each followed by a load that works.
import { describe, expect, it } from 'vitest';
import { RetinaError } from '../errors.js';
import type { ModelRepo } from '../hub/model-repo.js';
import { readBytes, readJson } from '../testing/fixtures.js';
import { autoClassFor, expectGoldenCases } from '../testing/golden-cases.js';
import { fixtureRepo, readGolden, repoWithFiles } from '../testing/model-fixtures.js';
import { constantNodes, readGraphNodes } from '../testing/onnx-graph-nodes.js';
import { packSafetensors, rawSafetensorsHeader } from '../testing/safetensors-file.js';
import { readCheckpoint } from '../weights/read-checkpoint.js';
import { AutoConfig } from './auto/configuration-auto.js';
import { AutoModel, AutoModelForImageClassification } from './auto/modeling-auto.js';
import { bitOutputSize } from './bit/bit-encoder-graph.js';
import { BitConfig } from './bit/configuration-bit.js';
import { buildBitGraph } from './bit/graph-bit.js';
import { buildViTHybridGraph } from './vit-hybrid/graph-vit-hybrid.js';

const BUILT = [
  ['bit-preact-cls', buildBitGraph],
  ['bit-bottleneck-same-cls', buildBitGraph],
  ['bit-feature', buildBitGraph],
  ['bit-backbone', buildBitGraph],
  ['vit-hybrid-cls', buildViTHybridGraph],
  ['vit-hybrid-feature', buildViTHybridGraph],
] as const;

describe('graphs built from weights', () => {
  it.each(BUILT)(
    '%s leaves no weight-only work to the session and hands the checkpoint over, precomputed in place',
    async (model, build) => {
      const checkpoint = await readCheckpoint(fixtureRepo(model));
      const config = AutoConfig.fromJson(readJson('models', model, 'config.json'));
      const built = (build as typeof buildBitGraph)(config as never, AutoModel.modelClassFor(config), checkpoint, { dtype: 'fp32' });
      const opTypes = new Set(readGraphNodes(built.graph).nodes.map((node) => node.opType));
      expect(opTypes).not.toContain('BatchNormalization');
      expect(opTypes).not.toContain('GroupNormalization');
      // No Transpose of a weight, nor any other node whose inputs are all constants.
      expect(constantNodes(built.graph)).toEqual([]);
      // Precomputed weights are written over the checkpoint's float32 bytes: it is the only external buffer.
      expect(built.externalData.map((file) => file.path)).toEqual(['model.safetensors']);
      expect(built.externalData[0]!.data).toBe(checkpoint.files[0]!.bytes);
    },
  );
});

describe('bitOutputSize', () => {
  it.each(['bit-backbone', 'bit-bottleneck-same-cls', 'bit-feature', 'bit-preact-cls'])(
    'gives the height and width of %s outputs in every case',
    (model) => {
      const config = new BitConfig(readJson('models', model, 'config.json'));
      for (const { inputs, outputs } of readGolden(model).cases) {
        const [, , height, width] = inputs.pixel_values!.shape;
        for (const [name, { shape }] of Object.entries(outputs)) {
          if (shape.length !== 4 || name === 'pooler_output') continue;
          const stage = name === 'last_hidden_state' ? config.depths.length : config.outIndices[Number(name.split('.')[1])]!;
          expect([bitOutputSize(config, height!, stage), bitOutputSize(config, width!, stage)], `${model} ${name}`).toEqual(shape.slice(2));
        }
      }
    },
  );
});

/** bit-preact-cls's tensors, to rewrite into a bad checkpoint. */
function preactTensors() {
  const bytes = readBytes('models', 'bit-preact-cls', 'model.safetensors');
  const { header, dataStart } = rawSafetensorsHeader(bytes);
  return Object.entries(header).map(([name, entry]) => ({
    name,
    dtype: entry.dtype,
    shape: entry.shape,
    bytes: bytes.subarray(dataStart + entry.data_offsets[0], dataStart + entry.data_offsets[1]),
  }));
}

/** Loads bit-preact-cls from weights with some files replaced (source "weights", so the fixture's ONNX file is ignored). */
const loadPreact = (files: Record<string, unknown>) =>
  autoClassFor('BitForImageClassification').fromPretrained(repoWithFiles(fixtureRepo('bit-preact-cls'), files), {
    device: 'cpu',
    source: 'weights',
  });

async function expectNextLoadWorks(): Promise<void> {
  const model = await autoClassFor('BitForImageClassification').fromPretrained(fixtureRepo('bit-preact-cls'), {
    device: 'cpu',
    source: 'weights',
  });
  try {
    await expectGoldenCases(model, 'bit-preact-cls', readGolden('bit-preact-cls'));
  } finally {
    await model.dispose();
  }
}

const preactConfig = () => readJson<Record<string, unknown>>('models', 'bit-preact-cls', 'config.json');

describe('bad checkpoints and configs', () => {
  it('names a missing tensor and the config field that implies it', async () => {
    const tensors = preactTensors().filter(({ name }) => name !== 'bit.encoder.stages.1.layers.0.conv2.weight');
    await expect(loadPreact({ 'model.safetensors': packSafetensors(tensors) })).rejects.toThrow(
      expect.objectContaining({
        code: 'MODEL_LOAD_FAILED',
        message: expect.stringMatching(/"bit\.encoder\.stages\.1\.layers\.0\.conv2\.weight".*hidden_sizes\[1\]/),
      }),
    );
    await expectNextLoadWorks();
  });

  it('names both shapes of a tensor of the wrong shape', async () => {
    const tensors = preactTensors().map((tensor) =>
      tensor.name === 'classifier.1.weight' ? { ...tensor, shape: [4, 32], bytes: tensor.bytes.subarray(0, 4 * 32 * 4) } : tensor,
    );
    await expect(loadPreact({ 'model.safetensors': packSafetensors(tensors) })).rejects.toThrow(
      expect.objectContaining({
        code: 'MODEL_LOAD_FAILED',
        message: expect.stringMatching(/"classifier\.1\.weight" has shape \[4, 32\].*num_labels implies \[5, 32\]/),
      }),
    );
    await expectNextLoadWorks();
  });

  it.each([
    [{ hidden_act: 'mish' }, /hidden_act "mish" is not supported/],
    [{ num_groups: 3 }, /num_groups 3 is not supported.*divide/],
    [{ depths: [1, 1, 0, 1] }, /depths \[1,1,0,1\] is not supported/],
  ])('refuses the unsupported option %j, naming it', async (change, message) => {
    await expect(loadPreact({ 'config.json': { ...preactConfig(), ...change } })).rejects.toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG', message: expect.stringMatching(message) }),
    );
    await expectNextLoadWorks();
  });

  it('refuses a ViT-Hybrid backbone_featmap_shape that image_size does not give', async () => {
    const config = { ...readJson<Record<string, unknown>>('models', 'vit-hybrid-cls', 'config.json'), image_size: 32 };
    const repo = repoWithFiles(fixtureRepo('vit-hybrid-cls'), { 'config.json': config });
    await expect(
      autoClassFor('ViTHybridForImageClassification').fromPretrained(repo, { device: 'cpu', source: 'weights' }),
    ).rejects.toThrow(
      expect.objectContaining({
        code: 'INVALID_CONFIG',
        message: expect.stringMatching(/backbone_featmap_shape \[1,64,4,4\].*2x2 feature maps of image_size 32/),
      }),
    );
  });

  it('refuses a checkpoint of another model_type', async () => {
    const beitWeights = readBytes('models', 'beit-cls', 'model.safetensors');
    await expect(loadPreact({ 'model.safetensors': beitWeights })).rejects.toThrow(
      expect.objectContaining({ code: 'MODEL_LOAD_FAILED', message: expect.stringMatching(/is not a "bit" checkpoint.*start with beit/) }),
    );
    await expectNextLoadWorks();
  });

  it('says what is missing when the repo has neither an ONNX file nor weights', async () => {
    const repo = fixtureRepo('bit-preact-cls');
    const configsOnly: ModelRepo = {
      location: repo.location,
      json: (file, options) => repo.json(file, options),
      bytes: (file) => Promise.reject(new RetinaError('FILE_NOT_FOUND', `${file} is not here.`)),
    };
    await expect(AutoModelForImageClassification.fromPretrained(configsOnly, { device: 'cpu' })).rejects.toThrow(
      expect.objectContaining({
        code: 'FILE_NOT_FOUND',
        message: expect.stringMatching(/has no onnx\/model\.onnx, nor weights.*model\.safetensors/),
      }),
    );
  });
});

describe('config and graph that do not belong together', () => {
  const sameLabels = { '0': 'sunflower', '1': 'lighthouse', '2': 'red fox' };

  it('refuses a BEiT or ViT-Hybrid config on an exported BiT graph of the same label count', async () => {
    const bitGraph = { 'onnx/model.onnx': readBytes('models', 'bit-bottleneck-same-cls', 'onnx', 'model.onnx') };
    const beitConfig = { ...readJson('models', 'beit-cls', 'config.json'), id2label: sameLabels, label2id: undefined };
    for (const [model, config] of [
      ['beit-cls', beitConfig],
      ['vit-hybrid-cls', readJson('models', 'vit-hybrid-cls', 'config.json')],
    ] as const) {
      const repo = repoWithFiles(fixtureRepo(model), { ...bitGraph, 'config.json': config });
      await expect(AutoModelForImageClassification.fromPretrained(repo, { device: 'cpu', source: 'onnx' })).rejects.toThrow(
        expect.objectContaining({ code: 'INVALID_CONFIG', message: expect.stringMatching(/fixed input size.*do not belong together/) }),
      );
    }
  });

  it('refuses a graph Retina built for another model type, from its metadata', async () => {
    const checkpoint = await readCheckpoint(fixtureRepo('bit-bottleneck-same-cls'));
    const config = AutoConfig.fromJson(readJson('models', 'bit-bottleneck-same-cls', 'config.json'));
    const built = buildBitGraph(config as never, AutoModel.modelClassFor(config), checkpoint, {
      dtype: 'fp32',
      externalDataFile: 'model.onnx.data',
    });
    const files = { 'onnx/model.onnx': built.graph, 'onnx/model.onnx.data': built.externalData[0]!.data };
    const vitHybrid = repoWithFiles(fixtureRepo('vit-hybrid-cls'), files);
    await expect(AutoModelForImageClassification.fromPretrained(vitHybrid, { device: 'cpu', source: 'onnx' })).rejects.toThrow(
      expect.objectContaining({
        code: 'MODEL_LOAD_FAILED',
        message: expect.stringMatching(/built by Retina for a BitForImageClassification \(model_type "bit"\).*"vit-hybrid"/),
      }),
    );
    // The same files with their own config.json load and match the goldens.
    const bit = await autoClassFor('BitForImageClassification').fromPretrained(
      repoWithFiles(fixtureRepo('bit-bottleneck-same-cls'), files),
      { device: 'cpu', source: 'onnx' },
    );
    try {
      await expectGoldenCases(bit, 'bit-bottleneck-same-cls', readGolden('bit-bottleneck-same-cls'));
    } finally {
      await bit.dispose();
    }
  });
});
