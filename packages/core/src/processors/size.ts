import { RetinaError } from '../errors.js';

/** A size as preprocessor configs write it: exact height × width, or the target of the shorter edge. */
export type SizeDict = { height: number; width: number } | { shortest_edge: number; longest_edge?: number };

/** What a `size`/`crop_size` value may be: a size dict, an int, or [height, width]. */
export type SizeInput = SizeDict | number | readonly [number, number];

/**
 * Normalises a size value the way Transformers' `get_size_dict` does: an int means a square when
 * `defaultToSquare`, else the shortest edge; a pair is (height, width).
 */
export function parseSize(value: unknown, key: string, defaultToSquare: boolean): SizeDict {
  const bad = (expected: string): never => {
    throw new RetinaError(
      'INVALID_CONFIG',
      `"${key}" must be ${expected}, got ${JSON.stringify(value)}. Use {"height": H, "width": W}, {"shortest_edge": S} or an integer.`,
    );
  };
  if (isPositiveInt(value)) return defaultToSquare ? { height: value, width: value } : { shortest_edge: value };
  if (Array.isArray(value)) {
    const [height, width] = value as unknown[];
    if (value.length === 2 && isPositiveInt(height) && isPositiveInt(width)) return { height, width };
    return bad('a [height, width] pair of positive integers');
  }
  if (typeof value !== 'object' || value === null) return bad('a size');
  const dict = value as Record<string, unknown>;
  const keys = Object.keys(dict).sort().join(',');
  if (keys === 'height,width' && isPositiveInt(dict.height) && isPositiveInt(dict.width)) {
    return { height: dict.height, width: dict.width };
  }
  if (keys === 'shortest_edge' && isPositiveInt(dict.shortest_edge)) return { shortest_edge: dict.shortest_edge };
  if (keys === 'longest_edge,shortest_edge' && isPositiveInt(dict.shortest_edge) && isPositiveInt(dict.longest_edge)) {
    return { shortest_edge: dict.shortest_edge, longest_edge: dict.longest_edge };
  }
  return bad('{height, width}, {shortest_edge} or {shortest_edge, longest_edge} with positive integers');
}

/** Requires an exact height × width size (crop sizes, BEiT's resize). */
export function requireHeightWidth(size: SizeDict, key: string): { height: number; width: number } {
  if ('height' in size) return size;
  throw new RetinaError('INVALID_CONFIG', `"${key}" must give "height" and "width" for this processor, got ${JSON.stringify(size)}.`);
}

/**
 * Output size of a resize, as Transformers' `get_resize_output_image_size`: an exact size is used
 * as is; a shortest edge S scales the short side to S and the long side to int(S * long / short),
 * truncated, capped by `longest_edge` when given.
 */
export function resizeOutputSize(width: number, height: number, size: SizeDict): { width: number; height: number } {
  if ('height' in size) return { width: size.width, height: size.height };
  const [short, long] = width <= height ? [width, height] : [height, width];
  let newShort = size.shortest_edge;
  let newLong = Math.trunc((newShort * long) / short);
  const maxLong = size.longest_edge;
  if (maxLong !== undefined && newLong > maxLong) {
    newShort = Math.trunc((maxLong * newShort) / newLong);
    newLong = maxLong;
  }
  return width <= height ? { width: newShort, height: newLong } : { width: newLong, height: newShort };
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}
