// Runs the convolution plan on the WebAssembly SIMD kernel: lays out source rows, the
// intermediate rows and the packed coefficient tables in the kernel's memory, calls its exports
// and copies the result out.
import type { CoefficientTable } from './coefficients.js';
import type { ConvolutionPlan } from './convolution-plan.js';
import { selectBands } from './select-bands.js';
import type { SimdKernel } from './wasm-instance.js';
import { runConv } from './wasm-kernel.js';

const SOURCE_BLOCK_BYTES = 1 << 19;

/** Slack after each buffer: the kernel reads and writes whole 4-byte groups, and one zero-weight tap past a window. */
const SLACK = 16;

/** Hands out 16-byte-aligned byte ranges of the kernel's memory. */
class MemoryPlan {
  size = 0;
  take(bytes: number): number {
    const at = this.size;
    this.size += Math.ceil((bytes + SLACK) / 16) * 16;
    return at;
  }
}

/** A coefficient table in the kernel's format: byte offsets, tap-pair counts, packed i16 weight pairs. */
interface PackedTable {
  offsets: Int32Array;
  pairs: Int32Array;
  weights: Int32Array;
  weightsStride: number;
}

function packTable(table: CoefficientTable, bytesPerTap: number): PackedTable {
  const { first, count, weights, stride } = table;
  const pairStride = Math.ceil(stride / 2);
  const packed = new Int32Array(first.length * pairStride * 2);
  for (let u = 0; u < first.length; u++) {
    const n = count[u]!;
    for (let i = 0; i < n; i += 2) {
      const k0 = weights[u * stride + i]!;
      const k1 = i + 1 < n ? weights[u * stride + i + 1]! : 0;
      const at = (u * pairStride + i / 2) * 2;
      packed[at] = ((k0 >> 15) & 0xffff) | ((k1 >> 15) << 16);
      packed[at + 1] = (k0 & 0x7fff) | ((k1 & 0x7fff) << 16);
    }
  }
  return {
    offsets: first.map((f) => f * bytesPerTap),
    pairs: count.map((n) => Math.ceil(n / 2)),
    weights: packed,
    weightsStride: pairStride * 8,
  };
}

interface PlacedTable {
  offsets: number;
  pairs: number;
  weights: number;
  weightsStride: number;
}

function placeTable(memory: MemoryPlan, table: PackedTable): { table: PackedTable; at: PlacedTable } {
  const at = {
    offsets: memory.take(table.offsets.byteLength),
    pairs: memory.take(table.pairs.byteLength),
    weights: memory.take(table.weights.byteLength),
    weightsStride: table.weightsStride,
  };
  return { table, at };
}

function writeTable(heap: ArrayBuffer, { table, at }: { table: PackedTable; at: PlacedTable }): void {
  new Int32Array(heap, at.offsets, table.offsets.length).set(table.offsets);
  new Int32Array(heap, at.pairs, table.pairs.length).set(table.pairs);
  new Int32Array(heap, at.weights, table.weights.length).set(table.weights);
}

/** Grows the kernel's memory to `bytes`; it is kept (WebAssembly memory cannot shrink) and reused. */
function ensureCapacity(memory: WebAssembly.Memory, bytes: number): ArrayBuffer {
  const missing = bytes - memory.buffer.byteLength;
  if (missing > 0) memory.grow(Math.ceil(missing / 65536));
  return memory.buffer;
}

/** Copies `rows` rows of `rowBytes` bytes, `pitch` bytes apart, out of the kernel's memory. */
function readRows(bytes: Uint8Array, at: number, pitch: number, rowBytes: number, rows: number): Uint8Array {
  if (pitch === rowBytes) return bytes.slice(at, at + rows * rowBytes);
  const out = new Uint8Array(rows * rowBytes);
  for (let y = 0; y < rows; y++) out.set(bytes.subarray(at + y * pitch, at + y * pitch + rowBytes), y * rowBytes);
  return out;
}

export function convolveSimd(kernel: SimdKernel, plan: ConvolutionPlan): Uint8Array {
  const { src, srcWidth, srcStride, bands, rowStart, rows, outWidth, horizontal, vertical } = plan;
  const srcRowBytes = srcWidth * srcStride;
  const rowBytes = outWidth * bands;
  // Horizontal twins are two rows: a 4-byte store past a row's end must not hit the next row.
  const midPitch = horizontal ? rowBytes + 4 : rowBytes;
  const height = vertical ? vertical.first.length : rows;
  // Source rows go through the kernel's memory in cache-sized blocks of an even number of rows.
  const blockRows = Math.max(2, 2 * Math.floor(SOURCE_BLOCK_BYTES / (2 * srcRowBytes)));
  const memory = new MemoryPlan();
  // One spare row each: the twin of an odd last row, and the zero-weight tap past the last row.
  const srcAt = memory.take(horizontal ? (blockRows + 1) * srcRowBytes : 0);
  const midAt = memory.take((rows + 1) * midPitch);
  const outAt = vertical ? memory.take(height * rowBytes) : midAt;
  const h = horizontal && placeTable(memory, packTable(horizontal, srcStride));
  const v = vertical && placeTable(memory, packTable(vertical, midPitch));
  const heap = ensureCapacity(kernel.memory, memory.size);
  const bytes = new Uint8Array(heap);
  if (h) {
    writeTable(heap, h);
    for (let y = 0; y < rows; y += blockRows) {
      const blockEnd = Math.min(y + blockRows, rows);
      bytes.set(src.subarray((rowStart + y) * srcRowBytes, (rowStart + blockEnd) * srcRowBytes), srcAt);
      runConv(kernel.exports[`pixels${srcStride}`]!, {
        src: srcAt,
        srcOuterStep: 2 * srcRowBytes,
        srcInnerStep: 0,
        srcTwin: srcRowBytes,
        gap: srcStride,
        outer: Math.ceil((blockEnd - y) / 2),
        inner: rowBytes / bands,
        tableOuterStep: 0,
        tableInnerStep: 1,
        ...h.at,
        out: midAt + y * midPitch,
        outOuterStep: 2 * midPitch,
        outInnerStep: bands,
        outTwin: midPitch,
      });
    }
  } else {
    bytes.set(selectBands(src, srcWidth, srcStride, bands, rowStart, rows), midAt);
  }
  if (!v) return readRows(bytes, midAt, midPitch, rowBytes, rows);
  writeTable(heap, v);
  runConv(kernel.exports.rows!, {
    src: midAt,
    srcOuterStep: 0,
    srcInnerStep: 8,
    srcTwin: 4,
    gap: midPitch,
    outer: height,
    inner: Math.ceil(rowBytes / 8),
    tableOuterStep: 1,
    tableInnerStep: 0,
    ...v.at,
    out: outAt,
    outOuterStep: rowBytes,
    outInnerStep: 8,
    outTwin: 4,
  });
  return bytes.slice(outAt, outAt + height * rowBytes);
}
