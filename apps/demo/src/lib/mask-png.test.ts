import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { labelMapToColourPng, labelMapToPng } from './mask-png.js';

const labelMap = { width: 2, height: 2, data: Int32Array.from([0, 3, 3, 7]) };

async function decoded(blob: Blob) {
  return decode(new Uint8Array(await blob.arrayBuffer()));
}

describe('mask PNGs', () => {
  it('keeps the class ids as 8-bit gray levels', async () => {
    expect(await decoded(labelMapToPng(labelMap))).toMatchObject({ width: 2, height: 2, channels: 1, data: Uint8Array.from([0, 3, 3, 7]) });
  });

  it('paints each class in its overlay colour, clear where a class has none', async () => {
    const colours = new Map([
      [0, [0, 0, 0, 0] as const],
      [3, [31, 119, 180, 255] as const],
    ]);
    const png = await decoded(labelMapToColourPng(labelMap, colours));
    expect(png).toMatchObject({ width: 2, height: 2, channels: 4, depth: 8 });
    expect(Array.from(png.data)).toEqual([0, 0, 0, 0, 31, 119, 180, 255, 31, 119, 180, 255, 0, 0, 0, 0]);
  });
});
