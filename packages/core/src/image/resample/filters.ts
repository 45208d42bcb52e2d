// Pillow's resampling filters: the integer codes preprocessor configs use, and the convolution
// kernels behind them (libImaging/Resample.c), evaluated in double precision with the same
// operation order as Pillow.
import { RetinaError } from '../../errors.js';

export const Resample = { NEAREST: 0, LANCZOS: 1, BILINEAR: 2, BICUBIC: 3, BOX: 4, HAMMING: 5 } as const;
export type ResampleFilter = (typeof Resample)[keyof typeof Resample];

const FILTER_NAMES = ['NEAREST', 'LANCZOS', 'BILINEAR', 'BICUBIC', 'BOX', 'HAMMING'] as const;
/** The valid codes with their names, for error messages. */
export const VALID_CODES = FILTER_NAMES.map((name, code) => `${code} (${name})`).join(', ');

/** Whether `value` is one of Pillow's filter codes. */
export function isResampleFilter(value: unknown): value is ResampleFilter {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < FILTER_NAMES.length;
}

/** Parses a preprocessor_config `resample` value (Pillow's integer filter code). */
export function parseResample(value: unknown, key = 'resample'): ResampleFilter {
  if (isResampleFilter(value)) return value;
  throw new RetinaError(
    'INVALID_CONFIG',
    `"${key}" is ${JSON.stringify(value) ?? String(value)}, which is not a Pillow resampling filter; use one of ${VALID_CODES}.`,
  );
}

export interface Kernel {
  support: number;
  weight(x: number): number;
}

// Pillow writes these two constants as C floats (0.54f, 0.46f).
const HAMMING_A = Math.fround(0.54);
const HAMMING_B = Math.fround(0.46);
const BICUBIC_A = -0.5;

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = x * Math.PI;
  return Math.sin(px) / px;
}

/** The convolution kernel of every filter but NEAREST (which maps pixels instead, see nearest.ts). */
export const KERNELS: Record<Exclude<ResampleFilter, 0>, Kernel> = {
  [Resample.BOX]: { support: 0.5, weight: (x) => (x > -0.5 && x <= 0.5 ? 1 : 0) },
  [Resample.BILINEAR]: {
    support: 1,
    weight: (x) => {
      const ax = Math.abs(x);
      return ax < 1 ? 1 - ax : 0;
    },
  },
  [Resample.HAMMING]: {
    support: 1,
    weight: (x) => {
      const ax = Math.abs(x);
      if (ax === 0) return 1;
      if (ax >= 1) return 0;
      const px = ax * Math.PI;
      return (Math.sin(px) / px) * (HAMMING_A + HAMMING_B * Math.cos(px));
    },
  },
  [Resample.BICUBIC]: {
    support: 2,
    weight: (x) => {
      const ax = Math.abs(x);
      if (ax < 1) return ((BICUBIC_A + 2) * ax - (BICUBIC_A + 3)) * ax * ax + 1;
      if (ax < 2) return (((ax - 5) * ax + 8) * ax - 4) * BICUBIC_A;
      return 0;
    },
  },
  [Resample.LANCZOS]: { support: 3, weight: (x) => (x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0) },
};
