import { describe, expect, it } from 'vitest';
import { buildIccProfile, DISPLAY_P3_LIKE, LINEAR_GRAY } from './icc-profile.js';

/** The header fields and tag table an ICC reader checks first. */
function readProfile(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  const count = view.getUint32(128);
  const tags = Array.from({ length: count }, (_, i) => {
    const at = 132 + i * 12;
    return { signature: text(at), offset: view.getUint32(at + 4), size: view.getUint32(at + 8) };
  });
  return {
    size: view.getUint32(0),
    version: bytes[8],
    deviceClass: text(12),
    colourSpace: text(16),
    pcs: text(20),
    magic: text(36),
    tags,
    text,
  };
}

describe('buildIccProfile', () => {
  it.each([
    ['RGB', DISPLAY_P3_LIKE, ['desc', 'cprt', 'wtpt', 'rXYZ', 'gXYZ', 'bXYZ', 'rTRC', 'gTRC', 'bTRC']],
    ['GRAY', LINEAR_GRAY, ['desc', 'cprt', 'wtpt', 'kTRC']],
  ] as const)('writes a v2 %s display profile whose tags lie inside it, 4-byte aligned, with their types', (space, profile, signatures) => {
    const bytes = buildIccProfile(profile);
    const read = readProfile(bytes);
    expect(read).toMatchObject({
      size: bytes.length,
      version: 2,
      deviceClass: 'mntr',
      colourSpace: space.padEnd(4),
      pcs: 'XYZ ',
      magic: 'acsp',
    });
    expect(read.tags.map((tag) => tag.signature)).toEqual(signatures);
    const types: Record<string, string> = { desc: 'desc', cprt: 'text', wtpt: 'XYZ ' };
    for (const { signature, offset, size } of read.tags) {
      expect(offset % 4, signature).toBe(0);
      expect(offset + size, signature).toBeLessThanOrEqual(bytes.length);
      expect(read.text(offset), signature).toBe(types[signature] ?? (signature.endsWith('TRC') ? 'curv' : 'XYZ '));
    }
  });
});
