// A command never writes over what it reads: an output naming an input file or a file of the model
// folder is a usage error (exit 2) before anything is written. Every file here is a scratch copy.
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../core/src/testing/fixtures.js';
import { ONE_THREAD, runCli, suiteTempDir } from './testing/run-cli.js';

const dir = suiteTempDir();

/** A scratch copy of a fixture file or folder. */
function copy(name: string, ...fixture: string[]): string {
  const path = join(dir, name);
  cpSync(fixturePath(...fixture), path, { recursive: true });
  return path;
}

describe('outputs that are inputs', () => {
  it('refuses segment --out naming the image, through a link too, and leaves the image as it was', async () => {
    const image = copy('photo.png', 'images', 'chelsea.png');
    const link = join(dir, 'photo-link.png');
    symlinkSync(image, link);
    const before = readFileSync(image);
    for (const out of [image, link]) {
      const run = await runCli('segment', '--model', fixturePath('models', 'beit-seg'), image, '--out', out, ...ONE_THREAD);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`--out ${out} is the image ${image}: writing it would overwrite that file`);
    }
    expect(readFileSync(image).equals(before)).toBe(true);
  });

  it("refuses segment --out naming one of the model folder's files", async () => {
    const model = copy('beit-seg', 'models', 'beit-seg');
    const image = copy('input.png', 'images', 'chelsea.png');
    const config = join(model, 'config.json');
    const before = readFileSync(config);
    const run = await runCli('segment', '--model', model, image, '--out', config, ...ONE_THREAD);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--out ${config} is a file of the model in`);
    expect(readFileSync(config).equals(before)).toBe(true);
  });

  it('refuses preprocess --out naming an image of the batch', async () => {
    const image = copy('batch.png', 'images', 'chelsea.png');
    const run = await runCli('preprocess', '--processor', fixturePath('models', 'beit-seg'), '--image', image, '--out', image);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is the image');
  });

  it('refuses forward --out-dir where an output would replace an input tensor', async () => {
    const outDir = join(dir, 'forward');
    mkdirSync(outDir);
    const input = join(outDir, 'logits.bin');
    copyFileSync(fixturePath('models', 'bit-bottleneck-same-cls', 'golden', 'native.pixel_values.bin'), input);
    const before = readFileSync(input);
    const model = fixturePath('models', 'bit-bottleneck-same-cls');
    const run = await runCli('forward', '--model', model, '--input', `pixel_values=${input}:2x3x64x64`, '--out-dir', outDir, ...ONE_THREAD);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--out-dir ${input} is the input ${input}`);
    expect(readFileSync(input).equals(before)).toBe(true);
  });

  it('refuses export --out naming the model folder, and writes nothing there', async () => {
    const model = copy('checkpoint', 'models', 'bit-bottleneck-same-cls');
    const run = await runCli('export', '--model', model, '--out', `${model}/`);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is the model folder: writing there would overwrite its config.json and onnx/ files');
    expect(
      readFileSync(join(model, 'onnx', 'model.onnx')).equals(
        readFileSync(fixturePath('models', 'bit-bottleneck-same-cls', 'onnx', 'model.onnx')),
      ),
    ).toBe(true);
    expect(existsSync(join(model, 'onnx', 'model.onnx.data'))).toBe(false);
  });
});
