import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInferenceSession } from '../session/create-inference-session.js';
import type { InferenceSession } from '../session/inference-session.js';
import { Tensor } from '../tensor.js';
import { readBytes, readJson } from '../testing/fixtures.js';
import { fixtureRepo, repoWithFiles } from '../testing/model-fixtures.js';
import {
  AutoModel,
  AutoModelForImageClassification,
  AutoModelForMaskedImageModeling,
  AutoModelForSemanticSegmentation,
} from './auto/modeling-auto.js';
import { BeitForImageClassification, type BeitForMaskedImageModeling } from './beit/modeling-beit.js';
import { BitConfig } from './bit/configuration-bit.js';
import { BitForImageClassification, BitModel } from './bit/modeling-bit.js';

const options = { device: 'cpu', numThreads: 1 } as const;

const pixels = (...dims: number[]) => new Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);

function retinaError(code: string, message: RegExp | string) {
  return expect.objectContaining({
    name: 'RetinaError',
    code,
    message: typeof message === 'string' ? message : expect.stringMatching(message),
  });
}

describe('input checks before running', () => {
  let beit: BeitForImageClassification;
  let bit: BitForImageClassification;
  let mim: BeitForMaskedImageModeling;
  beforeAll(async () => {
    beit = await BeitForImageClassification.fromPretrained(fixtureRepo('beit-cls'), options);
    bit = await BitForImageClassification.fromPretrained(fixtureRepo('bit-preact-cls'), options);
    mim = await AutoModelForMaskedImageModeling.fromPretrained(fixtureRepo('beit-mim'), options);
  });
  afterAll(async () => {
    await Promise.all([beit.dispose(), bit.dispose(), mim.dispose()]);
  });

  it('names expected and actual sizes of a fixed-size model, then runs the next call', async () => {
    await expect(beit.forward({ pixelValues: pixels(2, 3, 64, 64) })).rejects.toThrow(
      retinaError(
        'INVALID_ARGUMENT',
        "pixel_values must be [batch, 3, 32, 32] for this model (image_size 32 in config.json); got [2, 3, 64, 64]. Resize with the model's image processor.",
      ),
    );
    const { logits } = await beit.forward({ pixelValues: pixels(2, 3, 32, 32) });
    expect(logits.dims).toEqual([2, 4]);
  });

  it('checks channels and rank of a model that takes any image size', async () => {
    await expect(bit.forward({ pixelValues: pixels(1, 1, 64, 64) })).rejects.toThrow(
      retinaError(
        'INVALID_ARGUMENT',
        'pixel_values must be [batch, 3, height, width] for this model (num_channels 3 in config.json); got [1, 1, 64, 64].',
      ),
    );
    await expect(bit.forward({ pixelValues: pixels(3, 40, 56) })).rejects.toThrow(
      retinaError('INVALID_ARGUMENT', /got \[3, 40, 56\]\. pixel_values is \[batch, channels, height, width\]/),
    );
    expect((await bit.forward({ pixelValues: pixels(1, 3, 40, 56) })).logits.dims).toEqual([1, 5]);
  });

  it('checks dtypes and that inputs agree on the batch size', async () => {
    const boolMaskedPos = new Tensor('bool', new Uint8Array(3 * 64), [3, 64]);
    await expect(mim.forward({ pixelValues: pixels(2, 3, 32, 32), boolMaskedPos })).rejects.toThrow(
      retinaError('INVALID_ARGUMENT', 'bool_masked_pos has batch 3 but pixel_values has 2; they must agree.'),
    );
    const floatMask = pixels(2, 64) as unknown as Tensor<'bool'>;
    await expect(mim.forward({ pixelValues: pixels(2, 3, 32, 32), boolMaskedPos: floatMask })).rejects.toThrow(
      retinaError('INVALID_ARGUMENT', 'bool_masked_pos must be a bool tensor for this model; got float32.'),
    );
    const { logits } = await mim.forward({
      pixelValues: pixels(2, 3, 32, 32),
      boolMaskedPos: new Tensor('bool', new Uint8Array(128), [2, 64]),
    });
    expect(logits.dims).toEqual([2, 64, 40]);
  });
});

