// Pillow 9.4's Image.resize on 8-bit images, reproduced bit for bit: separable convolution with
// fixed-point coefficients (libImaging/Resample.c) and NEAREST through the affine scale
// (libImaging/Geometry.c). Written from the description of those algorithms, not copied.
import { RetinaError } from '../errors.js';
import type { ChannelCount, RawImage } from './raw-image.js';

export const Resample = { NEAREST: 0, LANCZOS: 1, BILINEAR: 2, BICUBIC: 3, BOX: 4, HAMMING: 5 } as const;
export type ResampleFilter = (typeof Resample)[keyof typeof Resample];

const FILTER_NAMES = ['NEAREST', 'LANCZOS', 'BILINEAR', 'BICUBIC', 'BOX', 'HAMMING'] as const;
const VALID_CODES = FILTER_NAMES.map((name, code) => `${code} (${name})`).join(', ');

/** Parses a preprocessor_config `resample` value (Pillow's integer filter code). */
export function parseResample(value: unknown, key = 'resample'): ResampleFilter {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < FILTER_NAMES.length) {
    return value as ResampleFilter;
  }
  throw new RetinaError(
    'INVALID_CONFIG',
    `"${key}" is ${JSON.stringify(value) ?? String(value)}, which is not a Pillow resampling filter; use one of ${VALID_CODES}.`,
  );
}

// ---------------------------------------------------------------------------------------------
// Filter kernels, evaluated in double precision with the same operation order as Pillow.

interface Kernel {
  support: number;
  weight(x: number): number;
}

// Pillow writes these two constants as C floats (0.54f, 0.46f).
const HAMMING_A = Math.fround(0.54);
const HAMMING_B = Math.fround(0.46);
const BICUBIC_A = -0.5;

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = x * Math.PI;
  return Math.sin(px) / px;
}

const KERNELS: Record<Exclude<ResampleFilter, 0>, Kernel> = {
  [Resample.BOX]: { support: 0.5, weight: (x) => (x > -0.5 && x <= 0.5 ? 1 : 0) },
  [Resample.BILINEAR]: {
    support: 1,
    weight: (x) => {
      const ax = Math.abs(x);
      return ax < 1 ? 1 - ax : 0;
    },
  },
  [Resample.HAMMING]: {
    support: 1,
    weight: (x) => {
      const ax = Math.abs(x);
      if (ax === 0) return 1;
      if (ax >= 1) return 0;
      const px = ax * Math.PI;
      return (Math.sin(px) / px) * (HAMMING_A + HAMMING_B * Math.cos(px));
    },
  },
  [Resample.BICUBIC]: {
    support: 2,
    weight: (x) => {
      const ax = Math.abs(x);
      if (ax < 1) return ((BICUBIC_A + 2) * ax - (BICUBIC_A + 3)) * ax * ax + 1;
      if (ax < 2) return (((ax - 5) * ax + 8) * ax - 4) * BICUBIC_A;
      return 0;
    },
  },
  [Resample.LANCZOS]: { support: 3, weight: (x) => (x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0) },
};

// ---------------------------------------------------------------------------------------------
// Coefficient tables.

/** Fixed-point fraction bits: 8 bits of result plus 2 bits of headroom in an int32 sum. */
const PRECISION_BITS = 32 - 8 - 2;
const HALF = 1 << (PRECISION_BITS - 1);

/** For each output index: the first input index, how many inputs it reads and their weights. */
interface CoefficientTable {
  first: Int32Array;
  count: Int32Array;
  /** `stride` weights per output index, fixed point with PRECISION_BITS fraction bits. */
  weights: Int32Array;
  stride: number;
}

