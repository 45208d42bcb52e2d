// A graph is untrusted: one whose tensors take their bytes from outside its folder is refused by Retina
// itself, on every way a graph reaches a runtime, before any runtime is asked to create a session.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RetinaError } from '../errors.js';
import { openModelRepo, type ModelRepo } from '../hub/index.js';
import { Tensor } from '../tensor.js';
import {
  addModelWithExternalWeight,
  bytesField,
  externalTensor,
  int,
  modelProto,
  nodeField,
  str,
  tensorValueInfo,
  varint,
} from '../testing/onnx-proto.js';
import { sendFile, startTestServer, type TestServer } from '../testing/test-http-server.js';
import { createInferenceSession } from './create-inference-session.js';

const secret = new Uint8Array(new Float32Array([1, 2, 3]).buffer);
const io = [...tensorValueInfo(11, 'X', 1, 3), ...tensorValueInfo(12, 'Y', 1, 3)];
const add = nodeField('Add', ['X', 'W'], ['Y']);
/** A NodeProto: W = Constant(value = the external tensor). */
const constantNode = (location: string) => [
  ...str(2, 'W'),
  ...str(4, 'Constant'),
  ...bytesField(5, [...str(1, 'value'), ...bytesField(5, externalTensor('W', location)), ...int(20, 4)]),
];

/** Graphs that would have onnxruntime read `location`, from every place onnx.proto allows a tensor. */
const graphsReading: Record<string, (location: string) => Uint8Array> = {
  'an initializer': (location) => addModelWithExternalWeight(location).graph,
  'a Constant node': (location) => addModelWithExternalWeight(location, { constantNode: true }).graph,
  'an initializer of an If branch': (location) => {
    const branch = [...add, ...bytesField(5, externalTensor('W', location)), ...tensorValueInfo(12, 'Y', 1, 3)];
    const ifNode = nodeField('If', ['C'], ['Y'], [[...str(1, 'then_branch'), ...bytesField(6, branch), ...int(20, 5)]]);
    return modelProto([...ifNode, ...io]);
  },
  'a sparse initializer': (location) => modelProto([...add, ...bytesField(15, bytesField(1, externalTensor('W', location))), ...io]),
  'a Constant node of a model function': (location) => {
    const fn = [...str(1, 'f'), ...bytesField(7, constantNode(location))];
    return new Uint8Array([...modelProto([...add, ...io]), ...bytesField(25, fn)]);
  },
  'a training graph': (location) =>
    new Uint8Array([...modelProto([...add, ...io]), ...bytesField(20, bytesField(1, bytesField(1, constantNode(location))))]),
};

const badLocations: [string, string][] = [
  ['/etc/passwd', 'is an absolute path'],
  ['../../secret.bin', 'climbs out of the folder'],
  ['weights/../../../secret.bin', 'climbs out of the folder'],
  ['..\\..\\secret.bin', 'contains a backslash'],
  ['C:\\Windows\\win.ini', 'contains a backslash'],
  ['C:/secret.bin', 'contains ":"'],
  ['file:///etc/passwd', 'contains ":"'],
  ['https://example.com/secret.bin', 'contains ":"'],
  ['model.onnx.data:stream', 'contains ":"'],
  ['', 'is empty'],
  ['weights//secret.bin', 'has an empty path segment'],
  ['secret.bin\u0000.png', 'contains a control character'],
];

let root: string;
let server: TestServer;
const writeRepo = (name: string, graph: Uint8Array) => {
  mkdirSync(join(root, name, 'onnx'), { recursive: true });
  writeFileSync(join(root, name, 'onnx', 'model.onnx'), graph);
  return join(root, name);
};

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'retina-untrusted-'));
  writeFileSync(join(root, 'secret.bin'), secret);
  server = await startTestServer((path, request, response) => sendFile(root, path, request, response));
});
afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

const createSpies = () => [vi.spyOn(ortNode.InferenceSession, 'create'), vi.spyOn(ortWeb.InferenceSession, 'create')];
/** The runtime calls that were handed `graph` (onnxruntime-web may meanwhile start on Retina's own one-node graph). */
const callsWith = (spy: ReturnType<typeof createSpies>[number], graph: Uint8Array) =>
  spy.mock.calls.filter(([model]) => model instanceof Uint8Array && Buffer.from(model).equals(Buffer.from(graph)));
