import type { ExifOrientation } from './exif-orientation.js';
import type { RawImage } from './raw-image.js';

/**
 * Which decoder gave an image's pixels: the browser's own (`platform`), libjpeg-turbo compiled to
 * WebAssembly (`wasm`, JPEG), Retina's PNG decoder (`javascript`), or none (pixels, canvases).
 */
export type ImageDecoderName = 'platform' | 'wasm' | 'javascript' | 'none';

/** Pixels of a decoded file, as stored, with the EXIF orientation the file declares. */
export interface DecodedFile {
  image: RawImage;
  exifOrientation: ExifOrientation | undefined;
  decoder: ImageDecoderName;
}
