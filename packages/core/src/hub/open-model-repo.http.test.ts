import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixturePath, readJson } from '../testing/fixtures.js';
import { addModelWithExternalWeight } from '../testing/onnx-proto.js';
import type { FileProgress } from './model-repo.js';
import { openModelRepo } from './open-model-repo.js';
import { readOnnxModel } from './read-onnx-model.js';
import { hubSettings } from './settings.js';
import { sendFile, startTestServer, type TestServer } from '../testing/test-http-server.js';

const modelsRoot = fixturePath('models');
const beitConfig = readJson('models', 'beit-cls', 'config.json');
const BIG_FILE_BYTES = 300 * 1024;

let server: TestServer;
let generated: string;
let bigFile: Buffer;

beforeAll(async () => {
  generated = await mkdtemp(join(tmpdir(), 'retina-hub-http-'));
  bigFile = randomBytes(BIG_FILE_BYTES);
  for (const [folder, location] of [
    ['external', 'model.onnx.data'],
    ['renamed', 'add.weights'],
  ] as const) {
    const { graph, data } = addModelWithExternalWeight(location);
    await mkdir(join(generated, folder, 'onnx'), { recursive: true });
    await writeFile(join(generated, folder, 'onnx', 'model.onnx'), graph);
    await writeFile(join(generated, folder, 'onnx', location), data);
  }
  await writeFile(join(generated, 'big.bin'), bigFile);
  await mkdir(join(generated, 'local', 'test-org', 'beit-cls'), { recursive: true });
  await writeFile(join(generated, 'local', 'test-org', 'beit-cls', 'config.json'), '{"from":"local"}');
  await writeFile(join(generated, 'page.json'), '<!doctype html>\n<html></html>');

  server = await startTestServer(async (path, request, response) => {
    const [, area = '', ...rest] = path.split('/');
    const tail = rest.join('/');
    const hub = /^\/test-org\/([^/]+)\/resolve\/[^/]+\/(.+)$/.exec(path);
    if (hub) return sendFile(modelsRoot, `${hub[1]}/${hub[2]}`, request, response);
    switch (area) {
      case 'models':
        return sendFile(modelsRoot, tail, request, response);
      case 'generated':
        return sendFile(generated, tail, request, response);
      case 'chunked':
        return sendFile(generated, tail, request, response, { chunked: true });
      case 'truncated':
        response.writeHead(200, { 'content-length': 1000 });
        response.write(Buffer.alloc(100));
        setTimeout(() => response.destroy(), 20);
        return true;
      case 'slow':
        response.writeHead(200, { 'content-length': BIG_FILE_BYTES });
        response.write(bigFile.subarray(0, 1024));
        return true;
      default:
        return false;
    }
  });
});

afterAll(async () => {
  await server.close();
  await rm(generated, { recursive: true, force: true });
});

beforeEach(() => {
  server.requests.length = 0;
});

