import { describe, expect, it } from 'vitest';
import { readBin, readBytes, readJson } from '../../testing/fixtures.js';
import { readGolden } from '../../testing/model-fixtures.js';
import { dptPadding, dptResizeOutputSize, DPTImageProcessor } from './image-processing-dpt.js';

const png = (id: string) => readBytes('images', `${id}.png`);

describe('DPTImageProcessor reproduces the reference pixel_values', () => {
  it.each(['dpt-hybrid-depth', 'dpt-beit-depth'])('%s: the pipeline case (chelsea, coffee) exactly', async (model) => {
    const processor = new DPTImageProcessor(readJson('models', model, 'preprocessor_config.json'));
    const pipelineCase = readGolden(model).cases.find((c) => c.name === 'pipeline')!;
    const { pixelValues, originalSizes } = await processor.preprocess([png('chelsea'), png('coffee')]);
    const expected = readBin(pipelineCase.inputs.pixel_values!, 'models', model, 'golden');
    expect(pixelValues.dims).toEqual(pipelineCase.inputs.pixel_values!.shape);
    expect(originalSizes).toEqual([
      [300, 451],
      [400, 600],
    ]);
    expect(pixelValues.data).toEqual(expected);
  });
});

// The fixtures do not exercise these steps (their models take one size): expected values worked out by hand
// from the reference's get_resize_output_image_size and pad_image.
describe('DPT resize target and padding', () => {
  it('keeps the aspect ratio by scaling as little as possible, then rounds to the multiple', () => {
    // 451x300 to 384x384: the width changes least (x0.851 vs x1.28), so the height scales by 384/451 too:
    // 255.43 px, 7.98 multiples of 32 → 256.
    expect(dptResizeOutputSize(451, 300, { height: 384, width: 384 }, true, 32)).toEqual({ width: 384, height: 256 });
    // 600x400 to 384x384: the height changes least (x0.96 vs x0.64): width 576 = 18 multiples of 32.
    expect(dptResizeOutputSize(600, 400, { height: 384, width: 384 }, true, 32)).toEqual({ width: 576, height: 384 });
    // Without keep_aspect_ratio each side goes to its target, rounded to the multiple: 500 / 32 = 15.6 → 512.
    expect(dptResizeOutputSize(451, 300, { height: 500, width: 500 }, false, 32)).toEqual({ width: 512, height: 512 });
  });

  it("rounds halves to even, as Python's round does (JavaScript's Math.round would not)", () => {
    // 40 / 16 = 2.5 → 2 (32, not 48); 56 / 16 = 3.5 → 4 (64).
    expect(dptResizeOutputSize(10, 10, { height: 40, width: 56 }, false, 16)).toEqual({ width: 64, height: 32 });
  });

  it('pads to the next multiple, the smaller half before', () => {
    expect(dptPadding(255, 14)).toEqual([5, 6]); // 266 = 19 x 14
    expect(dptPadding(257, 14)).toEqual([4, 5]); // 266
    expect(dptPadding(266, 14)).toEqual([0, 0]);
  });

  it('pads after normalising, with zeros, centred', async () => {
    const config = { ...readJson('models', 'dpt-beit-depth', 'preprocessor_config.json'), size: { height: 60, width: 60 } };
    const processor = new DPTImageProcessor(config);
    const options = { keepAspectRatio: true, ensureMultipleOf: 1 };
    const { pixelValues: plain } = await processor.preprocess(png('chelsea'), options);
    // 451x300 to 60x60 keeping the aspect ratio: the height changes least (x0.2 vs x0.133): 90.2 x 60 → 90 x 60.
    expect(plain.dims).toEqual([1, 3, 60, 90]);
    const { pixelValues: padded } = await processor.preprocess(png('chelsea'), { ...options, doPad: true, sizeDivisor: 14 });
    // 60 → 70 (5 above, 5 below), 90 → 98 (4 left, 4 right).
    expect(padded.dims).toEqual([1, 3, 70, 98]);
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < 70; y++) {
        for (let x = 0; x < 98; x++) {
          const value = padded.data[(c * 70 + y) * 98 + x]!;
          const inside = y >= 5 && y < 65 && x >= 4 && x < 94;
          expect(value).toBe(inside ? plain.data[(c * 60 + y - 5) * 90 + x - 4]! : 0);
        }
      }
    }
  });

  it('refuses do_pad without size_divisor, naming both', () => {
    expect(() => new DPTImageProcessor({ do_pad: true })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG', message: expect.stringMatching(/do_pad.*size_divisor/) }),
    );
  });
});
