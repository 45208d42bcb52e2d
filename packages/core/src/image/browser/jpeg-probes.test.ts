import { describe, expect, it } from 'vitest';
import { jpegCmykToRgb } from '../jpeg/cmyk-to-rgb.js';
import { jpegKind } from '../jpeg/jpeg-kind.js';
import { readJpegStructure } from '../jpeg/jpeg-structure.js';
import { decodeWithLibjpegTurbo } from '../jpeg/libjpeg-turbo.js';
import { fnv1a, probeBytes } from './jpeg-platform-check.js';
import { JPEG_PROBES } from './jpeg-probes.js';

describe('JPEG probes for the platform decoder', () => {
  it.each(Object.entries(JPEG_PROBES))(
    'the %s probe is of its kind and libjpeg-turbo decodes it to the Pillow pixels it records',
    async (kind, probe) => {
      const bytes = probeBytes(probe);
      expect(jpegKind(readJpegStructure(bytes))).toBe(kind);
      const { data, width, height, channels } = await decodeWithLibjpegTurbo(bytes);
      expect([width, height]).toEqual([probe.width, probe.height]);
      expect(fnv1a(channels === 4 ? jpegCmykToRgb(data) : data)).toBe(probe.pillowPixelsHash);
    },
  );

  it('a decoder one level off on one pixel misses the hash', async () => {
    const { data } = await decodeWithLibjpegTurbo(probeBytes(JPEG_PROBES.ycc420));
    data[100] = data[100]! ^ 1;
    expect(fnv1a(data)).not.toBe(JPEG_PROBES.ycc420.pillowPixelsHash);
  });
});
