// What the DPT config and graph builder refuse, by name, and what the built graphs leave to the session.
import { beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../config/config-reader.js';
import { constantNodes, readGraphNodes } from '../../testing/onnx-graph-nodes.js';
import { readJson } from '../../testing/fixtures.js';
import { fixtureRepo } from '../../testing/model-fixtures.js';
import { readCheckpoint, type Checkpoint } from '../../weights/index.js';
import { DPTConfig } from './configuration-dpt.js';
import { buildDPTGraph } from './graph-dpt.js';

const MODELS = ['dpt-hybrid-depth', 'dpt-beit-depth'] as const;
const configs: Record<string, JsonObject> = Object.fromEntries(MODELS.map((model) => [model, readJson('models', model, 'config.json')]));
const checkpoints: Record<string, Checkpoint> = {};

beforeAll(async () => {
  for (const model of MODELS) checkpoints[model] = await readCheckpoint(fixtureRepo(model));
});

const config = (model: string, changes: JsonObject = {}) => new DPTConfig({ ...configs[model], ...changes });
const beitChanges = (changes: JsonObject) => ({
  backbone_config: { ...(configs['dpt-beit-depth']!.backbone_config as JsonObject), ...changes },
});

const DEPTH = { architecture: 'DPTForDepthEstimation', task: 'depth-estimation' };

function build(model: string, changes: JsonObject = {}, head = DEPTH, checkpoint = checkpoints[model]!) {
  return buildDPTGraph(config(model, changes), head, checkpoint, { dtype: 'fp32' });
}

const invalidConfig = (message: RegExp) => expect.objectContaining({ code: 'INVALID_CONFIG', message: expect.stringMatching(message) });

describe('built DPT graphs', () => {
  it.each(MODELS)('%s leaves no weight-only work to the session', (model) => {
    const { graph } = build(model);
    expect(constantNodes(graph)).toEqual([]);
    const ops = new Set(readGraphNodes(graph).nodes.map((node) => node.opType));
    expect(ops).toContain('MultiHeadAttention');
    expect(ops).toContain('Resize');
    // Only BEiT's reassemble factors (4, 2) upsample with a transposed convolution.
    expect(ops.has('ConvTranspose')).toBe(model === 'dpt-beit-depth');
    expect(ops).not.toContain('BatchNormalization');
  });
});

describe('DPTConfig', () => {
  it("takes the input size from a BEiT backbone, whose DPT fields the file leaves null, and Transformers' BiT default", () => {
    const beit = config('dpt-beit-depth');
    expect([beit.vit, beit.imageSize, beit.numChannels, beit.backboneConfig?.modelType]).toEqual([undefined, 48, 3, 'beit']);
    const hybrid = config('dpt-hybrid-depth', { backbone_config: null });
    expect(hybrid.backboneConfig?.modelType).toBe('bit');
    expect(hybrid.backboneConfig).toMatchObject({
      depths: [3, 4, 9],
      outFeatures: ['stage1', 'stage2', 'stage3'],
      layerType: 'bottleneck',
    });
    expect(hybrid.useBiasInFusionResidual).toBe(true);
  });
});

describe('refused configs name the option', () => {
  it.each([
    [{ readout_type: 'add' }, /"readout_type" must be "project" when is_hybrid/],
    [{ readout_type: 'mean' }, /"readout_type" must be one of "ignore", "add", "project"/],
    [{ backbone_config: { model_type: 'beit' } }, /"backbone_config" must be a BiT config.*"beit"/],
  ])('config.json %j', (changes, message) => {
    expect(() => config('dpt-hybrid-depth', changes)).toThrow(invalidConfig(message));
  });

  it('refuses a backbone of a model type Retina does not run DPT on', () => {
    expect(() => config('dpt-beit-depth', beitChanges({ model_type: 'swinv2' }))).toThrow(
      invalidConfig(/model_type "swinv2" is not supported for DPT/),
    );
  });

  it.each([
    [{ neck_ignore_stages: [0] }, /neck_ignore_stages \[0\].*must be \[0, 1\]/],
    [{ backbone_out_indices: [0, 1, 1, 2, 3] }, /backbone_out_indices \[0,1,1,2,3\].*5 inputs but neck_hidden_sizes has 4/],
    [{ backbone_featmap_shape: [1, 32, 6, 6] }, /backbone_featmap_shape \[1,32,6,6\].*stage3 \(24\)/],
    [{ patch_size: 8 }, /patch_size 8.*6x6 maps/],
    // Stride int(1 / 0.3) = 3 makes the last map 2x2, not 3x3: the fusion stage cannot add it to the 6x6 one.
    [{ reassemble_factors: [1, 1, 1, 0.3] }, /reassemble_factors \[1,1,1,0\.3\].*adds a 6x6 map to the 4x4 one.*twice the size/],
    [{ reassemble_factors: [1, 1, 1.5, 0.5] }, /reassemble_factors.*whole number/],
    [{ reassemble_factors: [1, 1, 1] }, /reassemble_factors \[1,1,1\].*one factor per entry/],
    [{ use_batch_norm_in_fusion_residual: true }, /use_batch_norm_in_fusion_residual true/],
    [{ head_in_index: 4 }, /head_in_index 4.*4 fused maps/],
    [{ add_projection: true }, /add_projection true.*fusion_hidden_size 256, not 16/],
    [{ output_hidden_states: true }, /output_hidden_states true/],
    [{ hidden_act: 'mish' }, /hidden_act "mish"/],
    [{ is_hybrid: false, backbone_config: null }, /backbone_config null.*plain ViT/],
  ])('dpt-hybrid-depth with %j', (changes, message) => {
    expect(() => build('dpt-hybrid-depth', changes)).toThrow(invalidConfig(message));
  });

  it.each([
    [{ reshape_hidden_states: true }, /backbone_config\.reshape_hidden_states true/],
    [{ add_fpn: true }, /backbone_config\.add_fpn true/],
    [{ out_features: ['stage2', 'stage3', 'stage4'], out_indices: [2, 3, 4] }, /backbone_config\.out_indices \[2,3,4\].*3 inputs/],
  ])('dpt-beit-depth with backbone_config %j', (changes, message) => {
    expect(() => build('dpt-beit-depth', beitChanges(changes))).toThrow(invalidConfig(message));
  });

  it('refuses DPTModel on a BEiT backbone and heads of tasks it does not build', () => {
    const bare = { architecture: 'DPTModel', task: 'image-feature-extraction' };
    expect(() => build('dpt-beit-depth', {}, bare)).toThrow(invalidConfig(/DPTModel is DPT's own ViT encoder/));
    expect(() => build('dpt-hybrid-depth', {}, { architecture: 'DPTForSemanticSegmentation', task: 'image-segmentation' })).toThrow(
      expect.objectContaining({
        code: 'UNSUPPORTED_MODEL',
        message: expect.stringMatching(/DPT graphs for the tasks image-feature-extraction, depth-estimation; DPTForSemanticSegmentation/),
      }),
    );
  });

  it("refuses another model's checkpoint, naming what it holds", () => {
    expect(() => build('dpt-hybrid-depth', {}, DEPTH, checkpoints['dpt-beit-depth'])).toThrow(
      expect.objectContaining({
        code: 'MODEL_LOAD_FAILED',
        message: expect.stringMatching(/not a "dpt" checkpoint.*backbone, head, neck/),
      }),
    );
  });

  it('builds both fixtures again after the refusals', () => {
    for (const model of MODELS) expect(build(model).graph.length).toBeGreaterThan(0);
  });
});
