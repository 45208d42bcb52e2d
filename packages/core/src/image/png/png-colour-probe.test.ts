import { describe, expect, it } from 'vitest';
import { loadImage } from '../load-image.js';
import { colourProbe } from './png-colour-probe.js';
import { readPngChunks } from './png-structure.js';

describe('colourProbe', () => {
  it.each([
    [true, ['gAMA'] as const],
    [false, ['iCCP'] as const],
    [false, ['gAMA', 'cHRM', 'sRGB'] as const],
  ])('gray %s, %j: a valid PNG carrying those chunks, which decodes to its samples as Pillow would', async (gray, chunks) => {
    const { png, width, height, samples } = colourProbe(gray, chunks);
    expect(readPngChunks(png).colourChunks).toEqual(chunks);
    const image = await loadImage(png);
    expect([image.width, image.height, image.channels]).toEqual([width, height, gray ? 1 : 3]);
    expect(Array.from(image.data)).toEqual(Array.from(samples));
  });
});
