import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AutoModelForImageClassification, Tensor } from '@retina/core';
import { fixturePath, readBin } from '../../../core/src/testing/fixtures.js';
import { compareToGolden, readGolden } from '../../../core/src/testing/model-fixtures.js';
import { ONE_THREAD, runCli, suiteTempDir } from '../testing/run-cli.js';

const MODEL = 'bit-bottleneck-same-cls';
const dir = suiteTempDir();

/** The fixture's configs and model.safetensors, without its onnx/ folder. */
function checkpointOnly(): string {
  const folder = join(dir, 'checkpoint');
  if (existsSync(folder)) return folder;
  mkdirSync(folder);
  for (const file of ['config.json', 'preprocessor_config.json', 'model.safetensors'])
    copyFileSync(fixturePath('models', MODEL, file), join(folder, file));
  return folder;
}

describe('retina export', () => {
  it('writes onnx/model.onnx with one external data file and the configs, a folder that loads from its ONNX file', async () => {
    const out = join(dir, 'exported');
    const run = await runCli('export', '--model', checkpointOnly(), '--out', out);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      architecture: 'BitForImageClassification',
      files: ['onnx/model.onnx', 'onnx/model.onnx.data', 'config.json', 'preprocessor_config.json'],
    });
    expect(readdirSync(join(out, 'onnx')).sort()).toEqual(['model.onnx', 'model.onnx.data']);
    const model = await AutoModelForImageClassification.fromPretrained(out, { device: 'cpu', source: 'onnx', numThreads: 1 });
    try {
      const golden = readGolden(MODEL);
      for (const { inputs, outputs } of golden.cases) {
        const pixels = inputs.pixel_values!;
        const pixelValues = new Tensor('float32', readBin(pixels, 'models', MODEL, 'golden') as Float32Array, pixels.shape);
        const { logits } = await model.forward({ pixelValues });
        expect(compareToGolden(logits.data, readBin(outputs.logits!, 'models', MODEL, 'golden'), golden.tolerance).violations).toBe(0);
      }
    } finally {
      await model.dispose();
    }
  });

  it('writes onnx/model_fp16.onnx for --dtype fp16', async () => {
    const out = join(dir, 'exported-fp16');
    const run = await runCli('export', '--model', checkpointOnly(), '--out', out, '--dtype', 'fp16');
    expect(run.code, run.stderr).toBe(0);
    expect(readdirSync(join(out, 'onnx')).sort()).toEqual(['model_fp16.onnx', 'model_fp16.onnx.data']);
  });

  it.each([
    ['q8', 'model_quantized.onnx'],
    ['q4', 'model_q4.onnx'],
  ])(
    'writes the file transformers.js reads for --dtype %s (onnx/%s), smaller than the checkpoint, which loads for that dtype',
    async (dtype, file) => {
      const out = join(dir, `exported-${dtype}`);
      const run = await runCli('export', '--model', checkpointOnly(), '--out', out, '--dtype', dtype);
      expect(run.code, run.stderr).toBe(0);
      expect(readdirSync(join(out, 'onnx')).sort()).toEqual([file, `${file}.data`]);
      expect(statSync(join(out, 'onnx', `${file}.data`)).size).toBeLessThan(statSync(join(checkpointOnly(), 'model.safetensors')).size);
      const model = await AutoModelForImageClassification.fromPretrained(out, { device: 'cpu', dtype: dtype as 'q8', numThreads: 1 });
      await model.dispose();
    },
  );

  it('refuses a dtype it cannot build', async () => {
    const run = await runCli('export', '--model', checkpointOnly(), '--out', join(dir, 'int4'), '--dtype', 'int4');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--dtype must be one of fp32, fp16, q8, q4');
  });
});

describe('commands on a checkpoint-only folder', () => {
  it.each(['fp32', 'q8', 'q4'])('classify --dtype %s builds the graph from the weights and gives the reference label', async (dtype) => {
    const golden = readGolden(MODEL);
    const logits = golden.cases.find((c) => c.name === 'pipeline')!.outputs.logits!;
    const row = Array.from(readBin(logits, 'models', MODEL, 'golden').subarray(0, logits.shape[1]));
    const best = row.indexOf(Math.max(...row));
    const image = fixturePath('images', 'chelsea.png');
    const run = await runCli('classify', '--model', checkpointOnly(), image, '--json', '--dtype', dtype, ...ONE_THREAD);
    expect(run.code, run.stderr).toBe(0);
    const [{ predictions }] = JSON.parse(run.stdout);
    expect(predictions[0].label).toBe(['sunflower', 'lighthouse', 'red fox'][best]);
  });

  it('forward writes the reference logits', async () => {
    const native = readGolden(MODEL).cases.find((c) => c.name === 'native')!;
    const input = native.inputs.pixel_values!;
    const outDir = join(dir, 'forward');
    const spec = `pixel_values=${fixturePath('models', MODEL, 'golden', input.file)}:${input.shape.join('x')}`;
    const run = await runCli('forward', '--model', checkpointOnly(), '--input', spec, '--out-dir', outDir, ...ONE_THREAD);
    expect(run.code, run.stderr).toBe(0);
    const bytes = readFileSync(join(outDir, 'logits.bin'));
    const actual = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const expected = readBin(native.outputs.logits!, 'models', MODEL, 'golden');
    expect(compareToGolden(actual, expected, readGolden(MODEL).tolerance).violations).toBe(0);
  });
});