describe('openModelRepo over HTTP', () => {
  it('reads JSON and bytes from a base URL', async () => {
    const repo = openModelRepo(`${server.url}/models/beit-cls/`);
    expect(repo.location).toBe(`${server.url}/models/beit-cls`);
    expect(await repo.json('config.json')).toEqual(beitConfig);
    const onnx = await repo.bytes('onnx/model.onnx');
    expect(Buffer.from(onnx).equals(await readFixture('beit-cls/onnx/model.onnx'))).toBe(true);
  });

  it('builds hub URLs from the configured host, id and revision', async () => {
    const repo = openModelRepo('test-org/beit-cls@v1.0', { remoteHost: server.url, allowLocalModels: false });
    expect(await repo.json('config.json')).toEqual(beitConfig);
    expect(server.requests).toEqual(['GET /test-org/beit-cls/resolve/v1.0/config.json']);
  });

  it('takes a whole URL template', async () => {
    const repo = openModelRepo('test-org/beit-cls', {
      remotePathTemplate: `${server.url}/{model}/resolve/{revision}/{file}`,
      remoteHost: 'http://unused.invalid',
      revision: 'refs/pr/1',
      allowLocalModels: false,
    });
    expect(await repo.json('preprocessor_config.json')).toEqual(readJson('models', 'beit-cls', 'preprocessor_config.json'));
    expect(server.requests).toEqual(['GET /test-org/beit-cls/resolve/refs%2Fpr%2F1/preprocessor_config.json']);
  });

  it('looks ids up under localModelPath first, then on the hub, per file', async () => {
    const repo = openModelRepo('test-org/beit-cls', { remoteHost: server.url, localModelPath: join(generated, 'local') });
    expect(await repo.json('config.json')).toEqual({ from: 'local' });
    expect(server.requests).toEqual([]);
    expect(await repo.json('preprocessor_config.json')).toEqual(readJson('models', 'beit-cls', 'preprocessor_config.json'));
    expect(server.requests).toEqual(['GET /test-org/beit-cls/resolve/main/preprocessor_config.json']);
  });

  it('applies hubSettings to models opened afterwards, under per-call options', async () => {
    const saved = { ...hubSettings };
    Object.assign(hubSettings, { remoteHost: server.url, allowLocalModels: false });
    try {
      expect(await openModelRepo('test-org/beit-cls').json('config.json')).toEqual(beitConfig);
      expect(() => openModelRepo('test-org/beit-cls', { allowRemoteModels: false })).toThrow(/allowRemoteModels/);
    } finally {
      Object.assign(hubSettings, saved);
    }
  });

  it('refuses to download when allowRemoteModels is false, naming the setting', async () => {
    const repo = openModelRepo('test-org/beit-cls', { remoteHost: server.url, localModelPath: generated, allowRemoteModels: false });
    await expect(repo.json('config.json')).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
      message: expect.stringContaining('set allowRemoteModels to true'),
    });
    expect(() => openModelRepo('test-org/beit-cls', { allowRemoteModels: false, allowLocalModels: false })).toThrow(
      /allowRemoteModels and allowLocalModels are both false/,
    );
    expect(server.requests).toEqual([]);
  });

  it('reports progress in order with the content-length total', async () => {
    const events: FileProgress[] = [];
    const bytes = await openModelRepo(`${server.url}/generated`).bytes('big.bin', { onProgress: (e) => events.push(e) });
    expect(Buffer.from(bytes).equals(bigFile)).toBe(true);
    expect(events.length).toBeGreaterThan(1);
    expectIncreasing(events);
    expect(events.every((event) => event.file === 'big.bin' && event.total === BIG_FILE_BYTES)).toBe(true);
    expect(events.at(-1)?.loaded).toBe(BIG_FILE_BYTES);
  });

  it('reports progress without a total for a chunked response', async () => {
    const events: FileProgress[] = [];
    const bytes = await openModelRepo(`${server.url}/chunked`).bytes('big.bin', { onProgress: (e) => events.push(e) });
    expect(Buffer.from(bytes).equals(bigFile)).toBe(true);
    expectIncreasing(events);
    expect(events.every((event) => event.total === undefined)).toBe(true);
    expect(events.at(-1)?.loaded).toBe(BIG_FILE_BYTES);
  });

  it('rejects a 404 naming the file, the URL and the status, then reads the next file', async () => {
    const repo = openModelRepo('test-org/beit-cls', { remoteHost: server.url, allowLocalModels: false });
    const url = `${server.url}/test-org/beit-cls/resolve/main/onnx/model_fp16.onnx`;
    await expect(repo.bytes('onnx/model_fp16.onnx')).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
      message: expect.stringMatching(/^onnx\/model_fp16\.onnx was not found at .*\(HTTP 404 Not Found\)\. Check the model id/),
    });
    await expect(repo.bytes('onnx/model_fp16.onnx')).rejects.toThrow(url);
    expect(await repo.json('config.json')).toEqual(beitConfig);
  });

  it('rejects a body shorter than its content-length, then reads the next file', async () => {
    const repo = openModelRepo(server.url);
    await expect(repo.bytes('truncated/model.onnx')).rejects.toMatchObject({
      code: 'MODEL_LOAD_FAILED',
      message: expect.stringMatching(/truncated\/model\.onnx .* was cut off after 100 of 1000 bytes/),
    });
    expect(await repo.json('models/beit-cls/config.json')).toEqual(beitConfig);
  });

  it('rejects a network failure as MODEL_LOAD_FAILED naming the URL', async () => {
    const closed = await startTestServer(() => false);
    await closed.close();
    await expect(openModelRepo(closed.url).json('config.json')).rejects.toMatchObject({
      code: 'MODEL_LOAD_FAILED',
      message: expect.stringContaining(`Could not download config.json from ${closed.url}/config.json (fetch failed: connect ECONNREFUSED`),
    });
  });

  it('says that the server answered a JSON file with an HTML page, naming the file and URL', async () => {
    await expect(openModelRepo(`${server.url}/generated`).json('page.json')).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
      message: expect.stringContaining(
        `page.json was not found at ${server.url}/generated/page.json: the server answered with an HTML page`,
      ),
    });
  });

  it('aborts mid-download with an AbortError naming the file, then reads the next file', async () => {
    const controller = new AbortController();
    const repo = openModelRepo(server.url);
    const read = repo.bytes('slow/big.bin', { signal: controller.signal, onProgress: () => controller.abort() });
    await expect(read).rejects.toMatchObject({ name: 'AbortError', message: expect.stringContaining('slow/big.bin') });
    expect(await repo.json('models/beit-cls/config.json')).toEqual(beitConfig);
  });

  it('checks sha256 integrity in base64 and hex', async () => {
    const digest = createHash('sha256').update(bigFile).digest();
    const ok = { 'big.bin': `sha256-${digest.toString('base64')}` };
    expect((await openModelRepo(`${server.url}/generated`, { integrity: ok }).bytes('big.bin')).length).toBe(BIG_FILE_BYTES);

    const wrongHex = createHash('sha256').update('other').digest('hex');
    const repo = openModelRepo(`${server.url}/generated`, { integrity: { 'big.bin': wrongHex } });
    await expect(repo.bytes('big.bin')).rejects.toMatchObject({
      code: 'MODEL_LOAD_FAILED',
      message: expect.stringContaining(
        `Integrity check failed for big.bin from ${server.url}/generated/big.bin: expected ${wrongHex}, got ${digest.toString('hex')}`,
      ),
    });
  });

  it('reads through a custom fetch', async () => {
    const seen: string[] = [];
    const files: Record<string, string> = { 'https://models.example/repo/config.json': '{"model_type":"beit"}' };
    const customFetch: typeof fetch = async (input) => {
      const url = input instanceof Request ? input.url : input.toString();
      seen.push(url);
      const body = files[url];
      return body === undefined ? new Response('missing', { status: 404 }) : new Response(body);
    };
    const repo = openModelRepo('https://models.example/repo', { fetch: customFetch });
    expect(await repo.json('config.json')).toEqual({ model_type: 'beit' });
    await expect(repo.bytes('onnx/model.onnx')).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    expect(seen).toEqual(['https://models.example/repo/config.json', 'https://models.example/repo/onnx/model.onnx']);
  });
});

