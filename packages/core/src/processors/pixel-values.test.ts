import { describe, expect, it } from 'vitest';
import { centerCropWindow, channelTables, writePixelValues } from './pixel-values.js';

describe('centerCropWindow', () => {
  it('centers with floor division, also when the image is smaller (odd padding included)', () => {
    expect(centerCropWindow(336, 224, 224, 224)).toEqual({ top: 0, left: 56, height: 224, width: 224 });
    expect(centerCropWindow(100, 150, 224, 224)).toEqual({ top: -37, left: -62, height: 224, width: 224 });
    expect(centerCropWindow(5, 3, 8, 8)).toEqual({ top: -3, left: -2, height: 8, width: 8 });
  });
});

describe('writePixelValues', () => {
  const identity = channelTables({ doRescale: false, rescaleFactor: 1, doNormalize: false, imageMean: [0, 0, 0], imageStd: [1, 1, 1] });

  it('pads outside the image with the value of 0 and writes channel-first', () => {
    const image = { data: new Uint8Array([10, 20, 30, 40, 50, 60]), width: 2, height: 1, channels: 3 as const };
    const out = new Float32Array(3 * 2 * 3);
    writePixelValues(image, 3, { top: -1, left: 0, height: 2, width: 3 }, identity, out, 0);
    expect(Array.from(out)).toEqual([0, 0, 0, 10, 40, 0, 0, 0, 0, 20, 50, 0, 0, 0, 0, 30, 60, 0]);
  });

  it('replicates one gray band and skips alpha', () => {
    const gray = { data: new Uint8Array([7, 255, 9, 255]), width: 2, height: 1, channels: 2 as const };
    const out = new Float32Array(6);
    writePixelValues(gray, 1, { top: 0, left: 0, height: 1, width: 2 }, identity, out, 0);
    expect(Array.from(out)).toEqual([7, 9, 7, 9, 7, 9]);
  });

  it('rescales in float64 then normalises in float32', () => {
    const [red] = channelTables({
      doRescale: true,
      rescaleFactor: 1 / 255,
      doNormalize: true,
      imageMean: [0.5, 0.5, 0.5],
      imageStd: [0.5, 0.5, 0.5],
    });
    expect(red![0]).toBe(-1);
    expect(red![255]).toBe(1);
    expect(red![128]).toBe(Math.fround(Math.fround(Math.fround(128 / 255) - 0.5) / 0.5));
  });
});
