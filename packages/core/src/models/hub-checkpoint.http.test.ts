// A checkpoint served over HTTP laid out like the Hub (`/{id}/resolve/{revision}/{file}`, configs and
// model.safetensors only) loads by hub id through the hub settings, reports progress per file, and the
// graph built from it reproduces the goldens. Kept in the Cache API, it loads again with no request.
import { statSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FileProgress, ModelRepo } from '../hub/model-repo.js';
import { openModelRepo } from '../hub/open-model-repo.js';
import { fixturePath } from '../testing/fixtures.js';
import { autoClassFor, expectGoldenCases } from '../testing/golden-cases.js';
import { MemoryCacheStorage } from '../testing/memory-cache.js';
import { readGolden } from '../testing/model-fixtures.js';
import { sendFile, startTestServer, type TestServer } from '../testing/test-http-server.js';

const CHECKPOINT_FILES = ['config.json', 'preprocessor_config.json', 'model.safetensors'];
/** One per family. */
const MODELS = ['bit-bottleneck-same-cls', 'beit-cls', 'vit-hybrid-cls'];

let server: TestServer;
/** Whether the server has gained the exported graph beside the checkpoint. */
let serveOnnx = false;

beforeAll(async () => {
  server = await startTestServer((path, request, response) => {
    const hub = /^\/test-org\/([^/]+)\/resolve\/[^/]+\/(.+)$/.exec(path);
    const served = [...CHECKPOINT_FILES, ...(serveOnnx ? ['onnx/model.onnx'] : [])];
    return !!hub && served.includes(hub[2]!) && sendFile(fixturePath('models'), `${hub[1]}/${hub[2]}`, request, response);
  });
});

afterAll(() => server.close());

beforeEach(() => {
  server.requests.length = 0;
  serveOnnx = false;
});

describe('a Hub-laid checkpoint over HTTP', () => {
  it.each(MODELS)('%s loads by hub id with progress events and matches its goldens', async (model) => {
    const golden = readGolden(model);
    const events: FileProgress[] = [];
    const loaded = await autoClassFor(golden.architecture).fromPretrained(`test-org/${model}`, {
      remoteHost: server.url,
      allowLocalModels: false,
      device: 'cpu',
      onProgress: (progress) => events.push(progress),
    });
    try {
      const base = `/test-org/${model}/resolve/main`;
      // "auto" asks for the ONNX file first; the 404 sends it to the checkpoint.
      expect(server.requests).toEqual(['config.json', 'onnx/model.onnx', 'model.safetensors'].map((file) => `GET ${base}/${file}`));
      for (const file of ['config.json', 'model.safetensors']) {
        const size = statSync(fixturePath('models', model, file)).size;
        const loadedBytes = events.filter((event) => event.file === file).map((event) => event.loaded);
        // The server sends 16 kB chunks (the client may join some).
        expect(loadedBytes.length, `progress events of ${file}`).toBeGreaterThan(size > 16 * 1024 ? 1 : 0);
        expect(loadedBytes, `${file} progress never goes back`).toEqual([...loadedBytes].sort((a, b) => a - b));
        expect(loadedBytes.at(-1), `${file} ends at its size`).toBe(size);
        expect(events.filter((event) => event.file === file).every((event) => event.total === size)).toBe(true);
      }
      await expectGoldenCases(loaded, model, golden);
    } finally {
      await loaded.dispose();
    }
  });

  it('loads again from the Cache API with no request, "auto" reading the kept checkpoint until a graph is kept too', async () => {
    const model = 'bit-bottleneck-same-cls';
    const golden = readGolden(model);
    const cacheStorage = new MemoryCacheStorage();
    const base = `/test-org/${model}/resolve/main`;
    /** The repo, recording which files the load reads as bytes. */
    const load = async (source: 'auto' | 'onnx') => {
      const repo = openModelRepo(`test-org/${model}`, { remoteHost: server.url, allowLocalModels: false, cacheStorage });
      const read: string[] = [];
      const recorded: ModelRepo = {
        ...repo,
        bytes: (file, options) => {
          read.push(file);
          return repo.bytes(file, options);
        },
      };
      server.requests.length = 0;
      const loaded = await autoClassFor(golden.architecture).fromPretrained(recorded, { device: 'cpu', source });
      await loaded.dispose();
      return { read, requests: [...server.requests] };
    };

    expect((await load('auto')).requests).toEqual(
      ['config.json', 'onnx/model.onnx', 'model.safetensors'].map((file) => `GET ${base}/${file}`),
    );
    expect(await load('auto'), 'the second load').toEqual({ read: ['model.safetensors'], requests: [] });

    serveOnnx = true;
    expect((await load('onnx')).requests).toEqual([`GET ${base}/onnx/model.onnx`]);
    expect(await load('auto'), 'a load once the graph is kept').toEqual({ read: ['onnx/model.onnx'], requests: [] });
  });
});
