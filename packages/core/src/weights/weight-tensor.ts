/** Element types of checkpoint tensors; the names follow onnxruntime's. */
export type WeightDtype = 'float64' | 'float32' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

/** One named tensor of a checkpoint. */
export interface WeightTensor {
  readonly name: string;
  readonly dtype: WeightDtype;
  readonly shape: readonly number[];
  /** Little-endian bytes in C order; a view into the downloaded file's bytes where possible. */
  readonly data: Uint8Array;
  /** The checkpoint file the tensor came from (e.g. 'model.safetensors', 'model-00001-of-00002.safetensors', 'pytorch_model.bin'). */
  readonly file: string;
  /** When `data` is a view of that file's bytes, its byte offset in the file (so a graph can point external data at the file); undefined when the bytes were copied or converted. */
  readonly fileOffset?: number;
}

/** The weights of a model, read from one or more checkpoint files. */
export interface Checkpoint {
  /** In file order. */
  readonly tensors: ReadonlyMap<string, WeightTensor>;
  /** Every file read, with its bytes (the buffers the views point into). */
  readonly files: readonly { readonly name: string; readonly bytes: Uint8Array }[];
  /** safetensors `__metadata__` (merged over shards); empty for pytorch_model.bin. */
  readonly metadata: Readonly<Record<string, string>>;
}

export const DTYPE_BYTES: Readonly<Record<WeightDtype, number>> = {
  float64: 8,
  float32: 4,
  float16: 2,
  bfloat16: 2,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
};

/** Element count of a shape, or undefined when it is not a list of non-negative integers or overflows. */
export function elementCount(shape: unknown): number | undefined {
  if (!Array.isArray(shape)) return undefined;
  let count = 1;
  for (const dim of shape) {
    if (!Number.isSafeInteger(dim) || (dim as number) < 0) return undefined;
    count *= dim as number;
    if (!Number.isSafeInteger(count)) return undefined;
  }
  return count;
}
