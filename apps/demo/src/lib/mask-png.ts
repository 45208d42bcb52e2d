import type { LabelMap } from '@retina/core';
import { encode } from 'fast-png';
import type { Rgba } from './palette.js';

/**
 * The label map as a grayscale PNG whose pixel values are class ids (the layout of segmentation
 * datasets' masks): 8-bit, or 16-bit when a class id exceeds 255.
 */
export function labelMapToPng(labelMap: LabelMap): Blob {
  const { width, height, data } = labelMap;
  const wide = data.some((id) => id > 255);
  const pixels = wide ? Uint16Array.from(data) : Uint8Array.from(data);
  return pngBlob(encode({ width, height, data: pixels, channels: 1, depth: wide ? 16 : 8 }));
}

/** The label map in the overlay's colours (RGBA, background clear): the mask for people to look at. */
export function labelMapToColourPng(labelMap: LabelMap, colours: ReadonlyMap<number, Rgba>): Blob {
  const { width, height, data } = labelMap;
  const pixels = new Uint8Array(data.length * 4);
  data.forEach((id, pixel) => pixels.set(colours.get(id) ?? [0, 0, 0, 0], pixel * 4));
  return pngBlob(encode({ width, height, data: pixels, channels: 4, depth: 8 }));
}

function pngBlob(bytes: Uint8Array): Blob {
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/png' });
}
