import { Tensor } from '@retina/core';

function isClonedTensor(value: object): value is Pick<Tensor, 'dtype' | 'data' | 'dims'> {
  const { dtype, data, dims } = value as Partial<Tensor>;
  return typeof dtype === 'string' && ArrayBuffer.isView(data) && Array.isArray(dims);
}

/** Tensors lose their class when cloned across the worker boundary; this gives it back (no copy). */
export function reviveTensors<T>(value: T): T {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) return value.map(reviveTensors) as T;
  if (isClonedTensor(value)) return new Tensor(value.dtype, value.data, value.dims) as T;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, reviveTensors(item)])) as T;
}
