import { describe, expect, it } from 'vitest';
import { Tensor } from '../tensor.js';
import { readBin, readJson, type BinDescriptor } from '../testing/fixtures.js';
import { postProcessSemanticSegmentation } from './semantic-segmentation.js';

const golden = readJson('models', 'beit-seg', 'golden', 'golden.json');
const base = ['models', 'beit-seg', 'golden'];

describe('postProcessSemanticSegmentation', () => {
  const native = golden.cases.find((c: { name: string }) => c.name === 'native');
  const logitsDesc = native.outputs.logits as BinDescriptor;
  const logits = new Tensor('float32', readBin(logitsDesc, ...base) as Float32Array, logitsDesc.shape);

  for (const entry of golden.post_process_semantic_segmentation as Array<{
    target_sizes: Array<[number, number]> | null;
    maps: Array<BinDescriptor & { 'pixels_with_margin_below_1e-4': number }>;
  }>) {
    it(`equals the reference with target sizes ${JSON.stringify(entry.target_sizes)}`, () => {
      const maps = postProcessSemanticSegmentation(logits, entry.target_sizes ?? undefined);
      entry.maps.forEach((desc, i) => {
        const expected = readBin(desc, ...base) as Int32Array;
        const map = maps[i]!;
        expect([map.height, map.width]).toEqual(desc.shape);
        let mismatches = 0;
        for (let p = 0; p < expected.length; p++) if (expected[p] !== map.data[p]) mismatches++;
        // Pixels whose two best classes are closer than the model tolerance may go either way.
        expect(mismatches).toBeLessThanOrEqual(desc['pixels_with_margin_below_1e-4']);
        if (mismatches) console.log(`${desc.file}: ${mismatches} near-tie pixel(s) differ`);
      });
    });
  }

  it('takes the same classes as interpolating every class at every pixel', () => {
    // A plain per-pixel, per-class bilinear interpolation (PyTorch's float32 order) as the oracle
    // for the shortcut that skips pixels whose four source pixels agree.
    const [, classes, inH, inW] = logits.dims as [number, number, number, number];
    const [outH, outW] = [97, 131];
    const taps = (inSize: number, outSize: number, d: number) => {
      const scale = Math.fround(inSize / outSize);
      const src = Math.max(0, Math.fround(Math.fround(scale * Math.fround(d + 0.5)) - 0.5));
      const i0 = Math.floor(src);
      const w1 = Math.fround(src - i0);
      return { i0, i1: Math.min(i0 + 1, inSize - 1), w0: Math.fround(1 - w1), w1 };
    };
    const [map] = postProcessSemanticSegmentation(logits, [
      [outH, outW],
      [1, 1],
    ]);
    let differ = 0;
    for (let y = 0; y < outH; y++) {
      const ty = taps(inH, outH, y);
      for (let x = 0; x < outW; x++) {
        const tx = taps(inW, outW, x);
        let best = -Infinity;
        let label = -1;
        for (let c = 0; c < classes; c++) {
          const at = (yy: number, xx: number) => logits.data[c * inH * inW + yy * inW + xx]!;
          const top = Math.fround(Math.fround(at(ty.i0, tx.i0) * tx.w0) + Math.fround(at(ty.i0, tx.i1) * tx.w1));
          const bottom = Math.fround(Math.fround(at(ty.i1, tx.i0) * tx.w0) + Math.fround(at(ty.i1, tx.i1) * tx.w1));
          const v = Math.fround(Math.fround(top * ty.w0) + Math.fround(bottom * ty.w1));
          if (v > best) [best, label] = [v, c];
        }
        if (map!.data[y * outW + x] !== label) differ++;
      }
    }
    expect(differ).toBe(0);
  });

  it('rejects a wrong number of target sizes and bad logits', () => {
    expect(() => postProcessSemanticSegmentation(logits, [[4, 4]])).toThrow(/1 target sizes for a batch of 2/);
    expect(() => postProcessSemanticSegmentation(new Tensor('float32', new Float32Array(4), [4]))).toThrow(/\[batch, classes/);
    expect(() =>
      postProcessSemanticSegmentation(logits, [
        [0, 4],
        [4, 4],
      ]),
    ).toThrow(/positive integers/);
  });
});
