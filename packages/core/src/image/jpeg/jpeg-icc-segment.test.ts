import { describe, expect, it } from 'vitest';
import { countMismatches, readBytes } from '../../testing/fixtures.js';
import { buildIccProfile, DISPLAY_P3_LIKE, LINEAR_GRAY } from '../icc-profile.js';
import { loadImage } from '../load-image.js';
import { insertIccProfile } from './jpeg-icc-segment.js';
import { readJpegStructure } from './jpeg-structure.js';

describe('ICC profiles in JPEG files', () => {
  it.each([
    ['chelsea-q75-420', DISPLAY_P3_LIKE],
    ['camera-gray', LINEAR_GRAY],
  ] as const)(
    '%s: the structure tells a tagged file, and libjpeg-turbo decodes it to the untagged pixels, as Pillow does',
    async (id, profile) => {
      const file = readBytes('jpeg', `${id}.jpg`);
      const tagged = insertIccProfile(file, buildIccProfile(profile));
      expect(readJpegStructure(file).iccProfile).toBe(false);
      expect(readJpegStructure(tagged).iccProfile).toBe(true);
      expect(countMismatches((await loadImage(tagged)).data, readBytes('jpeg', `${id}.bin`))).toBe(0);
    },
  );

  it('goes after the JFIF segment, which must stay first', () => {
    const file = readBytes('jpeg', 'chelsea-q75-420.jpg');
    const tagged = insertIccProfile(file, buildIccProfile(DISPLAY_P3_LIKE));
    const jfifEnd = 4 + ((file[4]! << 8) | file[5]!);
    expect(Array.from(tagged.subarray(0, jfifEnd))).toEqual(Array.from(file.subarray(0, jfifEnd)));
    expect([tagged[jfifEnd], tagged[jfifEnd + 1]]).toEqual([0xff, 0xe2]);
  });
});
