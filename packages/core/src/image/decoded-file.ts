import type { ExifOrientation } from './exif-orientation.js';
import type { RawImage } from './raw-image.js';

/** Pixels of a decoded file, as stored, with the EXIF orientation the file declares. */
export interface DecodedFile {
  image: RawImage;
  exifOrientation: ExifOrientation | undefined;
}