function computeCoefficients(inSize: number, outSize: number, kernel: Kernel): CoefficientTable {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = kernel.support * filterScale;
  const stride = Math.ceil(support) * 2 + 1;
  const invFilterScale = 1 / filterScale;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * stride);
  const window = new Float64Array(stride);
  for (let out = 0; out < outSize; out++) {
    const center = (out + 0.5) * scale;
    // C casts to int (truncation) before clamping to the image.
    const lo = Math.max(Math.trunc(center - support + 0.5), 0);
    const n = Math.min(Math.trunc(center + support + 0.5), inSize) - lo;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const w = kernel.weight((i + lo - center + 0.5) * invFilterScale);
      window[i] = w;
      total += w;
    }
    for (let i = 0; i < n; i++) {
      weights[out * stride + i] = toFixedPoint(total !== 0 ? window[i]! / total : window[i]!);
    }
    first[out] = lo;
    count[out] = n;
  }
  return { first, count, weights, stride };
}

/** Rounds half away from zero, as Pillow's normalize_coeffs_8bpc does. */
function toFixedPoint(weight: number): number {
  const scaled = weight * (1 << PRECISION_BITS);
  return weight < 0 ? Math.trunc(scaled - 0.5) : Math.trunc(scaled + 0.5);
}

// ---------------------------------------------------------------------------------------------
// Convolution passes. Outputs are written through Uint8ClampedArray views: storing the integer
// `sum >> PRECISION_BITS` there clips it to 0..255 exactly like Pillow's clip8.

/**
 * Horizontal pass over source rows [rowStart, rowStart + rows): reads `bands` channels of pixels
 * `srcStride` bytes apart and writes packed `bands`-channel rows of `table.first.length` pixels.
 */
function resampleHorizontal(
  src: Uint8Array,
  srcWidth: number,
  srcStride: number,
  bands: number,
  rowStart: number,
  rows: number,
  table: CoefficientTable,
): Uint8ClampedArray {
  const outWidth = table.first.length;
  const out = new Uint8ClampedArray(outWidth * rows * bands);
  const { first, count, weights, stride } = table;
  for (let y = 0; y < rows; y++) {
    const rowBase = (rowStart + y) * srcWidth * srcStride;
    let o = y * outWidth * bands;
    for (let x = 0; x < outWidth; x++) {
      const start = rowBase + first[x]! * srcStride;
      const n = count[x]!;
      const w0 = x * stride;
      for (let c = 0; c < bands; c++) {
        let sum = HALF;
        for (let i = 0, p = start + c; i < n; i++, p += srcStride) sum += src[p]! * weights[w0 + i]!;
        out[o++] = sum >> PRECISION_BITS;
      }
    }
  }
  return out;
}

/** Vertical pass: `rowLength` bytes per row; `table.first` indexes rows of `src`. */
function resampleVertical(src: Uint8Array | Uint8ClampedArray, rowLength: number, table: CoefficientTable): Uint8ClampedArray {
  const outHeight = table.first.length;
  const out = new Uint8ClampedArray(rowLength * outHeight);
  const sums = new Int32Array(rowLength);
  const { first, count, weights, stride } = table;
  for (let y = 0; y < outHeight; y++) {
    sums.fill(HALF);
    const n = count[y]!;
    for (let i = 0; i < n; i++) {
      const k = weights[y * stride + i]!;
      const base = (first[y]! + i) * rowLength;
      for (let j = 0; j < rowLength; j++) sums[j] = sums[j]! + src[base + j]! * k;
    }
    const o = y * rowLength;
    for (let j = 0; j < rowLength; j++) out[o + j] = sums[j]! >> PRECISION_BITS;
  }
  return out;
}

/** Copies `bands` channels of rows [rowStart, rowStart + rows) into packed rows. */
function selectBands(
  src: Uint8Array,
  width: number,
  srcStride: number,
  bands: number,
  rowStart: number,
  rows: number,
): Uint8Array {
  const start = rowStart * width * srcStride;
  if (srcStride === bands) return src.slice(start, start + rows * width * bands);
  const out = new Uint8Array(width * rows * bands);
  for (let p = start, o = 0; o < out.length; p += srcStride) {
    for (let c = 0; c < bands; c++) out[o++] = src[p + c]!;
  }
  return out;
}

