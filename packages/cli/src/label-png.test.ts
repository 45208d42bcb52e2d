import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { encodeLabelPng } from './label-png.js';

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
