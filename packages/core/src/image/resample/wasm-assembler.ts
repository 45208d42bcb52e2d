// A minimal WebAssembly binary assembler: opcodes, LEB128 integers and helpers that return the
// bytes of one instruction or construct, to be spread into a function body.

export const OP = {
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
export const SIMD_OP = {
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

/** Unsigned LEB128, as section sizes, counts and indices are written. */
export function uleb128(value: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const low = value & 0x7f;
    value >>>= 7;
    if (value === 0) return [...bytes, low];
    bytes.push(low | 0x80);
  }
}

/** Signed LEB128, as i32.const immediates are written. */
function sleb128(value: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const low = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (low & 0x40) === 0) || (value === -1 && (low & 0x40) !== 0)) return [...bytes, low];
    bytes.push(low | 0x80);
  }
}

export const vec = (items: number[][]): number[] => [...uleb128(items.length), ...items.flat()];
export const wasmSection = (id: number, body: number[]): number[] => [id, ...uleb128(body.length), ...body];
export const wasmName = (name: string): number[] => vec([...name].map((c) => [c.charCodeAt(0)]));
export const get = (local: number): number[] => [OP.localGet, local];
export const set = (local: number): number[] => [OP.localSet, local];
export const i32 = (value: number): number[] => [OP.i32Const, ...sleb128(value)];
export const simdOp = (code: readonly number[], ...immediates: number[]): number[] => [OP.simdPrefix, ...code, ...immediates];
/** A load or store immediate: alignment exponent and offset. */
export const memArg = (alignLog2: number, offset = 0): number[] => [alignLog2, ...uleb128(offset)];
export const v128Const = (bytes: number[]): number[] => simdOp(SIMD_OP.const, ...bytes);
export const splatI32 = (value: number): number[] => Array.from({ length: 4 }, () => [0, 8, 16, 24].map((s) => (value >>> s) & 255)).flat();
/** local = local + step */
export const advance = (local: number, step: number[]): number[] => [...get(local), ...step, OP.i32Add, ...set(local)];
/** do { body } while (++counter !== get(limit)), counter starting at 0. */
export const countedLoop = (counter: number, limit: number, body: number[]): number[] => [
  ...i32(0),
  ...set(counter),
  OP.loop,
  OP.voidBlock,
  ...body,
  ...advance(counter, i32(1)),
  ...get(counter),
  ...get(limit),
  OP.i32Ne,
  OP.brIf,
  0,
  OP.end,
];