/** Pillow's two-pass resample: horizontal over the rows the vertical pass needs, then vertical. */
function convolve(
  src: Uint8Array,
  srcWidth: number,
  srcHeight: number,
  srcStride: number,
  bands: number,
  width: number,
  height: number,
  kernel: Kernel,
): Uint8Array {
  const vertical = computeCoefficients(srcHeight, height, kernel);
  const rowStart = vertical.first[0]!;
  const rows = vertical.first[height - 1]! + vertical.count[height - 1]! - rowStart;
  for (let y = 0; y < height; y++) vertical.first[y] = vertical.first[y]! - rowStart;
  const horizontal = width === srcWidth ? null : computeCoefficients(srcWidth, width, kernel);
  const plan: ConvolutionPlan = { src, srcWidth, srcStride, bands, rowStart, rows, horizontal, vertical: height === srcHeight ? null : vertical };
  const simd = wasmKernel();
  return simd ? convolveSimd(simd, plan) : convolveScalar(plan);
}

/** What the two passes need; a null table means Pillow skips that pass (size unchanged). */
interface ConvolutionPlan {
  src: Uint8Array;
  srcWidth: number;
  srcStride: number;
  bands: number;
  /** Source rows the vertical pass reads; `vertical.first` is relative to rowStart. */
  rowStart: number;
  rows: number;
  horizontal: CoefficientTable | null;
  vertical: CoefficientTable | null;
}

function convolveScalar(plan: ConvolutionPlan): Uint8Array {
  const { src, srcWidth, srcStride, bands, rowStart, rows, horizontal, vertical } = plan;
  const firstPass = horizontal
    ? resampleHorizontal(src, srcWidth, srcStride, bands, rowStart, rows, horizontal)
    : selectBands(src, srcWidth, srcStride, bands, rowStart, rows);
  const outWidth = horizontal ? horizontal.first.length : srcWidth;
  const result = vertical ? resampleVertical(firstPass, outWidth * bands, vertical) : firstPass;
  return new Uint8Array(result.buffer, result.byteOffset, result.length);
}

// ---------------------------------------------------------------------------------------------
// WebAssembly SIMD kernel, assembled below from opcodes (no toolchain, no opaque binary).
//
// Every exported function has the same shape and parameters (ConvParam); they differ only in how
// a tap pair is loaded (PairLayout): `rows` runs the vertical pass, `pixels<stride>` the
// horizontal one. An output sums tap pairs: the 4 bytes at p and at
// p + gap (two neighbouring pixels, or the same 4 bytes of two neighbouring rows) are interleaved
// into i16 lanes [a0 b0 a1 b1 a2 b2 a3 b3] and i32x4.dot_i16x8_s multiplies them by the two taps'
// weights, giving 4 lanes (channels, or bytes of a row) at once. A weight has 22 fraction bits,
// too many for i16, so it is split as k = hi * 2^15 + lo with 0 <= lo < 2^15 and the sum is
// rebuilt as (sumHi << 15) + sumLo. That equals Pillow's int32 sum modulo 2^32, hence exactly.
// Each loop step computes two outputs that share weights ("twins": the same pixel of two rows,
// or two neighbouring 4-byte groups of a row), which halves the weight loads and loop overhead.

/** Parameters of every kernel function (all i32; addresses are byte offsets into the kernel's memory). */
const ConvParam = {
  src: 0,
  srcOuterStep: 1,
  srcInnerStep: 2,
  srcTwin: 3,
  gap: 4,
  outer: 5,
  inner: 6,
  tableOuterStep: 7,
  tableInnerStep: 8,
  offsets: 9,
  pairs: 10,
  weights: 11,
  weightsStride: 12,
  out: 13,
  outOuterStep: 14,
  outInnerStep: 15,
  outTwin: 16,
} as const;
type ConvArgs = Record<keyof typeof ConvParam, number>;
const CONV_PARAMS = Object.keys(ConvParam).length;
const I32_LOCALS = { a: 17, b: 18, t: 19, p: 20, w: 21, n: 22, o: 23 } as const;
const V128_LOCALS = { sumHi: 24, sumLo: 25, twinHi: 26, twinLo: 27, v: 28, weightHi: 29, weightLo: 30 } as const;

