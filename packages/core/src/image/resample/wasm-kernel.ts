// The convolution kernel in WebAssembly SIMD, assembled below from opcodes (no toolchain, no opaque binary).
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
import { HALF, PRECISION_BITS } from './coefficients.js';
import {
  advance,
  countedLoop,
  get,
  i32,
  memArg,
  OP,
  set,
  SIMD_OP,
  simdOp,
  splatI32,
  uleb128,
  v128Const,
  vec,
  wasmName,
  wasmSection,
} from './wasm-assembler.js';

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
/** Arguments of a kernel function, by name. */
export type ConvArgs = Record<keyof typeof ConvParam, number>;
const CONV_PARAMS = Object.keys(ConvParam).length;
const I32_LOCALS = { a: 17, b: 18, t: 19, p: 20, w: 21, n: 22, o: 23 } as const;
const V128_LOCALS = { sumHi: 24, sumLo: 25, twinHi: 26, twinLo: 27, v: 28, weightHi: 29, weightLo: 30 } as const;

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
          ...address,
          ...load(SIMD_OP.load32Zero),
          ...address,
          ...get(ConvParam.gap),
          OP.i32Add,
          ...load(SIMD_OP.load32Zero),
          ...simdOp(SIMD_OP.shuffle, ...interleaveMask(16, 4)),
        ]
      : [...address, ...load(SIMD_OP.load64Zero), ...get(V128_LOCALS.v), ...simdOp(SIMD_OP.shuffle, ...interleaveMask(layout, 8))];
  return [...pair, ...set(V128_LOCALS.v)];
}

/** sum += dot(v, weights) */
const accumulate = (sum: number, weights: number): number[] => [
  ...get(sum),
  ...get(V128_LOCALS.v),
  ...get(weights),
  ...simdOp(SIMD_OP.dotI16),
  ...simdOp(SIMD_OP.i32x4Add),
  ...set(sum),
];

function tapPair(layout: PairLayout): number[] {
  const { p, w } = I32_LOCALS;
  const { sumHi, sumLo, twinHi, twinLo, weightHi, weightLo } = V128_LOCALS;
  return [
    ...get(w),
    ...simdOp(SIMD_OP.load32Splat, ...memArg(2, 0)),
    ...set(weightHi),
    ...get(w),
    ...simdOp(SIMD_OP.load32Splat, ...memArg(2, 4)),
    ...set(weightLo),
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
    ...get(hi),
    ...i32(15),
    ...simdOp(SIMD_OP.i32x4Shl),
    ...get(lo),
    ...simdOp(SIMD_OP.i32x4Add),
    ...v128Const(splatI32(HALF)),
    ...simdOp(SIMD_OP.i32x4Add),
    ...i32(PRECISION_BITS),
    ...simdOp(SIMD_OP.i32x4ShrS),
    ...set(v),
    ...get(v),
    ...get(v),
    ...simdOp(SIMD_OP.narrowI32ToI16),
    ...set(v),
    ...target,
    ...get(v),
    ...get(v),
    ...simdOp(SIMD_OP.narrowI16ToU8),
    ...simdOp(SIMD_OP.extractLaneI32, 0),
    OP.i32Store,
    ...memArg(0),
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
    ...tableEntry(P.pairs),
    ...set(n),
    ...get(P.weights),
    ...get(t),
    ...get(P.weightsStride),
    OP.i32Mul,
    OP.i32Add,
    ...set(w),
    ...zero,
    ...set(sumHi),
    ...zero,
    ...set(sumLo),
    ...zero,
    ...set(twinHi),
    ...zero,
    ...set(twinLo),
    OP.block,
    OP.voidBlock,
    ...get(n),
    OP.i32Eqz,
    OP.brIf,
    0,
    OP.loop,
    OP.voidBlock,
    ...tapPair(layout),
    ...get(n),
    ...i32(1),
    OP.i32Sub,
    ...set(n),
    ...get(n),
    OP.brIf,
    0,
    OP.end,
    OP.end,
    ...address(o, get(P.out), P.outOuterStep, P.outInnerStep),
    ...storeResult(get(o), sumHi, sumLo),
    ...storeResult([...get(o), ...get(P.outTwin), OP.i32Add], twinHi, twinLo),
  ];
}

/** Kernel exports: `rows` for the vertical pass, `pixels<stride>` for the horizontal pass. */
export const KERNEL_LAYOUTS: Record<string, PairLayout> = { rows: null, pixels1: 1, pixels2: 2, pixels3: 3, pixels4: 4 };

function assembleFunction(layout: PairLayout): number[] {
  const { a, b } = I32_LOCALS;
  const body = [
    ...vec([
      [Object.keys(I32_LOCALS).length, 0x7f],
      [Object.keys(V128_LOCALS).length, 0x7b],
    ]),
    ...countedLoop(a, ConvParam.outer, countedLoop(b, ConvParam.inner, outputTwins(layout))),
    OP.end,
  ];
  return [...uleb128(body.length), ...body];
}

/** The kernel module's bytes: imports `env.memory`, exports one function per KERNEL_LAYOUTS entry. */
export function assembleKernel(): Uint8Array<ArrayBuffer> {
  const i32Params = new Array<number[]>(CONV_PARAMS).fill([0x7f]);
  const layouts = Object.values(KERNEL_LAYOUTS);
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...wasmSection(1, vec([[0x60, ...vec(i32Params), ...vec([])]])),
    ...wasmSection(2, vec([[...wasmName('env'), ...wasmName('memory'), 0x02, 0x00, 0x01]])),
    ...wasmSection(3, vec(layouts.map(() => [0]))),
    ...wasmSection(7, vec(Object.keys(KERNEL_LAYOUTS).map((name, index) => [...wasmName(name), 0x00, index]))),
    ...wasmSection(10, vec(layouts.map(assembleFunction))),
  ]);
}

/** A kernel export, as the instance exposes it: the ConvParam arguments in order. */
export type ConvFunction = (...args: number[]) => void;

export function runConv(conv: ConvFunction, args: ConvArgs): void {
  conv(...(Object.keys(ConvParam) as (keyof ConvArgs)[]).map((name) => args[name]));
}
