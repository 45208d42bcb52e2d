import { describe, expect, it } from 'vitest';
import { UsageError } from './io.js';
import { parseInputSpec } from './tensor-files.js';

describe('parseInputSpec', () => {
  it('reads name, file, dims and dtype, defaulting to float32', () => {
    expect(parseInputSpec('pixel_values=x.bin:2x3x32x32')).toEqual({
      name: 'pixel_values',
      file: 'x.bin',
      dims: [2, 3, 32, 32],
      dtype: 'float32',
    });
    expect(parseInputSpec('bool_masked_pos=m.bin:2x64:bool')).toEqual({
      name: 'bool_masked_pos',
      file: 'm.bin',
      dims: [2, 64],
      dtype: 'bool',
    });
  });

  it('keeps colons and equals signs inside the file path', () => {
    expect(parseInputSpec('ids=C:\\data\\a=b.bin:7:int64')).toEqual({ name: 'ids', file: 'C:\\data\\a=b.bin', dims: [7], dtype: 'int64' });
  });

  it.each(['x.bin:1x3', 'pixel_values=x.bin', 'pixel_values=:1x3', 'pixel_values=x.bin:1x3:float16', 'pixel_values=x.bin:1,3'])(
    'rejects %s',
    (spec) => {
      expect(() => parseInputSpec(spec)).toThrow(UsageError);
    },
  );
});
