import { encode } from 'fast-png';
import type { LabelMap } from '@retina/core';

/**
 * A label map as a grayscale PNG whose pixel values are the class ids: 8-bit while every id of the
 * model fits (at most 256 labels), else 16-bit. The depth depends on the model, not on which ids occur.
 */
export function encodeLabelPng(labelMap: LabelMap, numLabels: number): { png: Uint8Array; depth: 8 | 16 } {
  const depth = numLabels <= 256 ? 8 : 16;
  const data = depth === 8 ? Uint8Array.from(labelMap.data) : Uint16Array.from(labelMap.data);
  return { png: encode({ width: labelMap.width, height: labelMap.height, data, depth, channels: 1 }), depth };
}
