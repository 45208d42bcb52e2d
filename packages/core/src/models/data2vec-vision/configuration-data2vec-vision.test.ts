import { describe, expect, it } from 'vitest';
import { readJson } from '../../testing/fixtures.js';
import { AutoConfig } from '../auto/configuration-auto.js';
import { Data2VecVisionConfig } from './configuration-data2vec-vision.js';

describe('Data2VecVisionConfig', () => {
  it('has Transformers defaults, and no vocabulary or backbone fields', () => {
    const config = new Data2VecVisionConfig();
    expect(config).toMatchObject({
      modelType: 'data2vec-vision',
      hiddenSize: 768,
      numHiddenLayers: 12,
      numAttentionHeads: 12,
      intermediateSize: 3072,
      hiddenAct: 'gelu',
      layerNormEps: 1e-12,
      imageSize: 224,
      patchSize: 16,
      numChannels: 3,
      useMaskToken: false,
      useAbsolutePositionEmbeddings: false,
      useRelativePositionBias: false,
      useSharedRelativePositionBias: false,
      layerScaleInitValue: 0.1,
      useMeanPooling: true,
      outIndices: [3, 5, 7, 11],
      poolScales: [1, 2, 3, 6],
      useAuxiliaryHead: true,
      auxiliaryChannels: 256,
      auxiliaryNumConvs: 1,
      auxiliaryConcatInput: false,
      semanticLossIgnoreIndex: 255,
    });
    expect(config).not.toHaveProperty('vocabSize');
    expect(config).not.toHaveProperty('outFeatures');
  });

  it('reads the fixtures, keeping out_indices that only the segmentation head checks', () => {
    // data2vec-vision-cls has 2 layers and the default out_indices [3, 5, 7, 11], as the reference writes it.
    const cls = AutoConfig.fromJson(readJson('models', 'data2vec-vision-cls', 'config.json'));
    expect(cls).toBeInstanceOf(Data2VecVisionConfig);
    expect(cls).toMatchObject({ numHiddenLayers: 2, outIndices: [3, 5, 7, 11], useRelativePositionBias: true, numLabels: 3 });
    const seg = new Data2VecVisionConfig(readJson('models', 'data2vec-vision-seg', 'config.json'));
    expect(seg).toMatchObject({ imageSize: 48, patchSize: 8, numHiddenLayers: 4, outIndices: [1, 2, 3, 4], auxiliaryChannels: 12 });
    expect(seg.numLabels).toBe(4);
  });

  it('refuses another model_type', () => {
    expect(() => new Data2VecVisionConfig({ model_type: 'beit' })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG', message: expect.stringMatching(/"data2vec-vision"/) }),
    );
  });
});
