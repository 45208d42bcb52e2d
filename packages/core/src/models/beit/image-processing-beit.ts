import { RetinaError } from '../../errors.js';
import type { ImageInput } from '../../image/image-input.js';
import { loadLabelMap } from '../../image/load-image.js';
import type { RawImage } from '../../image/raw-image.js';
import { Resample, resize } from '../../image/resample/index.js';
import { ConfigReader } from '../../config/config-reader.js';
import {
  ImageProcessor,
  type ImageProcessorOptions,
  type ImageProcessorOutput,
  type ImageProcessorSettings,
} from '../../processors/image-processor.js';
import type { PixelWindow } from '../../processors/pixel-values.js';
import { postProcessSemanticSegmentation, type LabelMap } from '../../processors/semantic-segmentation.js';
import { resizeOutputSize } from '../../processors/size.js';
import { Tensor } from '../../tensor.js';

const BEIT_PROCESSOR_DEFAULTS: Record<string, unknown> = {
  do_resize: true,
  size: { height: 256, width: 256 },
  resample: Resample.BICUBIC,
  do_center_crop: true,
  crop_size: { height: 224, width: 224 },
  do_rescale: true,
  rescale_factor: 1 / 255,
  do_normalize: true,
  image_mean: [0.5, 0.5, 0.5],
  image_std: [0.5, 0.5, 0.5],
  do_reduce_labels: false,
};

export interface BeitImageProcessorOptions extends ImageProcessorOptions {
  /** Label maps, one per image (L or palette PNGs, or 1-channel pixels): the result gets `labels`. */
  segmentationMaps?: ImageInput | readonly ImageInput[];
  /** Maps label 0 (background) to 255 and every other label k to k - 1, as ADE20k training does. */
  doReduceLabels?: boolean;
}

export interface BeitImageProcessorOutput extends ImageProcessorOutput {
  /** `[batch, height, width]` int64 class ids, present when segmentation maps were given. */
  labels?: Tensor<'int64'>;
}

/**
 * Transformers' BeitImageProcessor: exact-size resize, center crop, rescale, normalise, and label
 * maps for semantic segmentation. Unlike the reference, L, LA, P and RGBA images are converted to
 * RGB (the reference rejects them), since the model needs RGB and BiT's processor does the same.
 */
export class BeitImageProcessor extends ImageProcessor {
  readonly doReduceLabels: boolean;

  constructor(config: Record<string, unknown> = {}) {
    super({ name: 'BeitImageProcessor', defaults: BEIT_PROCESSOR_DEFAULTS, sizeDefaultToSquare: true, exactResizeOnly: true }, config);
    const reader = new ConfigReader(config, 'BeitImageProcessor config');
    // `reduce_labels` is the deprecated spelling older configs still carry.
    const legacy = reader.bool('reduce_labels', false);
    this.doReduceLabels = reader.bool('do_reduce_labels', legacy);
  }

  override async preprocess(
    images: ImageInput | readonly ImageInput[],
    options: BeitImageProcessorOptions = {},
  ): Promise<BeitImageProcessorOutput> {
    const output = await super.preprocess(images, options);
    if (options.segmentationMaps === undefined) return output;
    const maps = Array.isArray(options.segmentationMaps) ? options.segmentationMaps : [options.segmentationMaps];
    if (maps.length !== output.originalSizes.length) {
      throw new RetinaError(
        'INVALID_ARGUMENT',
        `Got ${maps.length} segmentation maps for ${output.originalSizes.length} images; pass one label map per image.`,
      );
    }
    const reduce = options.doReduceLabels ?? this.doReduceLabels;
    return { ...output, labels: await this.labels(maps, this.resolve(options), reduce, options) };
  }

  /** See {@link postProcessSemanticSegmentation}. */
  postProcessSemanticSegmentation(logits: Tensor<'float32'>, targetSizes?: ReadonlyArray<readonly [number, number]>): LabelMap[] {
    return postProcessSemanticSegmentation(logits, targetSizes);
  }

  /** Label maps take the image's geometry: same resize filter (as the reference), same crop. */
  private async labels(
    maps: readonly ImageInput[],
    settings: ImageProcessorSettings,
    reduce: boolean,
    options: BeitImageProcessorOptions,
  ): Promise<Tensor<'int64'>> {
    const prepared: Array<{ map: RawImage; window: PixelWindow }> = [];
    for (const input of maps) {
      let map = await loadLabelMap(input, options.load);
      if (reduce) map = reduceLabels(map);
      if (settings.doResize) {
        const target = resizeOutputSize(map.width, map.height, settings.size);
        map = resize(map, target.width, target.height, settings.resample);
      }
      prepared.push({ map, window: this.outputWindow(map, settings) });
    }
    const { height, width } = prepared[0]!.window;
    const out = new BigInt64Array(prepared.length * height * width);
    prepared.forEach(({ map, window }, i) => writeLabels(map, window, out, i * height * width));
    return new Tensor('int64', out, [prepared.length, height, width]);
  }
}

/** 0 (background) becomes 255 (ignored), k becomes k - 1, 255 stays 255. */
function reduceLabels(map: RawImage): RawImage {
  const data = new Uint8Array(map.data.length);
  for (let i = 0; i < data.length; i++) {
    const v = map.data[i]!;
    data[i] = v === 0 || v === 255 ? 255 : v - 1;
  }
  return { ...map, data };
}

/** Copies the window of a 1-channel map; outside the map reads 0, like the reference's zero padding. */
function writeLabels(map: RawImage, window: PixelWindow, out: BigInt64Array, offset: number): void {
  for (let y = 0; y < window.height; y++) {
    const sy = window.top + y;
    if (sy < 0 || sy >= map.height) continue;
    for (let x = 0; x < window.width; x++) {
      const sx = window.left + x;
      if (sx >= 0 && sx < map.width) out[offset + y * window.width + x] = BigInt(map.data[sy * map.width + sx]!);
    }
  }
}
