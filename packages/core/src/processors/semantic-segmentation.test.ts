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

  it('rejects a wrong number of target sizes and bad logits', () => {
    expect(() => postProcessSemanticSegmentation(logits, [[4, 4]])).toThrow(/1 target sizes for a batch of 2/);
    expect(() => postProcessSemanticSegmentation(new Tensor('float32', new Float32Array(4), [4]))).toThrow(/\[batch, classes/);
    expect(() => postProcessSemanticSegmentation(logits, [[0, 4], [4, 4]])).toThrow(/positive integers/);
  });
});