afterEach(() => vi.restoreAllMocks());

/** Every way a graph reaches a runtime: by bytes from memory, from a folder on disk, over HTTP; onnxruntime-node and -web. */
const routes = (graph: Uint8Array, name: string): [string, ModelRepo, 'cpu' | 'wasm'][] => {
  const folder = writeRepo(name, graph);
  const memory: ModelRepo = {
    location: 'memory',
    json: () => Promise.reject(new Error('no JSON here')),
    bytes: async (file) => (file === 'onnx/model.onnx' ? graph : secret),
  };
  return [
    ['memory, onnxruntime-node', memory, 'cpu'],
    ['memory, onnxruntime-web', memory, 'wasm'],
    ['a folder, onnxruntime-node', openModelRepo(folder), 'cpu'],
    ['a folder, onnxruntime-web', openModelRepo(folder), 'wasm'],
    ['HTTP, onnxruntime-web', openModelRepo(`${server.url}/${name}`, { useBrowserCache: false }), 'wasm'],
  ];
};

describe('a graph whose external data lies outside its folder', () => {
  it.each(badLocations)('is refused before any runtime is called: %j (%s)', async (location, problem) => {
    const name = `repo-${badLocations.findIndex(([bad]) => bad === location)}`;
    const { graph } = addModelWithExternalWeight(location);
    for (const [route, repo, device] of routes(graph, name)) {
      const spies = createSpies();
      const loading = createInferenceSession(repo, { device, numThreads: 1 });
      await expect(loading, route).rejects.toThrow(RetinaError);
      await expect(loading, route).rejects.toMatchObject({
        code: 'MODEL_LOAD_FAILED',
        message: expect.stringContaining(`takes the data of tensor "W" from ${JSON.stringify(location)}, which ${problem}`),
      });
      for (const spy of spies) expect(callsWith(spy, graph), route).toEqual([]);
      vi.restoreAllMocks();
    }
  });

  it.each(Object.entries(graphsReading))('is refused when the tensor is %s', async (place, graphReading) => {
    for (const location of ['/etc/passwd', '../../secret.bin']) {
      const spies = createSpies();
      const name = `${place.replaceAll(' ', '-')}-${location.length}`;
      const graph = graphReading(location);
      for (const [route, repo, device] of routes(graph, name)) {
        await expect(createInferenceSession(repo, { device, numThreads: 1 }), `${route}, ${location}`).rejects.toMatchObject({
          code: 'MODEL_LOAD_FAILED',
          message: expect.stringContaining(`from ${JSON.stringify(location)}`),
        });
      }
      for (const spy of spies) expect(callsWith(spy, graph)).toEqual([]);
      vi.restoreAllMocks();
    }
  });

  it('is refused even where protobuf would read past what Retina can parse (a group before the tensor)', async () => {
    const group = [...varint((99 << 3) | 3), ...int(1, 1), ...varint((99 << 3) | 4)];
    const graph = modelProto([...add, ...group, ...bytesField(5, externalTensor('W', '/etc/passwd')), ...io]);
    const spies = createSpies();
    for (const [route, repo, device] of routes(graph, 'group')) {
      await expect(createInferenceSession(repo, { device, numThreads: 1 }), route).rejects.toMatchObject({
        code: 'MODEL_LOAD_FAILED',
        message: expect.stringContaining('is not a valid ONNX model'),
      });
    }
    for (const spy of spies) expect(callsWith(spy, graph)).toEqual([]);
  });
});

describe('external data beside the graph', () => {
  it.each(['cpu', 'wasm'] as const)('loads from a Constant node too (%s): Retina reads the file it names', async (device) => {
    const { graph, data } = addModelWithExternalWeight('weights/add.bin', { constantNode: true });
    const folder = writeRepo(`constant-${device}`, graph);
    mkdirSync(join(folder, 'onnx', 'weights'));
    writeFileSync(join(folder, 'onnx', 'weights', 'add.bin'), data);
    const session = await createInferenceSession(openModelRepo(folder), { device, numThreads: 1 });
    try {
      const { Y } = await session.run({ X: new Tensor('float32', new Float32Array([1, 2, 3]), [3]) });
      expect(Array.from(Y!.data as Float32Array)).toEqual([11, 22, 33]);
    } finally {
      await session.dispose();
    }
  });
});
