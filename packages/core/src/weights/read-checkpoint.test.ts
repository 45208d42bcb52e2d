import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openModelRepo } from '../hub/open-model-repo.js';
import { fixturePath, readBytes } from '../testing/fixtures.js';
import { MemoryCacheStorage } from '../testing/memory-cache.js';
import { sendFile, startTestServer } from '../testing/test-http-server.js';
import { packSafetensors, rawSafetensorsHeader } from '../testing/safetensors-file.js';
import { readCheckpoint } from './read-checkpoint.js';
import type { Checkpoint } from './weight-tensor.js';

const MODEL = 'beit-seg';
const SHARDS = ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'];
const BIN_SHARD = 'pytorch_model-00001-of-00001.bin';

/** The fixture's tensors as the test reads them from the header: name → dtype, shape, bytes. */
function fixtureTensors() {
  const bytes = readBytes('models', MODEL, 'model.safetensors');
  const { header, dataStart } = rawSafetensorsHeader(bytes);
  return Object.entries(header).map(
    ([
      name,
      {
        dtype,
        shape,
        data_offsets: [begin, end],
      },
    ]) => ({
      name,
      dtype,
      shape,
      bytes: bytes.subarray(dataStart + begin, dataStart + end),
    }),
  );
}

describe('readCheckpoint', () => {
  let root: string;
  const folder = (name: string) => join(root, name);

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'retina-weights-'));
    const tensors = fixtureTensors();
    const half = Math.ceil(tensors.length / 2);
    const weightMap = Object.fromEntries(tensors.map(({ name }, i) => [name, SHARDS[i < half ? 0 : 1]]));
    for (const name of ['sharded', 'missing-shard', 'empty'])
      await cp(fixturePath('models', MODEL, 'config.json'), join(folder(name), 'config.json'));
    await writeFile(join(folder('sharded'), SHARDS[0]!), packSafetensors(tensors.slice(0, half), { format: 'pt' }));
    await writeFile(join(folder('sharded'), SHARDS[1]!), packSafetensors(tensors.slice(half), { format: 'pt', extra: 'second' }));
    await writeFile(
      join(folder('sharded'), 'model.safetensors.index.json'),
      JSON.stringify({ metadata: { total_size: 1 }, weight_map: weightMap }),
    );
    await cp(join(folder('sharded'), SHARDS[0]!), join(folder('missing-shard'), SHARDS[0]!));
    await writeFile(join(folder('missing-shard'), 'model.safetensors.index.json'), JSON.stringify({ weight_map: weightMap }));
    await cp(folder('sharded'), folder('wrong-shard'), { recursive: true });
    await cp(fixturePath('models', MODEL, 'pytorch_model.bin'), join(folder('bin-only'), 'pytorch_model.bin'));
    await cp(fixturePath('models', MODEL, 'pytorch_model.bin'), join(folder('bin-sharded'), BIN_SHARD));
    await writeFile(
      join(folder('bin-sharded'), 'pytorch_model.bin.index.json'),
      JSON.stringify({ weight_map: Object.fromEntries(tensors.map(({ name }) => [name, BIN_SHARD])) }),
    );
    const swapped = { ...weightMap, [tensors[0]!.name]: SHARDS[1] };
    await writeFile(join(folder('wrong-shard'), 'model.safetensors.index.json'), JSON.stringify({ weight_map: swapped }));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('reads model.safetensors first, as views of the one file read', async () => {
    const progress: string[] = [];
    const checkpoint = await readCheckpoint(openModelRepo(fixturePath('models', MODEL)), { onProgress: ({ file }) => progress.push(file) });
    expect(checkpoint.files.map((file) => file.name)).toEqual(['model.safetensors']);
    expect(new Set(progress)).toEqual(new Set(['model.safetensors']));
    expect(checkpoint.metadata).toEqual({ format: 'pt' });
    for (const { name, dtype, shape, bytes } of fixtureTensors()) {
      const tensor = checkpoint.tensors.get(name)!;
      expect([tensor.dtype, tensor.shape]).toEqual([dtype === 'I64' ? 'int64' : 'float32', shape]);
      expect(tensor.data.buffer).toBe(checkpoint.files[0]!.bytes.buffer);
      expect(Buffer.from(tensor.data).equals(Buffer.from(bytes))).toBe(true);
    }
  });

  it('reads a sharded checkpoint the same as the single file', async () => {
    const checkpoint = await readCheckpoint(openModelRepo(folder('sharded')));
    expect(checkpoint.files.map((file) => file.name)).toEqual(SHARDS);
    expect(checkpoint.metadata).toEqual({ format: 'pt', extra: 'second' });
    const expected = fixtureTensors();
    expect(checkpoint.tensors.size).toBe(expected.length);
    const half = Math.ceil(expected.length / 2);
    expected.forEach(({ name, shape, bytes }, i) => {
      const tensor = checkpoint.tensors.get(name)!;
      expect([tensor.shape, tensor.file]).toEqual([shape, SHARDS[i < half ? 0 : 1]]);
      expect(Buffer.from(tensor.data).equals(Buffer.from(bytes))).toBe(true);
    });
  });

  it.each([
    ['bin-only', 'pytorch_model.bin'],
    ['bin-sharded', BIN_SHARD],
  ])('reads pytorch weights when there is no safetensors file (%s)', async (name, file) => {
    const checkpoint = await readCheckpoint(openModelRepo(folder(name)));
    expect(checkpoint.files.map((entry) => entry.name)).toEqual([file]);
    expect(checkpoint.metadata).toEqual({});
    for (const { name: tensorName, shape, bytes } of fixtureTensors()) {
      const tensor = checkpoint.tensors.get(tensorName)!;
      expect([tensor.shape, tensor.file]).toEqual([shape, file]);
      expect(Buffer.from(tensor.data).equals(Buffer.from(bytes))).toBe(true);
    }
  });

  it("looks the files up on the hub in Transformers' order, reading pytorch_model.bin when safetensors are missing, and asks nothing once it is cached", async () => {
    const root = fixturePath('models');
    const server = await startTestServer((path, request, response) => {
      const [, , model, , , file] = path.split('/'); // /test-org/<model>/resolve/main/<file>
      return file !== 'model.safetensors' && sendFile(root, `${model}/${file}`, request, response);
    });
    try {
      const cacheStorage = new MemoryCacheStorage();
      const repo = () => openModelRepo(`test-org/${MODEL}`, { remoteHost: server.url, allowLocalModels: false, cacheStorage });
      const base = `/test-org/${MODEL}/resolve/main`;
      const expectFixtureTensors = (checkpoint: Checkpoint) => {
        expect(checkpoint.files.map(({ name }) => name)).toEqual(['pytorch_model.bin']);
        for (const { name, bytes } of fixtureTensors())
          expect(Buffer.from(checkpoint.tensors.get(name)!.data).equals(Buffer.from(bytes))).toBe(true);
      };
      expectFixtureTensors(await readCheckpoint(repo()));
      expect(server.requests).toEqual([
        `GET ${base}/model.safetensors`,
        `GET ${base}/model.safetensors.index.json`,
        `GET ${base}/pytorch_model.bin`,
      ]);
      // The 404s are not cached; the kept pytorch_model.bin is read without asking for them again.
      server.requests.length = 0;
      expectFixtureTensors(await readCheckpoint(repo()));
      expect(server.requests, 'requests of the second read').toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('names a missing shard, then reads the next checkpoint', async () => {
    await expect(readCheckpoint(openModelRepo(folder('missing-shard')))).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
      message: expect.stringContaining(`model.safetensors.index.json names the shard ${SHARDS[1]}, which is missing`),
    });
    expect((await readCheckpoint(openModelRepo(folder('sharded')))).tensors.size).toBe(fixtureTensors().length);
  });

  it('reads an index of 10,000 shards 4 at a time, and cancels the reads under way at the first failure', async () => {
    const shards = Array.from({ length: 10_000 }, (_, i) => `model-${String(i + 1).padStart(5, '0')}-of-10000.safetensors`);
    const index = JSON.stringify({ weight_map: Object.fromEntries(shards.map((shard, i) => [`t${i}`, shard])) });
    let inFlight = 0;
    let mostInFlight = 0;
    let cancelled = 0;
    let missing: (() => void) | undefined;
    const server = await startTestServer((path, _request, response) => {
      const file = path.slice(1);
      if (file === 'model.safetensors.index.json') {
        response.end(index);
        return true;
      }
      if (!shards.includes(file)) return false;
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      response.on('close', () => {
        inFlight--;
        if (!response.writableFinished) cancelled++;
      });
      // The other shards are never answered; the first is missing, once 4 reads are under way.
      if (file === shards[0]) missing = () => response.writeHead(404).end();
      if (inFlight === 4) missing?.();
      return new Promise<boolean>((resolve) => response.on('close', () => resolve(true)));
    });
    try {
      await expect(readCheckpoint(openModelRepo(server.url, { useBrowserCache: false }))).rejects.toMatchObject({
        message: expect.stringContaining(`names the shard ${shards[0]}`),
      });
      await vi.waitFor(() => expect(inFlight).toBe(0));
      const shardRequests = server.requests.filter((request) => request.includes('-of-10000'));
      expect([mostInFlight, shardRequests.length, cancelled]).toEqual([4, 4, 3]);
    } finally {
      await server.close();
    }
  });

  it('refuses an index that puts a tensor in the wrong shard', async () => {
    await expect(readCheckpoint(openModelRepo(folder('wrong-shard')))).rejects.toMatchObject({
      code: 'MODEL_LOAD_FAILED',
      message: expect.stringMatching(
        /does not match its shards: it puts tensor ".+" in model-00002-of-00002\.safetensors, which does not hold it/,
      ),
    });
  });

  it('rejects an aborted read with the AbortError, not as a missing file', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(readCheckpoint(openModelRepo(fixturePath('models', MODEL)), { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
      message: expect.stringContaining('model.safetensors'),
    });
  });

  it('lists the names it looked for when a folder has no weights, then reads the next one', async () => {
    await expect(readCheckpoint(openModelRepo(folder('empty')))).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
      message: expect.stringContaining(
        'looked for model.safetensors, model.safetensors.index.json, pytorch_model.bin, pytorch_model.bin.index.json',
      ),
    });
    expect((await readCheckpoint(openModelRepo(fixturePath('models', MODEL)))).tensors.size).toBe(fixtureTensors().length);
  });
});
