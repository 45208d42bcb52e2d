import { RetinaError } from '../errors.js';
import { openModelRepo, type HubOptions, type ReadFileOptions } from '../hub/index.js';
import type { ImageInput } from '../image/image-input.js';
import { loadImage } from '../image/load-image.js';
import type { LoadImageOptions } from '../image/load-options.js';
import type { RawImage } from '../image/raw-image.js';
import { parseResample, resize, type ResampleFilter } from '../image/resample/index.js';
import { Tensor } from '../tensor.js';
import { ConfigReader } from '../config/config-reader.js';
import { centerCropWindow, channelTables, fullWindow, writePixelValues, type PixelWindow } from './pixel-values.js';
import { parseSize, requireHeightWidth, resizeOutputSize, type SizeDict, type SizeInput } from './size.js';

/** The processing steps of an image processor, resolved from its config and per-call options. */
export interface ImageProcessorSettings {
  doResize: boolean;
  size: SizeDict;
  resample: ResampleFilter;
  doCenterCrop: boolean;
  cropSize: { height: number; width: number };
  doRescale: boolean;
  rescaleFactor: number;
  doNormalize: boolean;
  imageMean: readonly number[];
  imageStd: readonly number[];
  doConvertRgb: boolean;
}

/** Per-call overrides of the config, like the keyword arguments of the reference's `preprocess`. */
export interface ImageProcessorOptions {
  doResize?: boolean;
  size?: SizeInput;
  resample?: ResampleFilter;
  doCenterCrop?: boolean;
  cropSize?: SizeInput;
  doRescale?: boolean;
  rescaleFactor?: number;
  doNormalize?: boolean;
  imageMean?: number | readonly number[];
  imageStd?: number | readonly number[];
  doConvertRgb?: boolean;
  /** How inputs are decoded (EXIF orientation, pixel limit, abort signal). */
  load?: LoadImageOptions;
}

export interface ImageProcessorOutput {
  /** `[batch, 3, height, width]` float32, channel-first. */
  pixelValues: Tensor<'float32'>;
  /** `[height, width]` of every input as decoded, before any resize. */
  originalSizes: Array<[number, number]>;
}

/** The constants that make one processor class differ from another. */
export interface ImageProcessorSpec {
  name: string;
  /** preprocessor_config.json values used when the config leaves a key out. */
  defaults: Record<string, unknown>;
  /** Whether an integer `size` means a square (BEiT) or the shortest edge (BiT). */
  sizeDefaultToSquare: boolean;
  /** BEiT resizes to an exact height × width only. */
  exactResizeOnly: boolean;
}

const SNAKE_CASE_KEYS: Record<string, string> = {
  doResize: 'do_resize',
  size: 'size',
  resample: 'resample',
  doCenterCrop: 'do_center_crop',
  cropSize: 'crop_size',
  doRescale: 'do_rescale',
  rescaleFactor: 'rescale_factor',
  doNormalize: 'do_normalize',
  imageMean: 'image_mean',
  imageStd: 'image_std',
  doConvertRgb: 'do_convert_rgb',
};

/** Resized and decoded pixels of one input, plus the window the output reads from it. */
export interface PreparedImage {
  image: RawImage;
  window: PixelWindow;
  bands: 1 | 3;
}

/**
 * The shared machinery of BiT, ViT-Hybrid and BEiT image processors: decode, convert to RGB,
 * resize with Pillow's filters, center crop, rescale, normalise, batch.
 */
export abstract class ImageProcessor {
  readonly settings: Readonly<ImageProcessorSettings>;
  protected readonly spec: ImageProcessorSpec;

  protected constructor(spec: ImageProcessorSpec, config: Record<string, unknown> = {}) {
    this.spec = spec;
    this.settings = this.parseSettings(new ConfigReader({ ...spec.defaults, ...withoutNulls(config) }, `${spec.name} config`));
  }

  /** Builds the processor from `preprocessor_config.json` of a model id, URL or folder. */
  static async fromPretrained<T extends ImageProcessor>(
    this: new (config: Record<string, unknown>) => T,
    source: string,
    options: HubOptions & ReadFileOptions = {},
  ): Promise<T> {
    const repo = openModelRepo(source, options);
    return new this(await repo.json<Record<string, unknown>>('preprocessor_config.json', options));
  }

  /** Preprocesses one image or a batch into `pixelValues`; options override the config for this call. */
  async preprocess(images: ImageInput | readonly ImageInput[], options: ImageProcessorOptions = {}): Promise<ImageProcessorOutput> {
    return this.preprocessWith(images, options, (image, settings) => this.prepare(image, settings));
  }

  /** {@link preprocess} with another way to resize and window each image (a processor with options of its own). */
  protected async preprocessWith(
    images: ImageInput | readonly ImageInput[],
    options: ImageProcessorOptions,
    prepare: (image: RawImage, settings: ImageProcessorSettings) => PreparedImage,
  ): Promise<ImageProcessorOutput> {
    const settings = this.resolve(options);
    const inputs = asList(images);
    if (inputs.length === 0) {
      throw new RetinaError('INVALID_ARGUMENT', `${this.spec.name}.preprocess() got an empty list; pass at least one image.`);
    }
    const prepared: PreparedImage[] = [];
    const originalSizes: Array<[number, number]> = [];
    for (const input of inputs) {
      // Converting to RGB drops alpha, so an opaque image's padding byte can stay.
      const image = await loadImage(input, { ...options.load, keepOpaqueAlpha: settings.doConvertRgb });
      originalSizes.push([image.height, image.width]);
      prepared.push(prepare(image, settings));
    }
    return { pixelValues: this.batch(prepared, settings), originalSizes };
  }

