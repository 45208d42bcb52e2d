import { describe, expect, it } from 'vitest';
import { RetinaError } from '../errors.js';
import { readJson } from '../testing/fixtures.js';
import { fixtureModels } from '../testing/model-fixtures.js';
import { AutoConfig, SUPPORTED_MODEL_TYPES } from './auto/configuration-auto.js';
import { BeitConfig } from './beit/configuration-beit.js';
import { BitConfig } from './bit/configuration-bit.js';
import { ViTHybridConfig } from './vit-hybrid/configuration-vit-hybrid.js';

const fixtureConfig = (model: string) => readJson('models', model, 'config.json');

function invalidConfig(parse: () => unknown): RetinaError {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(RetinaError);
    expect((error as RetinaError).code).toBe('INVALID_CONFIG');
    return error as RetinaError;
  }
  throw new Error('expected INVALID_CONFIG');
}

describe('BitConfig', () => {
  it('has Transformers defaults', () => {
    const config = new BitConfig();
    expect(config).toMatchObject({
      modelType: 'bit',
      numChannels: 3,
      embeddingSize: 64,
      hiddenSizes: [256, 512, 1024, 2048],
      depths: [3, 4, 6, 3],
      layerType: 'preactivation',
      hiddenAct: 'relu',
      globalPadding: undefined,
      numGroups: 32,
      dropPathRate: 0,
      embeddingDynamicPadding: false,
      outputStride: 32,
      widthFactor: 1,
      stageNames: ['stem', 'stage1', 'stage2', 'stage3', 'stage4'],
      outFeatures: ['stage4'],
      outIndices: [4],
      numLabels: 2,
      id2label: { 0: 'LABEL_0', 1: 'LABEL_1' },
      label2id: { LABEL_0: 0, LABEL_1: 1 },
      architectures: [],
    });
  });

  it('reads a fixture config.json, with numeric label ids', () => {
    const config = new BitConfig(fixtureConfig('bit-preact-cls'));
    expect(config.numLabels).toBe(5);
    expect(config.id2label[0]).toBe('tabby cat');
    expect(Object.keys(config.id2label)).toEqual(['0', '1', '2', '3', '4']);
    expect(config.label2id['grand piano']).toBe(4);
    expect(config.architectures).toEqual(['BitForImageClassification']);
    expect(config.depths).toEqual([1, 1, 2, 1]);
    expect(config.transformersVersion).toBe('4.37.0.dev0');
  });

  it('upper-cases global_padding and rejects unknown paddings', () => {
    expect(new BitConfig({ global_padding: 'same' }).globalPadding).toBe('SAME');
    const error = invalidConfig(() => new BitConfig({ global_padding: 'full' }));
    expect(error.message).toMatch(/"global_padding" must be one of "SAME", "VALID"; got string "full"/);
  });

  it('aligns out_features and out_indices like Transformers', () => {
    expect(new BitConfig({ out_indices: [1, -1] })).toMatchObject({ outFeatures: ['stage1', 'stage4'], outIndices: [1, -1] });
    expect(new BitConfig({ out_features: ['stage2', 'stage3'] }).outIndices).toEqual([2, 3]);
    expect(new BitConfig(fixtureConfig('bit-backbone')).outFeatures).toEqual(['stage1', 'stage2', 'stage3']);
    expect(invalidConfig(() => new BitConfig({ out_features: ['stage9'] })).message).toMatch(/"out_features" must be a subset/);
    expect(invalidConfig(() => new BitConfig({ out_indices: [7] })).message).toMatch(/"out_indices" must be indices/);
    expect(invalidConfig(() => new BitConfig({ out_features: ['stage1'], out_indices: [2] })).message).toMatch(/"out_indices"/);
  });

  it('derives num_labels from id2label, else from num_labels', () => {
    expect(new BitConfig({ num_labels: 3 }).id2label).toEqual({ 0: 'LABEL_0', 1: 'LABEL_1', 2: 'LABEL_2' });
    const labelled = new BitConfig({ num_labels: 7, id2label: { '0': 'cat', '1': 'dog' } });
    expect(labelled.numLabels).toBe(2);
    expect(labelled.label2id).toEqual({ cat: 0, dog: 1 });
  });

  it.each([
    [{ embedding_size: '64' }, /config\.json: "embedding_size" must be a positive integer; got string "64"/],
    [{ hidden_sizes: [8, 1.5] }, /"hidden_sizes" must be a list of integers; got array \[8,1\.5\]/],
    [{ layer_type: 'basic' }, /"layer_type" must be one of "preactivation", "bottleneck"/],
    [{ embedding_dynamic_padding: 1 }, /"embedding_dynamic_padding" must be true or false; got number 1/],
    [{ id2label: { cat: 'cat' } }, /"id2label" must be an object from integer ids/],
    [{ id2label: ['cat'] }, /"id2label" must be an object or null; got array/],
    [{ label2id: { cat: '0' } }, /"label2id" must be an object from label strings to integer ids/],
    [{ model_type: 'beit' }, /"model_type" must be "bit"/],
  ])('names the key and expected type: %j', (json, message) => {
    expect(invalidConfig(() => new BitConfig(json)).message).toMatch(message);
  });

  it('keeps unknown keys without complaint', () => {
    const config = new BitConfig({ some_future_option: [1, 2], torch_dtype: 'float32' });
    expect(config.json.some_future_option).toEqual([1, 2]);
  });

  it('rejects a config that is not an object', () => {
    expect(invalidConfig(() => new BitConfig([1])).message).toMatch(/config\.json must be a JSON object/);
  });
});