const OP = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  i32Load: 0x28,
  i32Store: 0x36,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32Ne: 0x47,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  simdPrefix: 0xfd,
  voidBlock: 0x40,
} as const;
/** SIMD opcodes, already LEB128-encoded. */
const SIMD_OP = {
  load32Splat: [0x09],
  const: [0x0c],
  shuffle: [0x0d],
  extractLaneI32: [0x1b],
  load32Zero: [0x5c],
  load64Zero: [0x5d],
  narrowI16ToU8: [0x66],
  narrowI32ToI16: [0x85, 0x01],
  i32x4Shl: [0xab, 0x01],
  i32x4ShrS: [0xac, 0x01],
  i32x4Add: [0xae, 0x01],
  dotI16: [0xba, 0x01],
} as const;

function uleb128(value: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const low = value & 0x7f;
    value >>>= 7;
    if (value === 0) return [...bytes, low];
    bytes.push(low | 0x80);
  }
}

function sleb128(value: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const low = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (low & 0x40) === 0) || (value === -1 && (low & 0x40) !== 0)) return [...bytes, low];
    bytes.push(low | 0x80);
  }
}

const vec = (items: number[][]): number[] => [...uleb128(items.length), ...items.flat()];
const wasmSection = (id: number, body: number[]): number[] => [id, ...uleb128(body.length), ...body];
const wasmName = (name: string): number[] => vec([...name].map((c) => [c.charCodeAt(0)]));
const get = (local: number): number[] => [OP.localGet, local];
const set = (local: number): number[] => [OP.localSet, local];
const i32 = (value: number): number[] => [OP.i32Const, ...sleb128(value)];
const simdOp = (code: readonly number[], ...immediates: number[]): number[] => [OP.simdPrefix, ...code, ...immediates];
/** A load or store immediate: alignment exponent and offset. */
const memArg = (alignLog2: number, offset = 0): number[] => [alignLog2, ...uleb128(offset)];
const v128Const = (bytes: number[]): number[] => simdOp(SIMD_OP.const, ...bytes);
const splatI32 = (value: number): number[] => Array.from({ length: 4 }, () => [0, 8, 16, 24].map((s) => (value >>> s) & 255)).flat();
/** local = local + step */
const advance = (local: number, step: number[]): number[] => [...get(local), ...step, OP.i32Add, ...set(local)];
/** do { body } while (++counter !== get(limit)), counter starting at 0. */
const countedLoop = (counter: number, limit: number, body: number[]): number[] => [
  ...i32(0), ...set(counter),
  OP.loop, OP.voidBlock, ...body, ...advance(counter, i32(1)), ...get(counter), ...get(limit), OP.i32Ne, OP.brIf, 0, OP.end,
];

/**
 * Where a tap pair's two 4-byte groups are: `null` for the same bytes of two rows `gap` bytes
 * apart (two loads), or a pixel stride of 1-4 for two neighbouring pixels (one 8-byte load).
 */
type PairLayout = number | null;

/** Shuffle mask: byte c of the first group and byte c of the second as u16 lanes; index `zero` holds 0. */
function interleaveMask(secondAt: number, zero: number): number[] {
  return [0, 1, 2, 3].flatMap((c) => [c, zero, secondAt + c, zero]);
}