  /** The settings for one call: the config, overridden by the call's options (validated alike). */
  protected resolve(options: ImageProcessorOptions): ImageProcessorSettings {
    const overrides: Record<string, unknown> = {};
    for (const [camel, snake] of Object.entries(SNAKE_CASE_KEYS)) {
      const value = (options as Record<string, unknown>)[camel];
      if (value !== undefined) overrides[snake] = value;
    }
    if (Object.keys(overrides).length === 0) return this.settings;
    return { ...this.settings, ...this.parseSettings(new ConfigReader(overrides, `${this.spec.name}.preprocess() options`), true) };
  }

  /** Resizes one image and chooses the window the output reads (crop or whole image). */
  protected prepare(image: RawImage, settings: ImageProcessorSettings): PreparedImage {
    const bands = this.colourBands(image, settings);
    let resized = image;
    if (settings.doResize) {
      const target = resizeOutputSize(image.width, image.height, settings.size);
      resized = resize(image, target.width, target.height, settings.resample, { bands });
    }
    return { image: resized, window: this.outputWindow(resized, settings), bands };
  }

  protected outputWindow(image: { width: number; height: number }, settings: ImageProcessorSettings): PixelWindow {
    if (!settings.doCenterCrop) return fullWindow(image);
    return centerCropWindow(image.width, image.height, settings.cropSize.width, settings.cropSize.height);
  }

  /**
   * How many colour channels feed RGB: 1 for L and LA (replicated), 3 for RGB and RGBA (alpha
   * dropped, not composited), as Pillow's convert("RGB").
   */
  protected colourBands(image: RawImage, settings: ImageProcessorSettings): 1 | 3 {
    if (!settings.doConvertRgb && image.channels !== 3) {
      throw new RetinaError(
        'INVALID_IMAGE',
        `${this.spec.name} got an image with ${image.channels} channel(s) while do_convert_rgb is false; ` +
          'pass an RGB image or enable do_convert_rgb.',
      );
    }
    return image.channels <= 2 ? 1 : 3;
  }

  private batch(prepared: PreparedImage[], settings: ImageProcessorSettings): Tensor<'float32'> {
    const { height, width } = prepared[0]!.window;
    const mismatch = prepared.find((p) => p.window.height !== height || p.window.width !== width);
    if (mismatch) {
      throw new RetinaError(
        'INVALID_ARGUMENT',
        `Images of one batch must come out the same size, got ${width}x${height} and ` +
          `${mismatch.window.width}x${mismatch.window.height}. Enable center cropping, resize to an exact ` +
          `{height, width}, or preprocess the images one at a time.`,
      );
    }
    const tables = channelTables(settings);
    const plane = 3 * height * width;
    const out = new Float32Array(prepared.length * plane);
    prepared.forEach((p, i) => writePixelValues(p.image, p.bands, p.window, tables, out, i * plane));
    return new Tensor('float32', out, [prepared.length, 3, height, width]);
  }

  private parseSettings(reader: ConfigReader, partial = false): ImageProcessorSettings {
    const settings: Partial<ImageProcessorSettings> = {};
    const read = <K extends keyof ImageProcessorSettings>(key: string, field: K, parse: () => ImageProcessorSettings[K]) => {
      if (!partial || reader.json[key] !== undefined) settings[field] = parse();
    };
    read('do_resize', 'doResize', () => reader.bool('do_resize', true));
    read('size', 'size', () => {
      const size = parseSize(reader.json.size, 'size', this.spec.sizeDefaultToSquare);
      return this.spec.exactResizeOnly ? requireHeightWidth(size, 'size') : size;
    });
    read('resample', 'resample', () => parseResample(reader.json.resample, 'resample'));
    read('do_center_crop', 'doCenterCrop', () => reader.bool('do_center_crop', true));
    read('crop_size', 'cropSize', () => requireHeightWidth(parseSize(reader.json.crop_size, 'crop_size', true), 'crop_size'));
    read('do_rescale', 'doRescale', () => reader.bool('do_rescale', true));
    read('rescale_factor', 'rescaleFactor', () => reader.number('rescale_factor', 1 / 255));
    read('do_normalize', 'doNormalize', () => reader.bool('do_normalize', true));
    read('image_mean', 'imageMean', () => reader.channelNumbers('image_mean', [0.5, 0.5, 0.5]));
    read('image_std', 'imageStd', () => reader.channelNumbers('image_std', [0.5, 0.5, 0.5]));
    read('do_convert_rgb', 'doConvertRgb', () => reader.bool('do_convert_rgb', true));
    if (settings.imageStd?.includes(0)) throw reader.invalid('image_std', 'non-zero (it divides)');
    return settings as ImageProcessorSettings;
  }
}

/** A null in preprocessor_config.json means "the default", as the reference's `x if x is not None else default`. */
function withoutNulls(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([, value]) => value !== null));
}

function asList<T>(items: T | readonly T[]): readonly T[] {
  return Array.isArray(items) ? (items as readonly T[]) : [items as T];
}
