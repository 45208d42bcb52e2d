import { RetinaError } from './errors.js';

/** Element types a {@link Tensor} can hold; the names follow onnxruntime's. */
export interface TensorDataTypes {
  float32: Float32Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
  bool: Uint8Array;
}

export type TensorDataType = keyof TensorDataTypes;

/** A dense, row-major tensor: the one array type shared by processors and models. */
export class Tensor<T extends TensorDataType = TensorDataType> {
  readonly dtype: T;
  readonly data: TensorDataTypes[T];
  readonly dims: readonly number[];

  constructor(dtype: T, data: TensorDataTypes[T], dims: readonly number[]) {
    const size = dims.reduce((a, b) => a * b, 1);
    if (dims.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new RetinaError('INVALID_ARGUMENT', `Tensor dims must be non-negative integers, got [${dims.join(', ')}].`);
    }
    if (data.length !== size) {
      throw new RetinaError('INVALID_ARGUMENT', `Tensor data has ${data.length} elements but dims [${dims.join(', ')}] need ${size}.`);
    }
    this.dtype = dtype;
    this.data = data;
    this.dims = Object.freeze([...dims]);
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }
}
