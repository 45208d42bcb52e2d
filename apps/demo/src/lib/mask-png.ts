import type { LabelMap } from '@retina/core';
import { encode } from 'fast-png';

/**
 * The label map as a grayscale PNG whose pixel values are class ids (the layout of segmentation
 * datasets' masks): 8-bit, or 16-bit when a class id exceeds 255.
 */
export function labelMapToPng(labelMap: LabelMap): Blob {
  const { width, height, data } = labelMap;
  const wide = data.some((id) => id > 255);
  const pixels = wide ? Uint16Array.from(data) : Uint8Array.from(data);
  const bytes = encode({ width, height, data: pixels, channels: 1, depth: wide ? 16 : 8 });
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/png' });
}