describe('load errors', () => {
  it('rejects an unknown model_type, listing the supported ones; the next load works', async () => {
    const config = readJson<Record<string, unknown>>('models', 'bit-feature', 'config.json');
    const repo = repoWithFiles(fixtureRepo('bit-feature'), { 'config.json': { ...config, model_type: 'resnet' } });
    await expect(AutoModel.fromPretrained(repo, options)).rejects.toThrow(
      retinaError(
        'UNSUPPORTED_MODEL',
        'model_type "resnet" in config.json is not supported; Retina supports bit, beit, vit-hybrid, data2vec-vision, dpt.',
      ),
    );
    const model = await AutoModel.fromPretrained(fixtureRepo('bit-feature'), options);
    expect(model).toBeInstanceOf(BitModel);
    await model.dispose();
  });

  it('rejects an auto class that cannot build the architecture', async () => {
    await expect(AutoModelForSemanticSegmentation.fromPretrained(fixtureRepo('bit-feature'), options)).rejects.toThrow(
      retinaError(
        'UNSUPPORTED_MODEL',
        'AutoModelForSemanticSegmentation cannot build "bit" models; it supports model_type beit, data2vec-vision.',
      ),
    );
    await expect(AutoModelForImageClassification.fromPretrained(fixtureRepo('bit-feature'), options)).rejects.toThrow(
      retinaError('UNSUPPORTED_MODEL', /this model is a BitModel, which AutoModelForImageClassification cannot build/),
    );
  });

  it('rejects a model class whose outputs the graph lacks', async () => {
    await expect(BitModel.fromPretrained(fixtureRepo('bit-preact-cls'), options)).rejects.toThrow(
      retinaError('MODEL_LOAD_FAILED', /BitModel needs a graph with the output "last_hidden_state", but this graph's outputs are: logits/),
    );
  });

  it('rejects num_labels that disagree with the graph; the next load works', async () => {
    const config = readJson('models', 'bit-preact-cls', 'config.json');
    const id2label = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [String(i), `class ${i}`]));
    const repo = repoWithFiles(fixtureRepo('bit-preact-cls'), { 'config.json': { ...config, id2label, label2id: undefined } });
    await expect(AutoModelForImageClassification.fromPretrained(repo, options)).rejects.toThrow(
      retinaError(
        'INVALID_CONFIG',
        "config.json says 7 labels in id2label, but the graph's logits has shape [batch, 5] (5 where 7 is expected): config.json and the ONNX file do not belong together.",
      ),
    );
    const model = await AutoModelForImageClassification.fromPretrained(fixtureRepo('bit-preact-cls'), options);
    expect(model.config.numLabels).toBe(5);
    await model.dispose();
  });

  it.each(['cpu', 'wasm'] as const)('reports a truncated ONNX file by name on device %s; the next load works', async (device) => {
    const graph = readBytes('models', 'beit-cls', 'onnx', 'model.onnx');
    const repo = repoWithFiles(fixtureRepo('beit-cls'), { 'onnx/model.onnx': graph.subarray(0, graph.length >> 1) });
    await expect(AutoModel.fromPretrained(repo, { device, numThreads: 1 })).rejects.toThrow(
      retinaError('MODEL_LOAD_FAILED', /^Could not load onnx\/model\.onnx from .*beit-cls/),
    );
    const model = await AutoModel.fromPretrained(fixtureRepo('beit-cls'), { device, numThreads: 1 });
    expect(model).toBeInstanceOf(BeitForImageClassification);
    await model.dispose();
  });

  it('names the missing graph file of another dtype (source "onnx": "auto" would build it from the weights)', async () => {
    await expect(AutoModel.fromPretrained(fixtureRepo('beit-cls'), { ...options, dtype: 'fp16', source: 'onnx' })).rejects.toThrow(
      expect.objectContaining({ code: 'FILE_NOT_FOUND', message: expect.stringContaining('onnx/model_fp16.onnx') }),
    );
  });

  it('rejects unknown devices and dtypes', async () => {
    const device = 'tpu' as InferenceSession.Device;
    await expect(AutoModel.fromPretrained(fixtureRepo('beit-cls'), { device })).rejects.toThrow(
      retinaError('INVALID_ARGUMENT', 'device must be one of auto, webgpu, wasm, cpu; got tpu.'),
    );
    await expect(AutoModel.fromPretrained(fixtureRepo('beit-cls'), { dtype: 'int4' as InferenceSession.ModelDtype })).rejects.toThrow(
      retinaError('INVALID_ARGUMENT', /dtype must be one of fp32, fp16, q8, q4; got int4/),
    );
  });
});

describe('sessions', () => {
  it('chooses onnxruntime-node in Node.js for device auto and says why', async () => {
    const session = await createInferenceSession(fixtureRepo('bit-feature'), { numThreads: 1 });
    expect(session.backend).toEqual({ runtime: 'onnxruntime-node', device: 'cpu', reason: 'Node.js with onnxruntime-node installed' });
    expect(session.inputMetadata).toEqual([{ name: 'pixel_values', dtype: 'float32', dims: ['batch_size', 3, 'height', 'width'] }]);
    await session.dispose();
  });

  it('fails clearly for WebGPU where there is none', async () => {
    await expect(createInferenceSession(fixtureRepo('bit-feature'), { device: 'webgpu' })).rejects.toThrow(
      retinaError('MODEL_LOAD_FAILED', /Cannot run on device "webgpu": no WebGPU in this environment/),
    );
  });

  it('builds a model from a config and an existing session, and refuses work after dispose', async () => {
    const json = readJson('models', 'bit-preact-cls', 'config.json');
    const session = await createInferenceSession(fixtureRepo('bit-preact-cls'), options);
    const model = AutoModel.fromSession(new BitConfig(json), session);
    expect(model).toBeInstanceOf(BitForImageClassification);
    await model.dispose();
    await model.dispose();
    await expect((model as BitForImageClassification).forward({ pixelValues: pixels(1, 3, 64, 64) })).rejects.toThrow(
      retinaError('INFERENCE_FAILED', 'This BitForImageClassification was disposed; load the model again to use it.'),
    );
  });

  it('runs on any InferenceSession implementation', async () => {
    const logits = new Tensor('float32', new Float32Array([1, 2, 3, 4, 5]), [1, 5]);
    const fake: InferenceSession = {
      inputMetadata: [{ name: 'pixel_values', dtype: 'float32', dims: ['batch_size', 3, 'height', 'width'] }],
      outputMetadata: [{ name: 'logits', dtype: 'float32', dims: ['batch_size', 5] }],
      backend: { runtime: 'onnxruntime-web', device: 'wasm', reason: 'test double' },
      run: async () => ({ logits }),
      dispose: async () => {},
      [Symbol.asyncDispose]: async () => {},
    };
    const model = new BitForImageClassification(new BitConfig(readJson('models', 'bit-preact-cls', 'config.json')), fake);
    expect((await model.forward({ pixelValues: pixels(1, 3, 8, 8) })).logits).toBe(logits);
  });
});