describe('readOnnxModel', () => {
  it.each([
    ['external', 'model.onnx.data'],
    ['renamed', 'add.weights'],
  ])('downloads the graph, then exactly the external data file it names (%s)', async (folder, location) => {
    const events: string[] = [];
    const files = await readOnnxModel(openModelRepo(`${server.url}/generated/${folder}`), 'onnx/model.onnx', {
      onProgress: (event) => events.push(event.file),
    });
    const expected = addModelWithExternalWeight(location);
    expect(files.model).toEqual(expected.graph);
    expect(files.externalData).toEqual([{ path: location, data: expected.data }]);
    expect(server.requests).toEqual([`GET /generated/${folder}/onnx/model.onnx`, `GET /generated/${folder}/onnx/${location}`]);
    expect(new Set(events)).toEqual(new Set(['onnx/model.onnx', `onnx/${location}`]));
  });

  it('downloads the graph alone when its weights are inside it', async () => {
    const files = await readOnnxModel(openModelRepo(`${server.url}/models/beit-cls`));
    expect(files.model.length).toBeGreaterThan(0);
    expect(files.externalData).toBeUndefined();
    expect(server.requests).toEqual(['GET /models/beit-cls/onnx/model.onnx']);
  });
});

function expectIncreasing(events: FileProgress[]): void {
  const loaded = events.map((event) => event.loaded);
  expect(loaded.every((value, index) => index === 0 || value > loaded[index - 1]!)).toBe(true);
}

async function readFixture(relativePath: string): Promise<Buffer> {
  const { readFile } = await import('node:fs/promises');
  return readFile(join(modelsRoot, relativePath));
}
