import { RetinaError } from '../errors.js';
import type { RawPixels } from './image-input.js';
import type { DecodePurpose } from './load-options.js';
import { checkImageSize } from './pixel-budget.js';
import type { RawImage } from './raw-image.js';

function invalid(problem: string, fix: string): RetinaError {
  return new RetinaError('INVALID_IMAGE', `${problem}. ${fix}`);
}

/**
 * Float pixels in [0, 1] become 8-bit the way Transformers hands floats to Pillow:
 * `x * 255`, rounded to float32, then truncated. (Transformers skips the scaling when every
 * value happens to be a whole number, so an all-0/1 float image there gives 0/1; here floats
 * always mean [0, 1].)
 */
function floatsToUint8(data: Float32Array | Float64Array): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const x = data[i]!;
    if (!(x >= 0 && x <= 1)) {
      throw invalid(
        `Float pixel data must be finite and within [0, 1]; value ${x} at index ${i} is not`,
        'Scale float images to [0, 1] (or pass 0-255 values in a Uint8Array) and replace NaN/Infinity.',
      );
    }
    out[i] = Math.trunc(Math.fround(x * 255));
  }
  return out;
}

/** Validates pixels given as `{data, width, height, channels}` and returns them as 8-bit. */
export function rawPixelsToImage(input: RawPixels, maxPixels: number, purpose: DecodePurpose): RawImage {
  const { data, width, height, channels } = input;
  if (!([1, 2, 3, 4] as unknown[]).includes(channels)) {
    throw invalid(
      `Raw pixels have channels = ${String(channels)}`,
      'Use 1 (L), 2 (LA), 3 (RGB) or 4 (RGBA) channels, interleaved as height × width × channels.',
    );
  }
  checkImageSize(width, height, maxPixels, 'The raw pixel image');
  const isFloat = data instanceof Float32Array || data instanceof Float64Array;
  if (!isFloat && !(data instanceof Uint8Array) && !(data instanceof Uint8ClampedArray)) {
    throw new RetinaError(
      'INVALID_ARGUMENT',
      `Raw pixel data must be a Uint8Array, Uint8ClampedArray, Float32Array or Float64Array, got ${Object.prototype.toString.call(data)}. ` +
        'Convert the data to one of these typed arrays.',
    );
  }
  const expected = width * height * channels;
  if (data.length !== expected) {
    throw invalid(
      `Raw pixel data has ${data.length} values, but ${width}x${height} with ${channels} channels needs ${expected}`,
      'Check width, height and channels; data must be interleaved height × width × channels with no row padding.',
    );
  }
  if (isFloat && purpose === 'labels') {
    throw invalid('A label map was given as float data', 'Pass class indices 0-255 as a Uint8Array with channels = 1.');
  }
  return { data: isFloat ? floatsToUint8(data) : data, width, height, channels };
}
