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

/** A colour per class id: hues a golden angle apart, so neighbouring ids (often related classes) stay apart. */
export function classColour(id: number): [number, number, number] {
  const hue = ((id * 0.6180339887) % 1) * 6;
  const [saturation, value] = [0.7, 0.95];
  const channel = (n: number) => {
    const k = (n + hue) % 6;
    return Math.round(255 * value * (1 - saturation * Math.max(0, Math.min(k, 4 - k, 1))));
  };
  return [channel(5), channel(3), channel(1)];
}

/** A label map as an 8-bit RGB PNG, each class in its {@link classColour}: for people, where class ids look black. */
export function encodePalettePng(labelMap: LabelMap): Uint8Array {
  const data = new Uint8Array(labelMap.data.length * 3);
  labelMap.data.forEach((id, pixel) => data.set(classColour(id), pixel * 3));
  return encode({ width: labelMap.width, height: labelMap.height, data, depth: 8, channels: 3 });
}