/** Loads the tap pair at `address` into v as i16 lanes [a0 b0 a1 b1 a2 b2 a3 b3]. */
function loadTapPair(address: number[], layout: PairLayout): number[] {
  const load = (op: readonly number[]): number[] => simdOp(op, ...memArg(0));
  const pair =
    layout === null
      ? [
          ...address, ...load(SIMD_OP.load32Zero),
          ...address, ...get(ConvParam.gap), OP.i32Add, ...load(SIMD_OP.load32Zero),
          ...simdOp(SIMD_OP.shuffle, ...interleaveMask(16, 4)),
        ]
      : [...address, ...load(SIMD_OP.load64Zero), ...get(V128_LOCALS.v), ...simdOp(SIMD_OP.shuffle, ...interleaveMask(layout, 8))];
  return [...pair, ...set(V128_LOCALS.v)];
}

/** sum += dot(v, weights) */
const accumulate = (sum: number, weights: number): number[] => [
  ...get(sum), ...get(V128_LOCALS.v), ...get(weights), ...simdOp(SIMD_OP.dotI16), ...simdOp(SIMD_OP.i32x4Add), ...set(sum),
];

function tapPair(layout: PairLayout): number[] {
  const { p, w } = I32_LOCALS;
  const { sumHi, sumLo, twinHi, twinLo, weightHi, weightLo } = V128_LOCALS;
  return [
    ...get(w), ...simdOp(SIMD_OP.load32Splat, ...memArg(2, 0)), ...set(weightHi),
    ...get(w), ...simdOp(SIMD_OP.load32Splat, ...memArg(2, 4)), ...set(weightLo),
    ...loadTapPair(get(p), layout),
    ...accumulate(sumHi, weightHi),
    ...accumulate(sumLo, weightLo),
    ...loadTapPair([...get(p), ...get(ConvParam.srcTwin), OP.i32Add], layout),
    ...accumulate(twinHi, weightHi),
    ...accumulate(twinLo, weightLo),
    ...advance(p, [...get(ConvParam.gap), ...get(ConvParam.gap), OP.i32Add]),
    ...advance(w, i32(8)),
  ];
}

/** Sets `local` to base + a * outerStep + b * innerStep. */
function address(local: number, base: number[], outerStep: number, innerStep: number): number[] {
  const { a, b } = I32_LOCALS;
  return [...base, ...get(a), ...get(outerStep), OP.i32Mul, OP.i32Add, ...get(b), ...get(innerStep), OP.i32Mul, OP.i32Add, ...set(local)];
}

/** Stores clip8(((hi << 15) + lo + HALF) >> PRECISION_BITS) lane by lane (4 bytes) at `target`; both narrowings saturate. */
function storeResult(target: number[], hi: number, lo: number): number[] {
  const { v } = V128_LOCALS;
  return [
    ...get(hi), ...i32(15), ...simdOp(SIMD_OP.i32x4Shl), ...get(lo), ...simdOp(SIMD_OP.i32x4Add),
    ...v128Const(splatI32(HALF)), ...simdOp(SIMD_OP.i32x4Add), ...i32(PRECISION_BITS), ...simdOp(SIMD_OP.i32x4ShrS), ...set(v),
    ...get(v), ...get(v), ...simdOp(SIMD_OP.narrowI32ToI16), ...set(v),
    ...target, ...get(v), ...get(v), ...simdOp(SIMD_OP.narrowI16ToU8), ...simdOp(SIMD_OP.extractLaneI32, 0),
    OP.i32Store, ...memArg(0),
  ];
}

