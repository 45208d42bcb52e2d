// What a progressive JPEG of a few kilobytes can make the decoder spend: every scan is a pass over the
// whole image, so scans past `maxJpegScans` are refused from the file's markers before decoding.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RetinaError } from '../../errors.js';
import { progressiveGrayJpeg } from '../../testing/jpeg-writer.js';
import { measureInChild } from '../../testing/measure-in-child.js';
import { DEFAULT_MAX_JPEG_SCANS, loadImage } from '../load-image.js';

const dir = mkdtempSync(join(tmpdir(), 'retina-jpeg-scans-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A side × side progressive JPEG of `scans` scans, written to a file. */
function jpegFile(side: number, scans: number): string {
  const path = join(dir, `${side}-${scans}.jpg`);
  writeFileSync(path, progressiveGrayJpeg(side, side, scans - 2));
  return path;
}

describe('progressive JPEG scans', () => {
  it('refuses a 6 KB 1024x1024 JPEG of 300 scans faster than the same image decodes in 2 (decoding took 40 times as long)', async () => {
    const baseline = await measureInChild('loadImage', [jpegFile(1024, 2)], { repeat: 3 });
    const attack = await measureInChild('loadImage', [jpegFile(1024, 300)], { repeat: 3 });

    expect(baseline.value).toMatchObject({ decodedBytes: 1024 * 1024, channels: 1, firstPixel: [128, 128, 128, 128] });
    expect(attack.error).toMatchObject({ code: 'IMAGE_TOO_LARGE' });
    expect(attack.error?.message).toMatch(/^The JPEG has 300 scans, more than maxJpegScans = 100: .*raise the `maxJpegScans` option/);
    console.log(`1024x1024: 300 scans refused in ${attack.ms.toFixed(1)} ms; 2 scans decoded in ${baseline.ms.toFixed(1)} ms`);
    expect(attack.ms).toBeLessThan(baseline.ms);
  });

  it('decodes up to maxJpegScans scans (default 100), and more where the option allows', async () => {
    expect(DEFAULT_MAX_JPEG_SCANS).toBe(100);
    const jpeg = (scans: number) => progressiveGrayJpeg(64, 48, scans - 2);
    expect((await loadImage(jpeg(100))).data.every((value) => value === 128)).toBe(true);
    await expect(loadImage(jpeg(101))).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE', message: expect.stringMatching(/101 scans/) });
    expect((await loadImage(jpeg(101), { maxJpegScans: 101 })).width).toBe(64);
    await expect(loadImage(jpeg(3), { maxJpegScans: 2 })).rejects.toThrow(/has 3 scans, more than maxJpegScans = 2/);
  });

  it.each([0, 1.5, Number.NaN])('refuses maxJpegScans %s', async (maxJpegScans) => {
    const error = await loadImage(progressiveGrayJpeg(8, 8, 0), { maxJpegScans }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetinaError);
    expect(error).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/^maxJpegScans must be a positive whole number/),
    });
  });
});
