// The checkpoint reader's types (issue 13, packages/core/src/weights/), as graph builders use them.
// TODO(issue-13 merge): import these from '../weights/index.js' instead.

export type WeightDtype = 'float32' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int8' | 'uint8' | 'bool' | 'float64';

export interface WeightTensor {
  readonly name: string;
  readonly dtype: WeightDtype;
  readonly shape: readonly number[];
  /** Little-endian, C order; a view into the file's bytes where possible. */
  readonly data: Uint8Array;
  /** The checkpoint file holding the tensor (e.g. "model.safetensors"). */
  readonly file: string;
  /** Offset of `data` in that file's bytes, when `data` is a view into them. */
  readonly fileOffset?: number;
}

export interface Checkpoint {
  readonly tensors: ReadonlyMap<string, WeightTensor>;
  readonly files: readonly { readonly name: string; readonly bytes: Uint8Array }[];
  readonly metadata?: unknown;
}
