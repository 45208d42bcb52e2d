import { describe, expect, it } from 'vitest';
import { parseSize, requireHeightWidth, resizeOutputSize } from './size.js';

describe('parseSize', () => {
  it('reads an int as the shortest edge, or as a square when defaultToSquare', () => {
    expect(parseSize(224, 'size', false)).toEqual({ shortest_edge: 224 });
    expect(parseSize(224, 'size', true)).toEqual({ height: 224, width: 224 });
  });

  it('reads [height, width] pairs and size dicts', () => {
    expect(parseSize([48, 80], 'size', false)).toEqual({ height: 48, width: 80 });
    expect(parseSize({ height: 640, width: 640 }, 'size', false)).toEqual({ height: 640, width: 640 });
    expect(parseSize({ shortest_edge: 256, longest_edge: 400 }, 'size', false)).toEqual({ shortest_edge: 256, longest_edge: 400 });
  });

  it('names the key and the accepted forms when the value is wrong', () => {
    expect(() => parseSize({ height: 224 }, 'crop_size', true)).toThrow(/"crop_size" must be .*\{"height": H, "width": W\}/);
    expect(() => parseSize('224', 'size', false)).toThrow(/"size" must be a size, got "224"/);
    expect(() => parseSize(0, 'size', false)).toThrow(/"size"/);
    expect(() => parseSize([1.5, 2], 'size', false)).toThrow(/\[height, width\] pair/);
  });

  it('requires height and width where the processor needs an exact size', () => {
    expect(() => requireHeightWidth({ shortest_edge: 3 }, 'size')).toThrow(/"size" must give "height" and "width"/);
  });
});

describe('resizeOutputSize', () => {
  it('truncates the long side like int(S * long / short)', () => {
    // 451x300 → 336x224 is stated in the fixtures README; 224*451/300 = 336.75.
    expect(resizeOutputSize(451, 300, { shortest_edge: 224 })).toEqual({ width: 336, height: 224 });
    expect(resizeOutputSize(100, 150, { shortest_edge: 224 })).toEqual({ width: 224, height: 336 });
    expect(resizeOutputSize(64, 1, { shortest_edge: 224 })).toEqual({ width: 14336, height: 224 });
  });

  it('keeps a square image square and uses exact sizes as given', () => {
    expect(resizeOutputSize(512, 512, { shortest_edge: 224 })).toEqual({ width: 224, height: 224 });
    expect(resizeOutputSize(451, 300, { height: 640, width: 320 })).toEqual({ width: 320, height: 640 });
  });

  it('caps the long side at longest_edge', () => {
    expect(resizeOutputSize(1000, 100, { shortest_edge: 224, longest_edge: 1000 })).toEqual({ width: 1000, height: 100 });
  });
});
