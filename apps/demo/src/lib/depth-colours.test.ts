import { describe, expect, it } from 'vitest';
import { depthColour, depthGradientCss } from './depth-colours.js';

describe('depth colour map', () => {
  it('runs from inferno black (far) to pale yellow (near), brighter at every step', () => {
    expect(depthColour(0)).toEqual([0, 0, 4]);
    expect(depthColour(255)).toEqual([252, 255, 164]);
    const luminance = ([r, g, b]: number[]) => 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    for (let v = 1; v < 256; v++) expect(luminance(depthColour(v))).toBeGreaterThanOrEqual(luminance(depthColour(v - 1)));
  });

  it('gives the legend the same stops from 0 % to 100 %', () => {
    const css = depthGradientCss();
    expect(css).toMatch(/^linear-gradient\(to right, rgb\(0 0 4\) 0\.0%, .* rgb\(252 255 164\) 100\.0%\)$/);
  });
});
