import type { ImageDecoderName } from '../image/decoded-file.js';

/** Milliseconds one pipeline call spent in each stage, by `performance.now()`. */
export interface PipelineTimings {
  /** Reading and decoding the inputs into pixels. */
  decode: number;
  /** Per image, which decoder gave its pixels: the browser's (`platform`), libjpeg-turbo WebAssembly (`wasm`), Retina's PNG decoder (`javascript`), or `none`. */
  decoders: ImageDecoderName[];
  /** The image processor: resize, crop, rescale and normalise into `pixel_values`. */
  preprocess: number;
  /** Running the model. */
  inference: number;
  /** Turning the model's outputs into results: scores and top-k, label maps and masks, features. */
  postprocess: number;
  /** Where post-processing read the outputs: `gpu` when a WebGPU session left them in GPU memory (segmentation). */
  postprocessDevice: 'cpu' | 'gpu';
  /** The whole call; at least the sum of the stages. */
  total: number;
}

/** Times consecutive laps from the moment it is made. */
export class LapTimer {
  readonly #started = performance.now();
  #lapStarted = this.#started;

  /** Milliseconds since the previous lap ended (or the timer started). */
  lap(): number {
    const now = performance.now();
    const ms = now - this.#lapStarted;
    this.#lapStarted = now;
    return ms;
  }

  /** Milliseconds since the timer started. */
  total(): number {
    return performance.now() - this.#started;
  }
}
