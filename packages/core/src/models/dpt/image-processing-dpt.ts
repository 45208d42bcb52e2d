import { ConfigReader } from '../../config/config-reader.js';
import { RetinaError } from '../../errors.js';
import type { ImageInput } from '../../image/image-input.js';
import type { RawImage } from '../../image/raw-image.js';
import { Resample, resize } from '../../image/resample/index.js';
import {
  ImageProcessor,
  type ImageProcessorOptions,
  type ImageProcessorOutput,
  type ImageProcessorSettings,
  type PreparedImage,
} from '../../processors/image-processor.js';
import { fullWindow, type PixelWindow } from '../../processors/pixel-values.js';

const DPT_PROCESSOR_DEFAULTS: Record<string, unknown> = {
  do_resize: true,
  size: { height: 384, width: 384 },
  resample: Resample.BICUBIC,
  // DPTImageProcessor has no center crop: it resizes (keeping the aspect ratio if asked) and may pad.
  do_center_crop: false,
  crop_size: { height: 384, width: 384 },
  do_rescale: true,
  rescale_factor: 1 / 255,
  do_normalize: true,
  image_mean: [0.5, 0.5, 0.5],
  image_std: [0.5, 0.5, 0.5],
};

/** DPTImageProcessor's own steps: how the resize target is chosen and the padding after normalising. */
export interface DPTResizeSettings {
  /** Scale both sides by the factor closer to 1 (the side that changes least fits its target). */
  keepAspectRatio: boolean;
  /** Round each side to a multiple of this (Python's round: halves to even). */
  ensureMultipleOf: number;
  /** Zero-pad (after normalising) to a multiple of `sizeDivisor`, centred. */
  doPad: boolean;
  sizeDivisor: number | undefined;
}

export interface DPTImageProcessorOptions extends ImageProcessorOptions {
  keepAspectRatio?: boolean;
  ensureMultipleOf?: number;
  doPad?: boolean;
  sizeDivisor?: number;
}

/** Python's round(): to the nearest integer, halves to the even one. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction !== 0.5) return fraction < 0.5 ? floor : floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** The reference's constraint_to_multiple_of (with its defaults min_val 0, no max_val). */
function constrainToMultipleOf(value: number, multiple: number): number {
  const x = roundHalfEven(value / multiple) * multiple;
  return x < 0 ? Math.ceil(value / multiple) * multiple : x;
}

/**
 * DPT's get_resize_output_image_size: the target height × width, or with `keepAspectRatio` the scale of the
 * side that changes least applied to both; each side then rounded to a multiple of `ensureMultipleOf`.
 */
export function dptResizeOutputSize(
  width: number,
  height: number,
  target: { height: number; width: number },
  keepAspectRatio: boolean,
  ensureMultipleOf: number,
): { width: number; height: number } {
  let scaleHeight = target.height / height;
  let scaleWidth = target.width / width;
  if (keepAspectRatio) {
    if (Math.abs(1 - scaleWidth) < Math.abs(1 - scaleHeight)) scaleHeight = scaleWidth;
    else scaleWidth = scaleHeight;
  }
  return {
    height: constrainToMultipleOf(scaleHeight * height, ensureMultipleOf),
    width: constrainToMultipleOf(scaleWidth * width, ensureMultipleOf),
  };
}

/** DPT's pad_image split for one side: `size` padded up to a multiple of `divisor`, the smaller half first. */
export function dptPadding(size: number, divisor: number): [before: number, after: number] {
  const padding = Math.ceil(size / divisor) * divisor - size;
  const before = Math.floor(padding / 2);
  return [before, padding - before];
}

function readResizeSettings(reader: ConfigReader, base: DPTResizeSettings): DPTResizeSettings {
  const has = (key: string) => reader.json[key] !== undefined && reader.json[key] !== null;
  const settings: DPTResizeSettings = {
    keepAspectRatio: has('keep_aspect_ratio') ? reader.bool('keep_aspect_ratio', false) : base.keepAspectRatio,
    ensureMultipleOf: has('ensure_multiple_of') ? reader.positiveInt('ensure_multiple_of', 1) : base.ensureMultipleOf,
    doPad: has('do_pad') ? reader.bool('do_pad', false) : base.doPad,
    sizeDivisor: has('size_divisor') ? reader.positiveInt('size_divisor', 1) : base.sizeDivisor,
  };
  if (settings.doPad && settings.sizeDivisor === undefined) {
    throw new RetinaError(
      'INVALID_CONFIG',
      `${reader.where}: "do_pad" is true but "size_divisor" is not set; give the multiple to pad to (e.g. 14) or set do_pad false.`,
    );
  }
  return settings;
}

const NO_EXTRA_STEPS: DPTResizeSettings = { keepAspectRatio: false, ensureMultipleOf: 1, doPad: false, sizeDivisor: undefined };

/**
 * Transformers' DPTImageProcessor (4.37): resize to `size` (optionally keeping the aspect ratio, each side a
 * multiple of `ensure_multiple_of`) with Pillow's filter, rescale, normalise, then zero-pad to a multiple of
 * `size_divisor` when `do_pad`. As Retina's other processors, L, LA, P and RGBA images are converted to RGB.
 */
export class DPTImageProcessor extends ImageProcessor {
  readonly resizeSettings: Readonly<DPTResizeSettings>;

  constructor(config: Record<string, unknown> = {}) {
    super({ name: 'DPTImageProcessor', defaults: DPT_PROCESSOR_DEFAULTS, sizeDefaultToSquare: true, exactResizeOnly: true }, config);
    this.resizeSettings = readResizeSettings(new ConfigReader(config, 'DPTImageProcessor config'), NO_EXTRA_STEPS);
  }

  override async preprocess(
    images: ImageInput | readonly ImageInput[],
    options: DPTImageProcessorOptions = {},
  ): Promise<ImageProcessorOutput> {
    const overrides = {
      keep_aspect_ratio: options.keepAspectRatio,
      ensure_multiple_of: options.ensureMultipleOf,
      do_pad: options.doPad,
      size_divisor: options.sizeDivisor,
    };
    const steps = readResizeSettings(new ConfigReader(overrides, 'DPTImageProcessor.preprocess() options'), this.resizeSettings);
    return this.preprocessWith(images, options, (image, settings) => this.prepareDpt(image, settings, steps));
  }

  private prepareDpt(image: RawImage, settings: ImageProcessorSettings, steps: DPTResizeSettings): PreparedImage {
    const bands = this.colourBands(image, settings);
    let resized = image;
    if (settings.doResize) {
      const size = settings.size as { height: number; width: number };
      const target = dptResizeOutputSize(image.width, image.height, size, steps.keepAspectRatio, steps.ensureMultipleOf);
      resized = resize(image, target.width, target.height, settings.resample, { bands });
    }
    return { image: resized, window: paddedWindow(resized, steps), bands };
  }
}

function paddedWindow(image: { width: number; height: number }, steps: DPTResizeSettings): PixelWindow {
  if (!steps.doPad) return fullWindow(image);
  const [top, bottom] = dptPadding(image.height, steps.sizeDivisor!);
  const [left, right] = dptPadding(image.width, steps.sizeDivisor!);
  return { top: -top, left: -left, height: image.height + top + bottom, width: image.width + left + right, outside: 0 };
}