describe('BeitConfig', () => {
  it('has Transformers defaults', () => {
    expect(new BeitConfig()).toMatchObject({
      vocabSize: 8192,
      hiddenSize: 768,
      numHiddenLayers: 12,
      numAttentionHeads: 12,
      intermediateSize: 3072,
      hiddenAct: 'gelu',
      hiddenDropoutProb: 0,
      attentionProbsDropoutProb: 0,
      initializerRange: 0.02,
      layerNormEps: 1e-12,
      imageSize: 224,
      patchSize: 16,
      numChannels: 3,
      useMaskToken: false,
      useAbsolutePositionEmbeddings: false,
      useRelativePositionBias: false,
      useSharedRelativePositionBias: false,
      layerScaleInitValue: 0.1,
      dropPathRate: 0.1,
      useMeanPooling: true,
      outIndices: [3, 5, 7, 11],
      outFeatures: ['stage3', 'stage5', 'stage7', 'stage11'],
      poolScales: [1, 2, 3, 6],
      useAuxiliaryHead: true,
      auxiliaryLossWeight: 0.4,
      auxiliaryChannels: 256,
      auxiliaryNumConvs: 1,
      auxiliaryConcatInput: false,
      semanticLossIgnoreIndex: 255,
    });
  });

  it('reads the segmentation fixture', () => {
    const config = new BeitConfig(fixtureConfig('beit-seg'));
    expect(config).toMatchObject({ imageSize: 48, patchSize: 8, numLabels: 6, outIndices: [1, 2, 3, 4], auxiliaryChannels: 12 });
    expect(config.id2label[5]).toBe('car');
  });

  it('rejects default out_indices that a shallow model does not have', () => {
    expect(invalidConfig(() => new BeitConfig({ num_hidden_layers: 2 })).message).toMatch(
      /"out_indices" must be indices into the stage names \[stem, stage1, stage2\]/,
    );
  });
});

describe('ViTHybridConfig', () => {
  it('defaults to the BiT backbone of google/vit-hybrid-base-bit-384', () => {
    const config = new ViTHybridConfig();
    expect(config).toMatchObject({ modelType: 'vit-hybrid', hiddenSize: 768, imageSize: 224, patchSize: 1, qkvBias: true });
    expect(config.backboneFeatmapShape).toEqual([1, 1024, 24, 24]);
    expect(config.backboneConfig).toBeInstanceOf(BitConfig);
    expect(config.backboneConfig).toMatchObject({
      globalPadding: 'SAME',
      layerType: 'bottleneck',
      depths: [3, 4, 9],
      outFeatures: ['stage3'],
      embeddingDynamicPadding: true,
      hiddenSizes: [256, 512, 1024, 2048],
    });
  });

  it('parses the nested backbone_config with BitConfig', () => {
    const config = new ViTHybridConfig(fixtureConfig('vit-hybrid-cls'));
    expect(config.backboneConfig).toMatchObject({ embeddingSize: 16, hiddenSizes: [16, 32, 64, 128], depths: [1, 1, 1], outIndices: [3] });
    expect(config.numLabels).toBe(3);
    expect(config.label2id['red fox']).toBe(2);
  });

  it('names the nested key in errors', () => {
    const error = invalidConfig(() => new ViTHybridConfig({ backbone_config: { num_groups: 0 } }));
    expect(error.message).toMatch(/^config\.json backbone_config: "num_groups" must be a positive integer; got number 0\.$/);
    expect(invalidConfig(() => new ViTHybridConfig({ backbone_config: { model_type: 'resnet' } })).message).toMatch(
      /backbone_config: "model_type" must be "bit"/,
    );
  });
});

describe('AutoConfig', () => {
  it.each(fixtureModels)('picks the class of %s by model_type', (model) => {
    const json = fixtureConfig(model);
    const config = AutoConfig.fromJson(json);
    expect(config.modelType).toBe(json.model_type);
    expect(config.architectures).toEqual(json.architectures);
  });

  it('rejects an unknown model_type, listing the supported ones', () => {
    expect(SUPPORTED_MODEL_TYPES).toEqual(['bit', 'beit', 'vit-hybrid', 'data2vec-vision', 'dpt']);
    expect(() => AutoConfig.fromJson({ model_type: 'vit_hybrid' })).toThrow(
      expect.objectContaining({
        code: 'UNSUPPORTED_MODEL',
        message: expect.stringMatching(/"vit_hybrid".*bit, beit, vit-hybrid, data2vec-vision, dpt/),
      }),
    );
    expect(() => AutoConfig.fromJson({})).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
  });
});
