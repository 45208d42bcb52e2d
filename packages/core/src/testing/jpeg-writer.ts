// Test-only: writes progressive grayscale JPEGs byte by byte, independently of the decoders under test:
// every coefficient zero (a flat gray 128 image), with as many scans as asked. Each AC scan codes all of
// its blocks as end-of-band runs of up to 32,767 blocks in 18 bits, so a scan costs the decoder a pass
// over the image for a few bytes of file (the trick of libjpeg-turbo's "Two Issues with the JPEG Standard").
import { concatBytes } from '../onnx/protobuf-writer.js';

function segment(marker: number, body: readonly number[]): Uint8Array {
  const length = body.length + 2;
  return Uint8Array.from([0xff, marker, length >> 8, length & 0xff, ...body]);
}

/** Huffman-coded bits, most significant first, with 0xFF bytes stuffed and the last byte padded with ones. */
class BitWriter {
  readonly #bytes: number[] = [];
  #byte = 0;
  #count = 0;

  write(value: number, bits: number): void {
    for (let bit = bits - 1; bit >= 0; bit--) {
      this.#byte = (this.#byte << 1) | ((value >> bit) & 1);
      if (++this.#count === 8) this.#flush();
    }
  }

  finish(): Uint8Array {
    while (this.#count !== 0) this.write(1, 1);
    return Uint8Array.from(this.#bytes);
  }

  #flush(): void {
    this.#bytes.push(this.#byte);
    if (this.#byte === 0xff) this.#bytes.push(0);
    this.#byte = 0;
    this.#count = 0;
  }
}

/** Bits of end-of-band runs covering `blocks` blocks: the AC table codes EOBn (symbol n << 4) as the 4 bits of n. */
function endOfBandRuns(blocks: number): Uint8Array {
  const bits = new BitWriter();
  for (let left = blocks; left > 0;) {
    const run = Math.min(left, 2 ** 15 - 1);
    const r = Math.floor(Math.log2(run));
    bits.write(r, 4);
    bits.write(run - 2 ** r, r);
    left -= run;
  }
  return bits.finish();
}

/**
 * A `width` × `height` progressive grayscale JPEG of 2 + `refinements` scans: the DC scan, the first AC
 * scan (successive approximation bit 1), then `refinements` AC refinement scans (libjpeg warns that
 * repeating them is a bogus progression, and decodes every one).
 */
export function progressiveGrayJpeg(width: number, height: number, refinements: number): Uint8Array {
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  const counts = (length: number, symbols: number) => Array.from({ length: 16 }, (_, i) => (i === length - 1 ? symbols : 0));
  const dcBits = new BitWriter();
  for (let i = 0; i < blocks; i++) dcBits.write(0, 1);
  const scan = (ss: number, se: number, approximation: number, data: Uint8Array) =>
    concatBytes([segment(0xda, [1, 1, 0x00, ss, se, approximation]), data]);
  const acRuns = endOfBandRuns(blocks);
  return concatBytes([
    Uint8Array.of(0xff, 0xd8),
    segment(0xdb, [0, ...new Array<number>(64).fill(1)]),
    segment(0xc2, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]),
    // DC table: category 0 (no difference) as the 1-bit code 0. AC table: EOB0..EOB14 as 4-bit codes 0..14.
    segment(0xc4, [0x00, ...counts(1, 1), 0x00]),
    segment(0xc4, [0x10, ...counts(4, 15), ...Array.from({ length: 15 }, (_, r) => r << 4)]),
    scan(0, 0, 0x00, dcBits.finish()),
    scan(1, 63, 0x01, acRuns),
    ...Array.from({ length: refinements }, () => scan(1, 63, 0x10, acRuns)),
    Uint8Array.of(0xff, 0xd9),
  ]);
}
