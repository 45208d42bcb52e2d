import { describe, expect, it } from 'vitest';
import { RetinaError } from '../errors.js';
import { BeitImageProcessor } from '../models/beit/image-processing-beit.js';
import { BitImageProcessor } from '../models/bit/image-processing-bit.js';
import { AutoImageProcessor } from '../models/auto/image-processing-auto.js';
import { fixturePath, maxAbsDiff, readBin, readBytes, readJson } from '../testing/fixtures.js';

const chelseaPng = () => readBytes('images', 'chelsea.png');
const bitDefault = () => readJson('processors', 'bit-default', 'preprocessor_config.json');

describe('building a processor from preprocessor_config.json', () => {
  it('ignores unknown keys and treats null as the default', async () => {
    const processor = new BitImageProcessor({ ...bitDefault(), some_future_key: [1, 2], crop_pct: 0.9, size: null });
    expect(processor.settings.size).toEqual({ shortest_edge: 224 });
    const { pixelValues } = await processor.preprocess(chelseaPng());
    const expected = readBin({ file: 'processors/bit-default/chelsea.pixel_values.bin', shape: [1, 3, 224, 224], dtype: 'float32' }, '');
    expect(maxAbsDiff(pixelValues.data, expected)).toBe(0);
  });

  it('rejects a wrong type with a message naming the key', () => {
    expect(() => new BitImageProcessor({ do_resize: 'yes' })).toThrow(/"do_resize" must be true or false; got string "yes"/);
    expect(() => new BitImageProcessor({ image_mean: [0.5, 0.5] })).toThrow(/"image_mean" must be a number or a list of 3 numbers/);
    expect(() => new BitImageProcessor({ image_std: [0, 1, 1] })).toThrow(/"image_std" must be non-zero/);
    expect(() => new BitImageProcessor({ resample: 7 })).toThrow(/resample/);
    expect(() => new BeitImageProcessor({ size: { shortest_edge: 224 } })).toThrow(/"size" must give "height" and "width"/);
    expect(() => new BitImageProcessor({ crop_size: { height: 2 } })).toThrow(/"crop_size"/);
  });

  it('AutoImageProcessor picks the class from image_processor_type, else from model_type', async () => {
    expect(AutoImageProcessor.fromConfig(bitDefault())).toBeInstanceOf(BitImageProcessor);
    expect(AutoImageProcessor.fromConfig({ feature_extractor_type: 'BeitFeatureExtractor' })).toBeInstanceOf(BeitImageProcessor);
    expect(AutoImageProcessor.fromConfig({}, 'beit')).toBeInstanceOf(BeitImageProcessor);
    expect(() => AutoImageProcessor.fromConfig({ image_processor_type: 'CLIPImageProcessor' })).toThrow(
      /Cannot choose an image processor for image processor "CLIPImageProcessor". Supported: BitImageProcessor/,
    );
    const fromFolder = await AutoImageProcessor.fromPretrained(fixturePath('models', 'beit-seg'));
    expect(fromFolder).toBeInstanceOf(BeitImageProcessor);
    expect((fromFolder as BeitImageProcessor).doReduceLabels).toBe(true);
  });
});

describe('per-call options override the config like the reference preprocess() keywords', () => {
  it('takes size, crop and normalisation overrides, validated like the config', async () => {
    const beit = new BeitImageProcessor(readJson('processors', 'beit-default', 'preprocessor_config.json'));
    const out = await beit.preprocess(chelseaPng(), { size: { height: 32, width: 48 }, doCenterCrop: false, doNormalize: false });
    expect(out.pixelValues.dims).toEqual([1, 3, 32, 48]);
    expect(Math.max(...out.pixelValues.data)).toBeLessThanOrEqual(1);
    expect(Math.min(...out.pixelValues.data)).toBeGreaterThanOrEqual(0);
    await expect(beit.preprocess(chelseaPng(), { cropSize: 0 })).rejects.toThrow(/"crop_size"/);
    // The override applied to that call only.
    expect((await beit.preprocess(chelseaPng())).pixelValues.dims).toEqual([1, 3, 224, 224]);
  });

  it('batches images into one [N, 3, H, W] tensor, and refuses a batch whose sizes differ', async () => {
    const bit = new BitImageProcessor(bitDefault());
    const batch = await bit.preprocess([chelseaPng(), readBytes('images', 'coffee.png')]);
    expect(batch.pixelValues.dims).toEqual([2, 3, 224, 224]);
    expect(batch.originalSizes).toEqual([
      [300, 451],
      [400, 600],
    ]);
    await expect(bit.preprocess([chelseaPng(), readBytes('images', 'astronaut-portrait.png')], { doCenterCrop: false })).rejects.toThrow(
      /same size, got 336x224 and 224x336/,
    );
  });

  it('with do_convert_rgb false, a gray image is an error naming the fix', async () => {
    const bit = new BitImageProcessor({ do_convert_rgb: false });
    await expect(bit.preprocess(readBytes('images', 'camera.png'))).rejects.toThrow(/1 channel\(s\) while do_convert_rgb is false/);
  });
});

describe('bad input gives a clear error and the processor keeps working', () => {
  const bit = new BitImageProcessor(bitDefault());
  const png = chelseaPng();
  const badInputs: Array<[string, unknown, RegExp]> = [
    ['a 0x0 image', { data: new Uint8Array(0), width: 0, height: 0, channels: 3 }, /0x0|empty|zero/i],
    ['data of the wrong length', { data: new Uint8Array(10), width: 2, height: 2, channels: 3 }, /12|length/],
    ['NaN in float input', { data: new Float32Array([0.5, NaN, 0.1]), width: 1, height: 1, channels: 3 }, /NaN|index 1/],
    ['a truncated PNG', png.slice(0, png.length >> 1), /truncat|cut|incomplete/i],
    ['a truncated JPEG', new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70, 0, 1]), /truncat|cut|incomplete|JPEG/i],
    ['a file that is not an image', new TextEncoder().encode('just some text, no pixels'), /not recognised|format/i],
  ];
  it.each(badInputs)('%s', async (_name, input, message) => {
    await expect(bit.preprocess(input as never)).rejects.toThrow(message);
    expect((await bit.preprocess(png)).pixelValues.dims).toEqual([1, 3, 224, 224]);
  });

  it('an image above the pixel limit fails before decoding', async () => {
    await expect(bit.preprocess(png, { load: { maxPixels: 1000 } })).rejects.toThrow(/451x300|maxPixels/);
    expect((await bit.preprocess(png)).pixelValues.dims).toEqual([1, 3, 224, 224]);
  });

  it('a resize target past the limit (shortest_edge 100000) is a RetinaError, not a RangeError', async () => {
    const error = await bit.preprocess(png, { size: { shortest_edge: 100000 } }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(RetinaError);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((error as RetinaError).message).toMatch(/resize of 451x300 to 150333x100000 needs 15033300000 pixels, more than the limit/);
    expect((await bit.preprocess(png)).pixelValues.dims).toEqual([1, 3, 224, 224]);
  });

  it('a 1x1 image works (upscaled like Pillow, then cropped)', async () => {
    const out = await bit.preprocess({ data: new Uint8Array([10, 20, 30]), width: 1, height: 1, channels: 3 });
    expect(out.pixelValues.dims).toEqual([1, 3, 224, 224]);
  });
});