function outputTwins(layout: PairLayout): number[] {
  const { t, p, w, n, o } = I32_LOCALS;
  const { sumHi, sumLo, twinHi, twinLo } = V128_LOCALS;
  const P = ConvParam;
  const zero = v128Const(new Array<number>(16).fill(0));
  const tableEntry = (table: number): number[] => [...get(table), ...get(t), ...i32(4), OP.i32Mul, OP.i32Add, OP.i32Load, ...memArg(2)];
  return [
    ...address(t, i32(0), P.tableOuterStep, P.tableInnerStep),
    ...address(p, [...get(P.src), ...tableEntry(P.offsets), OP.i32Add], P.srcOuterStep, P.srcInnerStep),
    ...tableEntry(P.pairs), ...set(n),
    ...get(P.weights), ...get(t), ...get(P.weightsStride), OP.i32Mul, OP.i32Add, ...set(w),
    ...zero, ...set(sumHi), ...zero, ...set(sumLo), ...zero, ...set(twinHi), ...zero, ...set(twinLo),
    OP.block, OP.voidBlock, ...get(n), OP.i32Eqz, OP.brIf, 0,
    OP.loop, OP.voidBlock, ...tapPair(layout), ...get(n), ...i32(1), OP.i32Sub, ...set(n), ...get(n), OP.brIf, 0, OP.end,
    OP.end,
    ...address(o, get(P.out), P.outOuterStep, P.outInnerStep),
    ...storeResult(get(o), sumHi, sumLo),
    ...storeResult([...get(o), ...get(P.outTwin), OP.i32Add], twinHi, twinLo),
  ];
}

/** Kernel exports: `rows` for the vertical pass, `pixels<stride>` for the horizontal pass. */
const KERNEL_LAYOUTS: Record<string, PairLayout> = { rows: null, pixels1: 1, pixels2: 2, pixels3: 3, pixels4: 4 };

function assembleFunction(layout: PairLayout): number[] {
  const { a, b } = I32_LOCALS;
  const body = [
    ...vec([[Object.keys(I32_LOCALS).length, 0x7f], [Object.keys(V128_LOCALS).length, 0x7b]]),
    ...countedLoop(a, ConvParam.outer, countedLoop(b, ConvParam.inner, outputTwins(layout))),
    OP.end,
  ];
  return [...uleb128(body.length), ...body];
}

function assembleKernel(): Uint8Array<ArrayBuffer> {
  const i32Params = new Array<number[]>(CONV_PARAMS).fill([0x7f]);
  const layouts = Object.values(KERNEL_LAYOUTS);
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...wasmSection(1, vec([[0x60, ...vec(i32Params), ...vec([])]])),
    ...wasmSection(2, vec([[...wasmName('env'), ...wasmName('memory'), 0x02, 0x00, 0x01]])),
    ...wasmSection(3, vec(layouts.map(() => [0]))),
    ...wasmSection(7, vec(Object.keys(KERNEL_LAYOUTS).map((name, index) => [...wasmName(name), 0x00, index]))),
    ...wasmSection(10, vec(layouts.map(assembleFunction))),
  ]);
}

type ConvFunction = (...args: number[]) => void;

interface SimdKernel {
  memory: WebAssembly.Memory;
  exports: Record<keyof typeof KERNEL_LAYOUTS, ConvFunction>;
}

let wasmAllowed = true;
let cachedKernel: SimdKernel | null | undefined;

/**
 * Switches the WebAssembly SIMD kernel off (false) or back on, and returns whether resize now uses
 * it. Results are identical either way; the portable path is slower. Used by tests, and for pages
 * whose Content Security Policy forbids compiling WebAssembly (resize also falls back by itself
 * when compiling fails).
 */
export function setResampleWasmEnabled(enabled: boolean): boolean {
  wasmAllowed = enabled;
  return wasmKernel() !== null;
}

function wasmKernel(): SimdKernel | null {
  if (!wasmAllowed) return null;
  if (cachedKernel === undefined) cachedKernel = instantiateKernel();
  return cachedKernel;
}

function instantiateKernel(): SimdKernel | null {
  try {
    const memory = new WebAssembly.Memory({ initial: 1 });
    // Synchronous compilation is fine: the module is well under the 4 KB browsers allow on the main thread.
    const instance = new WebAssembly.Instance(new WebAssembly.Module(assembleKernel()), { env: { memory } });
    return { memory, exports: instance.exports as SimdKernel['exports'] };
  } catch {
    return null; // no WebAssembly SIMD, or compilation forbidden
  }
}

