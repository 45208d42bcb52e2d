import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath, readBytes, readJson } from '../testing/fixtures.js';
import type { FileProgress } from './model-repo.js';
import { openModelRepo } from './open-model-repo.js';

const beitFolder = fixturePath('models', 'beit-cls');

describe('openModelRepo on a local folder', () => {
  let tempDir: string;

  beforeAll(async () => {
    tempDir = await mkdtemp(join(tmpdir(), 'retina-hub-'));
    await writeFile(join(tempDir, 'config.json'), '{\n  "a": 1,\n  "b": <oops>\n}');
  });
  afterAll(() => rm(tempDir, { recursive: true, force: true }));

  it('reads JSON and bytes from an absolute path', async () => {
    const repo = openModelRepo(beitFolder);
    expect(await repo.json('config.json')).toEqual(readJson('models', 'beit-cls', 'config.json'));
    const onnx = await repo.bytes('onnx/model.onnx');
    expect(Buffer.from(onnx).equals(readBytes('models', 'beit-cls', 'onnx', 'model.onnx'))).toBe(true);
  });

  it('reads from a file: URL and reports progress from the file size', async () => {
    const repo = openModelRepo(pathToFileURL(beitFolder).href);
    const events: FileProgress[] = [];
    const bytes = await repo.bytes('onnx/model.onnx', { onProgress: (event) => events.push(event) });
    expect(events.at(-1)).toEqual({ file: 'onnx/model.onnx', loaded: bytes.length, total: bytes.length });
    expect(events.map((event) => event.loaded)).toEqual([...events.map((event) => event.loaded)].sort((a, b) => a - b));
  });

  it('rejects a missing file naming its path, then reads the next one', async () => {
    const repo = openModelRepo(beitFolder);
    await expect(repo.bytes('onnx/model_fp16.onnx')).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
      message: expect.stringContaining(join(beitFolder, 'onnx', 'model_fp16.onnx')),
    });
    expect((await repo.bytes('onnx/model.onnx')).length).toBeGreaterThan(0);
  });

  it('names file, line and column of broken JSON', async () => {
    const repo = openModelRepo(tempDir);
    await expect(repo.json('config.json')).rejects.toMatchObject({
      code: 'MODEL_LOAD_FAILED',
      message: expect.stringMatching(/config\.json .*not valid JSON \(line 3, column 8/),
    });
  });

  it('looks ids up under localModelPath', async () => {
    const repo = openModelRepo('beit-cls', { localModelPath: fixturePath('models'), allowRemoteModels: false });
    expect(await repo.json('config.json')).toEqual(readJson('models', 'beit-cls', 'config.json'));
  });

  it('rejects file names that leave the repo', async () => {
    const repo = openModelRepo(beitFolder);
    await expect(repo.bytes('../beit-mim/config.json')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('rejects an aborted read with an AbortError naming the file', async () => {
    const repo = openModelRepo(resolve(beitFolder));
    const controller = new AbortController();
    controller.abort();
    await expect(repo.bytes('onnx/model.onnx', { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
      message: expect.stringContaining('onnx/model.onnx'),
    });
  });
});
