/** Largest image `loadImage` accepts unless `maxPixels` says otherwise: 2^26 pixels (8192 × 8192). */
export const DEFAULT_MAX_PIXELS = 2 ** 26;

/**
 * Most scans a JPEG may have unless `maxJpegScans` says otherwise: 100. Encoders write 1 (baseline) or
 * about 10 (progressive); each scan costs a pass over the whole image, and a few bytes can encode one
 * (libjpeg-turbo's report "Two Issues with the JPEG Standard"). LibreOffice refuses JPEGs past 100 scans,
 * nvImageCodec past 256, libjpeg-turbo's fuzzers past 500.
 */
export const DEFAULT_MAX_JPEG_SCANS = 100;

export interface LoadImageOptions {
  /**
   * Rotate/flip by the EXIF Orientation tag (PNG eXIf, JPEG APP1), like Pillow's
   * `ImageOps.exif_transpose`. Default false: the reference image processors ignore EXIF;
   * Transformers' `load_image` (used by pipelines) applies it.
   */
  applyExifOrientation?: boolean;
  /**
   * Refuse images with more pixels than this (default {@link DEFAULT_MAX_PIXELS}). Checked from
   * the file header before decoding, so an oversized file fails fast.
   */
  maxPixels?: number;
  /**
   * Refuse JPEGs of more scans than this (default {@link DEFAULT_MAX_JPEG_SCANS}), counted from the file's
   * markers before decoding, whichever decoder would read it.
   */
  maxJpegScans?: number;
  /**
   * Let opaque RGB images come back as RGBA with alpha 255 where the browser's decoder gives that
   * (PNG, JPEG, WebP...), saving a pass over every pixel. Image processors drop alpha anyway, so
   * this suits images that are only preprocessed; they set it themselves. Default false: Pillow's modes.
   */
  keepOpaqueAlpha?: boolean;
  /**
   * Which decoder reads JPEG files. `auto` (default): the browser's own where a probe showed it gives
   * Pillow's pixels for that kind of JPEG, else libjpeg-turbo compiled to WebAssembly (always in
   * Node). `wasm`: always libjpeg-turbo. Both give Pillow's pixels; the browser's is faster.
   */
  jpegDecoder?: 'auto' | 'wasm';
  /**
   * How an `<img>` is read. `file` (default): where its `currentSrc` is same-origin, `data:` or `blob:`, the
   * file is fetched again (usually from the browser's cache) and decoded like that URL, exactly as Pillow
   * does; other `<img>`s give what `rendered` gives. `rendered`: the pixels the browser drew, which it may
   * have colour-managed (ICC profile, PNG gamma) and turned upright (EXIF).
   */
  imageElement?: 'file' | 'rendered';
  /** Cancels fetching and decoding; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Used for URL inputs instead of the global `fetch`. */
  fetch?: typeof fetch;
}

/** What the decoded pixels are for: a picture, or a segmentation map of class indices. */
export type DecodePurpose = 'image' | 'labels';

export interface DecodeContext {
  purpose: DecodePurpose;
  keepOpaqueAlpha: boolean;
  applyExifOrientation: boolean;
  maxPixels: number;
  maxJpegScans: number;
  jpegDecoder: 'auto' | 'wasm';
  imageElement: 'file' | 'rendered';
  signal: AbortSignal | undefined;
  fetch: typeof fetch | undefined;
}
