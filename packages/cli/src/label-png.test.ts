import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { classColour, encodeLabelPng, encodePalettePng } from './label-png.js';

describe('encodeLabelPng', () => {
  const labelMap = { width: 3, height: 2, data: Int32Array.from([0, 1, 2, 255, 3, 0]) };

  it('writes 8-bit class ids for models with up to 256 labels', () => {
    const { png, depth } = encodeLabelPng(labelMap, 256);
    expect(depth).toBe(8);
    expect(decode(png)).toMatchObject({ width: 3, height: 2, depth: 8, channels: 1, data: Uint8Array.from(labelMap.data) });
  });

  it('writes 16-bit class ids for models with more labels', () => {
    const wide = { ...labelMap, data: Int32Array.from([0, 1, 2, 256, 300, 0]) };
    const { png, depth } = encodeLabelPng(wide, 301);
    expect(depth).toBe(16);
    expect(decode(png)).toMatchObject({ width: 3, height: 2, depth: 16, channels: 1, data: Uint16Array.from(wide.data) });
  });
});

describe('encodePalettePng', () => {
  it('paints each class in its own colour, 256 classes apart', () => {
    const colours = new Set(Array.from({ length: 256 }, (_, id) => classColour(id).join(',')));
    expect(colours.size).toBe(256);
    const labelMap = { width: 2, height: 2, data: Int32Array.from([0, 1, 1, 150]) };
    const { width, height, channels, data } = decode(encodePalettePng(labelMap));
    expect({ width, height, channels }).toEqual({ width: 2, height: 2, channels: 3 });
    const pixels = Array.from({ length: 4 }, (_, i) => Array.from(data.subarray(i * 3, i * 3 + 3)));
    expect(pixels).toEqual([classColour(0), classColour(1), classColour(1), classColour(150)]);
    expect(pixels[0]).not.toEqual(pixels[1]);
  });

  it('gives the HSV colours of golden-angle hues', () => {
    // Hue 0 (red) at saturation 0.7, value 0.95, computed by hand: (242, 73, 73).
    expect(classColour(0)).toEqual([242, 73, 73]);
  });
});
