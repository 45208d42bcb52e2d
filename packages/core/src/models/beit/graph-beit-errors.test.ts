// What the BEiT graph builder computes and what it refuses: no weight-only work left to the session,
// and a clear error for a missing or misshapen tensor, an unsupported option or another model's weights.
import { beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../config/config-reader.js';
import type { Checkpoint } from '../../weights/index.js';
import { constantNodes, readGraphNodes } from '../../testing/onnx-graph-nodes.js';
import { fixtureRepo } from '../../testing/model-fixtures.js';
import { readCheckpoint } from '../../weights/index.js';
import { BeitConfig } from './configuration-beit.js';
import { buildGraphFor } from '../../testing/build-graph.js';

const MODELS = ['beit-cls', 'beit-cls-abs', 'beit-feature', 'beit-mim', 'beit-seg'] as const;
const configs: Record<string, JsonObject> = {};
const checkpoints: Record<string, Checkpoint> = {};

beforeAll(async () => {
  for (const model of [...MODELS, 'bit-feature']) {
    const repo = fixtureRepo(model);
    configs[model] = await repo.json('config.json');
    checkpoints[model] = await readCheckpoint(repo);
  }
});

function build(model: string, configChanges: JsonObject = {}, checkpoint = checkpoints[model]!) {
  return buildGraphFor(new BeitConfig({ ...configs[model], ...configChanges }), checkpoint, { dtype: 'fp32' });
}

function without(checkpoint: Checkpoint, name: string): Checkpoint {
  return { ...checkpoint, tensors: new Map([...checkpoint.tensors].filter(([key]) => key !== name)) };
}

describe('built BEiT graphs', () => {
  it.each(MODELS)('%s leaves no weight-only work to the session', (model) => {
    const { graph } = build(model);
    expect(constantNodes(graph).map((node) => node.opType)).toEqual([]);
    const ops = new Set(readGraphNodes(graph).nodes.map((node) => node.opType));
    // The fused operators, not their decompositions; no batch norm, no division, no erf.
    expect(ops).toContain('LayerNormalization');
    expect(ops).toContain('Gelu');
    expect(ops).toContain('MultiHeadAttention');
    for (const op of ['BatchNormalization', 'Div', 'Erf', 'Sqrt', 'Pow', 'Softmax']) expect(ops, op).not.toContain(op);
  });

  it('points unchanged weights at the checkpoint bytes instead of copying them', () => {
    const checkpoint = checkpoints['beit-seg']!;
    const { externalData } = build('beit-seg');
    const file = checkpoint.files[0]!;
    expect(externalData.find((data) => data.path === file.name)?.data).toBe(file.bytes);
  });

  it('precomputes one relative position bias per layer, or one shared', () => {
    const biases = (model: string) => readGraphNodes(build(model).graph).initializers;
    expect([...biases('beit-cls')].filter((name) => name.endsWith('relative_position_bias'))).toEqual([
      'encoder.layer.0.relative_position_bias',
      'encoder.layer.1.relative_position_bias',
    ]);
    expect([...biases('beit-mim')].filter((name) => name.endsWith('relative_position_bias'))).toEqual(['encoder.relative_position_bias']);
  });
});

describe('BEiT graph builder errors', () => {
  it('names a missing tensor and the config field that implies it', () => {
    const name = 'beit.encoder.layer.1.attention.attention.relative_position_bias.relative_position_bias_table';
    expect(() => build('beit-cls', {}, without(checkpoints['beit-cls']!, name))).toThrow(
      expect.objectContaining({
        code: 'MODEL_LOAD_FAILED',
        message: expect.stringMatching(/relative_position_bias_table.*use_relative_position_bias/),
      }),
    );
    expect(() => build('beit-cls-abs', {}, without(checkpoints['beit-cls-abs']!, 'beit.embeddings.position_embeddings'))).toThrow(
      /no tensor "beit\.embeddings\.position_embeddings".*use_absolute_position_embeddings/,
    );
    expect(() =>
      build('beit-cls', { layer_scale_init_value: 0.1 }, without(checkpoints['beit-cls']!, 'beit.encoder.layer.0.lambda_2')),
    ).toThrow(/"beit\.encoder\.layer\.0\.lambda_2".*layer_scale_init_value/);
    expect(() => build('beit-mim', {}, without(checkpoints['beit-mim']!, 'layernorm.weight'))).toThrow(/no tensor "layernorm\.weight"/);
  });

  it('names both shapes of a misshapen tensor', () => {
    // 36 / 4 = 9 patches a side: the bias table needs (2·9 − 1)² + 3 = 292 rows.
    expect(() => build('beit-cls', { image_size: 36 })).toThrow(/has shape \[228, 4\].*implies \[292, 4\]/);
    expect(() => build('beit-feature', { intermediate_size: 80 })).toThrow(
      /"encoder\.layer\.0\.intermediate\.dense\.weight" has shape \[64, 32\].*\[80, 32\]/,
    );
  });

  it.each([
    ['beit-cls', { hidden_act: 'quick_gelu' }, /hidden_act "quick_gelu" is not supported/],
    ['beit-cls', { num_attention_heads: 5 }, /hidden_size 32 is not supported.*multiple of num_attention_heads \(5\)/],
    ['beit-cls', { pruned_heads: { 0: [1] } }, /pruned_heads \{"0":\[1\]\} is not supported/],
    ['beit-cls', { output_attentions: true }, /output_attentions true is not supported/],
    ['beit-mim', { use_mask_token: false }, /use_mask_token false is not supported/],
    ['beit-seg', { out_indices: [1, 2, 3], out_features: null }, /"out_indices" to be 4 different layer numbers/],
    ['beit-seg', { out_indices: [0, 1, 2, 3], out_features: null }, /"out_indices" to be 4 different layer numbers/],
  ] as const)('%s with %j is refused, naming the option', (model, changes, message) => {
    expect(() => build(model, changes)).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG', message: expect.stringMatching(message) }),
    );
  });

  it('refuses another model type’s checkpoint', () => {
    expect(() => build('beit-cls', {}, checkpoints['bit-feature'])).toThrow(/not a "beit" checkpoint/);
  });

  it('builds again after a failure', () => {
    expect(() => build('beit-cls', { hidden_act: 'quick_gelu' })).toThrow();
    expect(build('beit-cls').graph.length).toBeGreaterThan(0);
  });
});
