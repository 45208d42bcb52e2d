// What a server (or a folder) can make a model download spend: no file is read past maxFileBytes
// (default 4 GiB) — a Content-Length above it is refused before anything is allocated, a body without
// one (or longer than it said, or compressed) is cut off once it passes it — and the next read works.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureInChild } from '../testing/measure-in-child.js';
import { startTestServer, type TestServer } from '../testing/test-http-server.js';
import { openModelRepo } from './open-model-repo.js';
import { DEFAULT_MAX_FILE_BYTES } from './read-limit.js';
import { hubSettings } from './settings.js';

const MiB = 2 ** 20;
let server: TestServer;
let folder: string;
/** 1 GiB of zeros in about 1 MB: 16 gzip members of 64 MiB each, which a gzip reader reads as one body. */
let bomb: Buffer;

beforeAll(async () => {
  const member = gzipSync(new Uint8Array(64 * MiB), { level: 9 });
  bomb = Buffer.concat(Array.from({ length: 16 }, () => member));
  folder = await mkdtemp(join(tmpdir(), 'retina-download-limits-'));
  await writeFile(join(folder, 'model.onnx'), new Uint8Array(2 * MiB));
  server = await startTestServer((path, _request, response) => {
    if (path === '/claims-a-petabyte/model.safetensors') {
      response.writeHead(200, { 'content-length': 1e15 }).flushHeaders();
      return true;
    }
    if (path === '/bomb/model.safetensors') {
      response.writeHead(200, { 'content-encoding': 'gzip' }).end(bomb);
      return true;
    }
    if (path === '/plain/model.safetensors') {
      // Chunked, without a length, as the bomb comes.
      response.writeHead(200);
      for (let i = 0; i < 16; i++) response.write(new Uint8Array(MiB));
      response.end();
      return true;
    }
    if (path === '/plain/config.json') {
      response.end('{}');
      return true;
    }
    return false;
  });
});

afterAll(async () => {
  await server.close();
  await rm(folder, { recursive: true, force: true });
});

describe('maxFileBytes', () => {
  it('is 4 GiB unless set', () => {
    expect(DEFAULT_MAX_FILE_BYTES).toBe(4 * 2 ** 30);
    expect(hubSettings.maxFileBytes).toBe(DEFAULT_MAX_FILE_BYTES);
  });

  it('refuses a Content-Length of 10^15 bytes at once (it was a RangeError), then reads the next file', async () => {
    const repo = openModelRepo(`${server.url}/claims-a-petabyte`, { useBrowserCache: false });
    await expect(repo.bytes('model.safetensors')).rejects.toMatchObject({
      code: 'FILE_TOO_LARGE',
      message: expect.stringMatching(
        /is 1000000000000000 bytes \(its Content-Length\), more than maxFileBytes \(4294967296 bytes\) allows/,
      ),
    });
    expect(await openModelRepo(`${server.url}/plain`, { useBrowserCache: false }).json('config.json')).toEqual({});
  });

  it('stops a 1 MB gzip bomb (1 GiB inside) at maxFileBytes, in the time and memory a plain body of that size takes', async () => {
    const limit = String(16 * MiB);
    const baseline = await measureInChild('readRepoFile', [`${server.url}/plain`, 'model.safetensors', limit]);
    const attack = await measureInChild('readRepoFile', [`${server.url}/bomb`, 'model.safetensors', limit], { hangAfterMs: 60_000 });

    expect(baseline.value).toBe(16 * MiB);
    expect(attack.error).toMatchObject({ code: 'FILE_TOO_LARGE' });
    expect(attack.error?.message).toMatch(/goes on past 16777216 bytes, more than maxFileBytes \(16777216 bytes\) allows/);
    console.log(
      `gzip bomb cut off at 16 MiB: ${attack.ms.toFixed(0)} ms, peak RSS +${(attack.growthBytes / MiB).toFixed(0)} MiB; ` +
        `16 MiB plain: ${baseline.ms.toFixed(0)} ms, +${(baseline.growthBytes / MiB).toFixed(0)} MiB`,
    );
    expect(attack.ms).toBeLessThan(3 * baseline.ms);
    // The body's buffer never passes the limit: the bomb costs what the plain body does (46-64 vs 57-62 MiB
    // measured, Node's own allocations varying by a few MiB from run to run), not its 1 GiB.
    expect(attack.growthBytes).toBeLessThan(baseline.growthBytes + 16 * MiB);
  });

  it('refuses a file in a folder from its size, before reading it', async () => {
    await expect(openModelRepo(folder, { maxFileBytes: MiB }).bytes('model.onnx')).rejects.toMatchObject({
      code: 'FILE_TOO_LARGE',
      message: expect.stringMatching(/^model\.onnx from .+ is 2097152 bytes, more than maxFileBytes \(1048576 bytes\) allows/),
    });
    expect((await openModelRepo(folder, { maxFileBytes: 2 * MiB }).bytes('model.onnx')).length).toBe(2 * MiB);
  });

  it('is taken from hubSettings, under the per-model options', async () => {
    const saved = hubSettings.maxFileBytes;
    hubSettings.maxFileBytes = MiB;
    try {
      await expect(openModelRepo(folder).bytes('model.onnx')).rejects.toMatchObject({ code: 'FILE_TOO_LARGE' });
      expect((await openModelRepo(folder, { maxFileBytes: 4 * MiB }).bytes('model.onnx')).length).toBe(2 * MiB);
    } finally {
      hubSettings.maxFileBytes = saved;
    }
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses maxFileBytes %s when the repo is opened', (maxFileBytes) => {
    expect(() => openModelRepo(folder, { maxFileBytes })).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(/^maxFileBytes must be a positive whole number/),
      }),
    );
  });
});
