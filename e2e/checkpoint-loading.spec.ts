// Checkpoints in the browser: the core reads model.safetensors through the Cache API (a second read
// makes no request) and pytorch_model.bin with the same restricted unpickler as in Node.
import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { rawSafetensorsHeader } from '../packages/core/src/testing/safetensors-file.js';
import { fixtureFile } from './support/fixtures.js';
import { expect, modelUrl, test } from './support/test.js';

const MODEL = 'beit-seg';

interface ReadTensor {
  name: string;
  dtype: string;
  shape: number[];
  file: string;
  bytes: number[];
}

/** The fixture's tensors as read here from the safetensors header: name → dtype, shape and bytes. */
function expectedTensors(): Map<string, Omit<ReadTensor, 'name' | 'file'>> {
  const bytes = new Uint8Array(readFileSync(fixtureFile('models', MODEL, 'model.safetensors')));
  const { header, dataStart } = rawSafetensorsHeader(bytes);
  return new Map(
    Object.entries(header).map(
      ([
        name,
        {
          dtype,
          shape,
          data_offsets: [begin, end],
        },
      ]) => [name, { dtype: dtype === 'I64' ? 'int64' : 'float32', shape, bytes: [...bytes.subarray(dataStart + begin, dataStart + end)] }],
    ),
  );
}

function expectFixtureTensors(read: ReadTensor[], file: string): void {
  const expected = expectedTensors();
  const byName = new Map(read.map((tensor) => [tensor.name, tensor]));
  for (const [name, tensor] of expected) expect(byName.get(name), name).toEqual({ name, file, ...tensor });
}

test.beforeEach(async ({ page }) => {
  await page.goto('/core-page/index.html');
  await page.waitForFunction(() => typeof RetinaCore === 'object');
});

function readInPage(page: Page, url: string): Promise<ReadTensor[]> {
  return page.evaluate(async (url) => {
    const checkpoint = await RetinaCore.readCheckpoint(RetinaCore.openModelRepo(url));
    return [...checkpoint.tensors.values()].map(({ name, dtype, shape, file, data }) => ({
      name,
      dtype,
      shape: [...shape],
      file,
      bytes: [...data],
    }));
  }, url);
}

test('a second read of a checkpoint fetches nothing: the Cache API holds model.safetensors', async ({ page, context }) => {
  const url = modelUrl(page, MODEL);
  const requests: string[] = [];
  context.on('request', (request) => {
    if (request.url().startsWith(url)) requests.push(`${request.method()} ${request.url().slice(url.length)}`);
  });
  const first = await readInPage(page, url);
  expect(requests).toEqual(['GET /model.safetensors']);
  expectFixtureTensors(first, 'model.safetensors');
  requests.length = 0;
  await page.reload();
  await page.waitForFunction(() => typeof RetinaCore === 'object');
  const second = await readInPage(page, url);
  expect(requests, 'requests of the second read').toEqual([]);
  expect(second).toEqual(first);
});

test('pytorch_model.bin reads to the same tensors as in Node, and a malicious pickle is refused', async ({ page }) => {
  const url = modelUrl(page, MODEL);
  const { tensors, refusal } = await page.evaluate(async (url) => {
    const bytes = new Uint8Array(await (await fetch(`${url}/pytorch_model.bin`)).arrayBuffer());
    const read = RetinaCore.parsePytorchBin(bytes);
    const tensors = [...read.tensors.values()].map(({ name, dtype, shape, file, data }) => ({
      name,
      dtype,
      shape: [...shape],
      file,
      bytes: [...data],
    }));
    // The fixture with its data.pkl's first global renamed to "posix system" (same length: the zip stays valid).
    const evil = bytes.slice();
    const at = new TextDecoder('latin1').decode(evil).indexOf('collections\nOrderedDict\n');
    evil.set(new TextEncoder().encode('posix\nsystem\n'.padEnd('collections\nOrderedDict\n'.length, '\n')), at);
    let refusal = '';
    try {
      RetinaCore.parsePytorchBin(evil);
    } catch (error) {
      refusal = error instanceof RetinaCore.RetinaError ? error.message : `not a RetinaError: ${String(error)}`;
    }
    return { tensors, refusal };
  }, url);
  expectFixtureTensors(tensors, 'pytorch_model.bin');
  expect(refusal).toContain('pytorch_model.bin is not a plain state dict: its pickle asks for the Python global "posix system"');
});
