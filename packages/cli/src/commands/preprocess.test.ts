import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutoImageProcessor } from '@retina/core';
import { describe, expect, it } from 'vitest';
import {
  fixturePath,
  jpegIndex,
  maxAbsDiff,
  readBin,
  readBytes,
  readJson,
  type BinDescriptor,
} from '../../../core/src/testing/fixtures.js';
import { readGolden } from '../../../core/src/testing/model-fixtures.js';
import { runCli, suiteTempDir } from '../testing/run-cli.js';

interface ProcessorCase {
  config: string;
  image: string;
  /** How the reference read the image: as decoded, or through load_image (which applies EXIF orientation). */
  input: string;
  pixel_values?: BinDescriptor;
}

const dir = suiteTempDir();

function readFloat32(file: string): Float32Array {
  return new Float32Array(new Uint8Array(readFileSync(file)).buffer);
}

describe('retina preprocess', () => {
  const cases = readJson<{ cases: ProcessorCase[] }>('processors', 'index.json').cases;

  it.each([
    ['bit-default', 'chelsea', []],
    ['beit-default', 'coffee', []],
    ['bit-default', 'rocket-exif6', []],
    ['bit-default', 'rocket-exif6', ['--exif']],
  ])('reproduces the %s pixel_values of %s from its preprocessor_config.json %j', async (config, image, flags) => {
    const exif = flags.includes('--exif');
    const expected = cases.find(
      (c) => c.config === config && c.image === image && c.input.startsWith('transformers.image_utils.load_image') === exif,
    )!.pixel_values!;
    const out = join(dir, `${config}-${image}${exif ? '-exif' : ''}.bin`);

    const run = await runCli(
      'preprocess',
      '--processor',
      fixturePath('processors', config, 'preprocessor_config.json'),
      '--image',
      fixturePath('images', `${image}.png`),
      '--out',
      out,
      ...flags,
    );

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toEqual({ pixel_values: { shape: expected.shape, dtype: 'float32' } });
    expect(maxAbsDiff(readFloat32(out), readBin(expected))).toBe(0);
  });

  it("batches several images with a model folder's processor, as the golden pipeline case", async () => {
    const pipelineCase = readGolden('bit-backbone').cases.find((c) => c.name === 'pipeline')!;
    const expected = pipelineCase.inputs.pixel_values!;
    const images = (pipelineCase as unknown as { images: string[] }).images;
    const out = join(dir, 'bit-backbone-pipeline.bin');

    const run = await runCli(
      'preprocess',
      '--processor',
      fixturePath('models', 'bit-backbone'),
      ...images.flatMap((image) => ['--image', fixturePath('images', `${image}.png`)]),
      '--out',
      out,
    );

    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).pixel_values.shape).toEqual(expected.shape);
    expect(maxAbsDiff(readFloat32(out), readBin(expected, 'models', 'bit-backbone', 'golden'))).toBe(0);
  });

  const jpegs = jpegIndex();
  it.each(['bit-default', 'beit-default', 'vit-hybrid-default'])(
    'gives for every fixture JPEG exactly the %s pixel_values of the pixels Pillow decodes from it',
    async (config) => {
      const processor = await AutoImageProcessor.fromPretrained(fixturePath('processors', config));
      for (const jpeg of jpegs) {
        const out = join(dir, `${config}-${jpeg.id}.bin`);
        const run = await runCli(
          'preprocess',
          '--processor',
          fixturePath('processors', config),
          '--image',
          fixturePath('jpeg', jpeg.jpg),
          '--out',
          out,
        );
        expect(run, jpeg.id).toMatchObject({ code: 0, stderr: '' });
        const pillow = { data: readBytes('jpeg', jpeg.bin), width: jpeg.width, height: jpeg.height, channels: jpeg.channels };
        const { pixelValues } = await processor.preprocess(pillow);
        expect(JSON.parse(run.stdout).pixel_values.shape, jpeg.id).toEqual(pixelValues.dims);
        expect(maxAbsDiff(readFloat32(out), pixelValues.data), jpeg.id).toBe(0);
      }
    },
  );
});
