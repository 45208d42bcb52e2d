// A checkpoint served over HTTP laid out like the Hub (`/{id}/resolve/{revision}/{file}`, configs and
// model.safetensors only) loads by hub id through the hub settings, reports progress per file, and the
// graph built from it reproduces the goldens.
import { statSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FileProgress } from '../hub/model-repo.js';
import { fixturePath } from '../testing/fixtures.js';
import { autoClassFor, expectGoldenCases } from '../testing/golden-cases.js';
import { readGolden } from '../testing/model-fixtures.js';
import { sendFile, startTestServer, type TestServer } from '../testing/test-http-server.js';

const CHECKPOINT_FILES = ['config.json', 'preprocessor_config.json', 'model.safetensors'];
/** One per family. */
const MODELS = ['bit-bottleneck-same-cls', 'beit-cls', 'vit-hybrid-cls'];

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer((path, request, response) => {
    const hub = /^\/test-org\/([^/]+)\/resolve\/[^/]+\/(.+)$/.exec(path);
    return !!hub && CHECKPOINT_FILES.includes(hub[2]!) && sendFile(fixturePath('models'), `${hub[1]}/${hub[2]}`, request, response);
  });
});

afterAll(() => server.close());

beforeEach(() => {
  server.requests.length = 0;
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
});