function runConv(conv: ConvFunction, args: ConvArgs): void {
  conv(...(Object.keys(ConvParam) as (keyof ConvArgs)[]).map((name) => args[name]));
}

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
  return memory.buffer as ArrayBuffer;
}

/** Copies `rows` rows of `rowBytes` bytes, `pitch` bytes apart, out of the kernel's memory. */
function readRows(bytes: Uint8Array, at: number, pitch: number, rowBytes: number, rows: number): Uint8Array {
  if (pitch === rowBytes) return bytes.slice(at, at + rows * rowBytes);
  const out = new Uint8Array(rows * rowBytes);
  for (let y = 0; y < rows; y++) out.set(bytes.subarray(at + y * pitch, at + y * pitch + rowBytes), y * rowBytes);
  return out;
}

function convolveSimd(kernel: SimdKernel, plan: ConvolutionPlan): Uint8Array {
  const { src, srcWidth, srcStride, bands, rowStart, rows, horizontal, vertical } = plan;
  const srcRowBytes = srcWidth * srcStride;
  const rowBytes = (horizontal ? horizontal.first.length : srcWidth) * bands;
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
        src: srcAt, srcOuterStep: 2 * srcRowBytes, srcInnerStep: 0, srcTwin: srcRowBytes, gap: srcStride,
        outer: Math.ceil((blockEnd - y) / 2), inner: rowBytes / bands, tableOuterStep: 0, tableInnerStep: 1, ...h.at,
        out: midAt + y * midPitch, outOuterStep: 2 * midPitch, outInnerStep: bands, outTwin: midPitch,
      });
    }
  } else {
    bytes.set(selectBands(src, srcWidth, srcStride, bands, rowStart, rows), midAt);
  }
  if (!v) return readRows(bytes, midAt, midPitch, rowBytes, rows);
  writeTable(heap, v);
  runConv(kernel.exports.rows!, {
    src: midAt, srcOuterStep: 0, srcInnerStep: 8, srcTwin: 4, gap: midPitch,
    outer: height, inner: Math.ceil(rowBytes / 8), tableOuterStep: 1, tableInnerStep: 0, ...v.at,
    out: outAt, outOuterStep: rowBytes, outInnerStep: 8, outTwin: 4,
  });
  return bytes.slice(outAt, outAt + height * rowBytes);
}

// ---------------------------------------------------------------------------------------------
// NEAREST: Pillow maps output pixel centres through an affine scale, accumulating the position
// in double precision pixel after pixel (the rounding of that sum decides ties).

function nearestIndices(inSize: number, outSize: number): Int32Array {
  const step = inSize / outSize;
  const indices = new Int32Array(outSize);
  let position = step * 0.5;
  for (let i = 0; i < outSize; i++) {
    // Out-of-range positions would be filled with zeros; -1 marks them.
    const index = position < 0 ? -1 : Math.trunc(position);
    indices[i] = index < inSize ? index : -1;
    position += step;
  }
  return indices;
}

