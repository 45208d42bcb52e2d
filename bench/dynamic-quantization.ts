// onnxruntime's dynamic int8 quantization (onnxruntime.quantization, IntegerOps mode) as transformers.js's
// conversion script applies it to make `onnx/model_quantized.onnx`, its default dtype (q8), written again in
// TypeScript on the core's protobuf reader and writer. The arithmetic is quant_utils.py's:
// - a range always holds 0: rmin = min(data, 0), rmax = max(data, 0);
// - asymmetric uint8: scale = (rmax − rmin) / (qmax − qmin), the difference in float32 and the quotient in
//   float64, then stored as float32;
//   zero point = round(qmin − rmin / scale) with the float64 scale; q = clip(round(x / scale) + zero point)
//   with x / scale in float32; rounding is numpy's, half to even; a range below float32's smallest normal
//   number gets scale 1 and zero point 0;
// - weights with reduce_range take 7 bits (qmax 127), activations all 8 (255).

/** numpy.round: to the nearest integer, halves to the even one. */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction !== 0.5) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}

const FLOAT32_TINY = 2 ** -126;

export interface Uint8Quantized {
  /** float32 */
  scale: number;
  zeroPoint: number;
}

/** compute_scale_zp for asymmetric uint8 in [0, qmax]. */
export function uint8ScaleAndZeroPoint(values: ArrayLike<number>, qmax: number): Uint8Quantized {
  let rmin = 0;
  let rmax = 0;
  for (let i = 0; i < values.length; i++) {
    rmin = Math.min(rmin, values[i]!);
    rmax = Math.max(rmax, values[i]!);
  }
  const scale = Math.fround(rmax - rmin) / qmax;
  if (scale < FLOAT32_TINY) return { scale: 1, zeroPoint: 0 };
  return { scale: Math.fround(scale), zeroPoint: roundHalfEven(-rmin / scale) };
}

/** quantize_nparray for uint8: each value to clip(round(x / scale) + zero point, 0, 255). */
export function quantizeUint8(value: number, { scale, zeroPoint }: Uint8Quantized): number {
  return Math.min(255, Math.max(0, roundHalfEven(Math.fround(Math.fround(value) / scale)) + zeroPoint));
}

export interface QuantizedTensor {
  data: Uint8Array;
  /** One per channel (per column of a [K, N] MatMul weight), or one for the tensor. */
  scales: Float32Array;
  zeroPoints: Uint8Array;
}

/** The whole tensor with one scale and zero point (quantize_initializer). */
export function quantizePerTensor(values: Float32Array, qmax: number): QuantizedTensor {
  const parameters = uint8ScaleAndZeroPoint(values, qmax);
  return {
    data: Uint8Array.from(values, (value) => quantizeUint8(value, parameters)),
    scales: Float32Array.of(parameters.scale),
    zeroPoints: Uint8Array.of(parameters.zeroPoint),
  };
}

/** A [rows, columns] matrix quantized per column (quantize_weight_per_channel, axis −1: a MatMul weight's output channels). */
export function quantizePerColumn(values: Float32Array, rows: number, columns: number, qmax: number): QuantizedTensor {
  const data = new Uint8Array(values.length);
  const scales = new Float32Array(columns);
  const zeroPoints = new Uint8Array(columns);
  const column = new Float32Array(rows);
  for (let c = 0; c < columns; c++) {
    for (let r = 0; r < rows; r++) column[r] = values[r * columns + c]!;
    const parameters = uint8ScaleAndZeroPoint(column, qmax);
    scales[c] = parameters.scale;
    zeroPoints[c] = parameters.zeroPoint;
    for (let r = 0; r < rows; r++) data[r * columns + c] = quantizeUint8(column[r]!, parameters);
  }
  return { data, scales, zeroPoints };
}
