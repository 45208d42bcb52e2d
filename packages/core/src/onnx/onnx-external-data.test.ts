import { describe, expect, it } from 'vitest';
import { readBytes } from '../testing/fixtures.js';
import { fixtureModels } from '../testing/model-fixtures.js';
import { addModelWithExternalWeight, bytesField, entry, externalTensor, int, modelProto, str } from '../testing/onnx-proto.js';
import { externalDataLocations } from './onnx-external-data.js';

describe('externalDataLocations', () => {
  it('names the file of an external initializer', () => {
    expect(externalDataLocations(addModelWithExternalWeight().graph)).toEqual(['model.onnx.data']);
    expect(externalDataLocations(addModelWithExternalWeight('weights/add.bin').graph)).toEqual(['weights/add.bin']);
  });

  it('names each file once, in order of first use', () => {
    const initializers = [externalTensor('A', 'b.bin'), externalTensor('B', 'a.bin'), externalTensor('C', 'b.bin')];
    const graph = initializers.flatMap((tensor) => bytesField(5, tensor));
    expect(externalDataLocations(modelProto(graph))).toEqual(['b.bin', 'a.bin']);
  });

  it('ignores initializers whose data_location is not EXTERNAL, as onnxruntime does', () => {
    const inline = [...int(1, 3), ...int(2, 1), ...str(8, 'inline'), ...bytesField(9, new Array(12).fill(0))];
    const locationButDefault = [...int(1, 3), ...int(2, 1), ...str(8, 'stale'), ...entry('location', 'stale.bin'), ...int(14, 0)];
    const graph = [...bytesField(5, inline), ...bytesField(5, locationButDefault)];
    expect(externalDataLocations(modelProto(graph))).toEqual([]);
  });

  it.each(fixtureModels)('finds none in the fixture %s, whose weights are all inside the graph', (model) => {
    expect(externalDataLocations(readBytes('models', model, 'onnx', 'model.onnx'))).toEqual([]);
  });

  it('finds none in bytes that are not a graph, and does not throw on a cut-off one', () => {
    expect(externalDataLocations(new TextEncoder().encode('version https://git-lfs.github.com/spec/v1\n'))).toEqual([]);
    const { graph } = addModelWithExternalWeight();
    expect(() => externalDataLocations(graph.subarray(0, graph.length >> 1))).not.toThrow();
  });
});
