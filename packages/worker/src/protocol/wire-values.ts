import type { ImageInput, TensorDataType, TensorDataTypes } from '@retina/core';

/** An image as it crosses to the worker: DOM elements become ImageBitmaps first, relative URLs absolute. */
export type WireImage = Exclude<ImageInput, HTMLImageElement | HTMLCanvasElement>;

/** A Tensor after structured cloning: its fields without the class. */
export interface WireTensor<T extends TensorDataType = TensorDataType> {
  dtype: T;
  data: TensorDataTypes[T];
  dims: readonly number[];
}

export type WireTensors = Record<string, WireTensor>;