function resizeNearest(
  src: Uint8Array,
  srcWidth: number,
  srcHeight: number,
  srcStride: number,
  bands: number,
  width: number,
  height: number,
): Uint8Array {
  const xs = nearestIndices(srcWidth, width);
  const ys = nearestIndices(srcHeight, height);
  const out = new Uint8Array(width * height * bands);
  for (let y = 0; y < height; y++) {
    if (ys[y]! < 0) continue;
    const rowBase = ys[y]! * srcWidth * srcStride;
    for (let x = 0, o = y * width * bands; x < width; x++, o += bands) {
      if (xs[x]! < 0) continue;
      const p = rowBase + xs[x]! * srcStride;
      for (let c = 0; c < bands; c++) out[o + c] = src[p + c]!;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// LA and RGBA: Pillow resizes them premultiplied (La / RGBa) and converts back.

/** Colour channels times alpha / 255, rounded as Pillow's MULDIV255. */
function premultiply(src: Uint8Array, channels: number): Uint8Array {
  const out = new Uint8Array(src.length);
  const alphaOffset = channels - 1;
  for (let p = 0; p < src.length; p += channels) {
    const alpha = src[p + alphaOffset]!;
    for (let c = 0; c < alphaOffset; c++) {
      const t = src[p + c]! * alpha + 128;
      out[p + c] = ((t >> 8) + t) >> 8;
    }
    out[p + alphaOffset] = alpha;
  }
  return out;
}

/** Inverse of premultiply with Pillow's truncating division; alpha 0 and 255 are left as is. */
function unpremultiply(data: Uint8Array, channels: number): void {
  const alphaOffset = channels - 1;
  for (let p = 0; p < data.length; p += channels) {
    const alpha = data[p + alphaOffset]!;
    if (alpha === 0 || alpha === 255) continue;
    for (let c = 0; c < alphaOffset; c++) data[p + c] = Math.min(Math.trunc((255 * data[p + c]!) / alpha), 255);
  }
}

// ---------------------------------------------------------------------------------------------
// Public entry point.

function checkSize(name: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new RetinaError(
      'INVALID_ARGUMENT',
      `resize ${name} must be a positive integer, got ${String(value)}; round the target size to a whole number of pixels of at least 1.`,
    );
  }
}

function checkArguments(image: RawImage, width: number, height: number, filter: number, bands: number): void {
  checkSize('width', width);
  checkSize('height', height);
  if (!Number.isInteger(filter) || filter < 0 || filter >= FILTER_NAMES.length) {
    throw new RetinaError('INVALID_ARGUMENT', `resize filter ${String(filter)} is unknown; use one of ${VALID_CODES}.`);
  }
  if (!Number.isInteger(bands) || bands < 1 || bands > image.channels) {
    throw new RetinaError(
      'INVALID_ARGUMENT',
      `resize bands must be an integer from 1 to the image's ${image.channels} channels, got ${String(bands)}.`,
    );
  }
  if (image.data.length !== image.width * image.height * image.channels) {
    throw new RetinaError(
      'INVALID_ARGUMENT',
      `image data holds ${image.data.length} bytes but ${image.width}x${image.height}x${image.channels} needs ${image.width * image.height * image.channels}.`,
    );
  }
}

/**
 * Resizes like Pillow 9.4's `Image.resize((width, height), filter)` on an 8-bit image, bit for bit.
 * `bands` (default: all channels) keeps only the first `bands` channels of each pixel: an RGBA
 * image with `bands: 3` gives exactly `convert("RGB")` then resize, in one pass. Images with
 * alpha (2 or 4 channels, all kept) are resized premultiplied, as Pillow does for LA and RGBA.
 * Runs a WebAssembly SIMD kernel where one can be compiled, else portable TypeScript: same bytes.
 */
export function resize(
  image: RawImage,
  width: number,
  height: number,
  filter: ResampleFilter,
  options: { bands?: ChannelCount } = {},
): RawImage {
  const bands = options.bands ?? image.channels;
  checkArguments(image, width, height, filter, bands);
  const { width: srcWidth, height: srcHeight, channels } = image;
  const src = new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.length);
  let data: Uint8Array;
  if (width === srcWidth && height === srcHeight) {
    data = selectBands(src, srcWidth, channels, bands, 0, srcHeight);
  } else if (filter === Resample.NEAREST) {
    data = resizeNearest(src, srcWidth, srcHeight, channels, bands, width, height);
  } else if (bands === channels && (bands === 2 || bands === 4)) {
    data = convolve(premultiply(src, channels), srcWidth, srcHeight, channels, bands, width, height, KERNELS[filter]);
    unpremultiply(data, channels);
  } else {
    data = convolve(src, srcWidth, srcHeight, channels, bands, width, height, KERNELS[filter]);
  }
  return { data, width, height, channels: bands };
}
