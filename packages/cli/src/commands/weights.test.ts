import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePath, readBytes } from '../../../core/src/testing/fixtures.js';
import { rawSafetensorsHeader } from '../../../core/src/testing/safetensors-file.js';
import { runCli, suiteTempDir } from '../testing/run-cli.js';

const MODEL = 'beit-seg';

/** The listing expected from the fixture's safetensors header, read here directly. */
function expectedListing() {
  const bytes = readBytes('models', MODEL, 'model.safetensors');
  const { header, dataStart } = rawSafetensorsHeader(bytes);
  const entries = Object.entries(header).sort(([, a], [, b]) => a.data_offsets[0] - b.data_offsets[0]);
  const tensors = entries.map(([name, { dtype, shape }]) => ({
    name,
    dtype: dtype === 'I64' ? 'int64' : 'float32',
    shape,
    file: 'model.safetensors',
  }));
  const parameters = entries.reduce((sum, [, { shape }]) => sum + shape.reduce((a, b) => a * b, 1), 0);
  return {
    files: [{ name: 'model.safetensors', bytes: bytes.length }],
    metadata: { format: 'pt' },
    parameters,
    bytes: bytes.length - dataStart,
    tensors,
  };
}

describe('retina weights', () => {
  const temp = suiteTempDir();

  it('lists every tensor, the parameter count, the bytes and the file as JSON', async () => {
    const run = await runCli('weights', '--model', fixturePath('models', MODEL), '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(expectedListing());
  });

  it('prints a table and a summary line', async () => {
    const expected = expectedListing();
    const run = await runCli('weights', '-m', fixturePath('models', MODEL));
    expect(run.code, run.stderr).toBe(0);
    const [columns, ...rows] = run.stdout.trimEnd().split('\n');
    const summary = rows.pop();
    expect(columns!.trim().split(/\s+/)).toEqual(['name', 'dtype', 'shape', 'file']);
    expect(rows.map((row) => row.trim().split(/\s{2,}/))).toEqual(
      expected.tensors.map(({ name, dtype, shape, file }) => [name, dtype, `[${shape.join(', ')}]`, file]),
    );
    expect(summary).toBe(
      `${expected.tensors.length} tensors, ${expected.parameters.toLocaleString('en-US')} parameters, ${expected.bytes.toLocaleString('en-US')} bytes, ` +
        `from model.safetensors (${expected.files[0]!.bytes.toLocaleString('en-US')} bytes)`,
    );
  });

  it('reads pytorch_model.bin when that is the only checkpoint, with its extra buffers', async () => {
    const folder = join(temp, 'bin-only');
    mkdirSync(folder);
    copyFileSync(fixturePath('models', MODEL, 'pytorch_model.bin'), join(folder, 'pytorch_model.bin'));
    const run = await runCli('weights', '--model', folder, '--json');
    expect(run.code, run.stderr).toBe(0);
    const listing = JSON.parse(run.stdout);
    const expected = expectedListing();
    const names = new Set(expected.tensors.map((tensor) => tensor.name));
    const byName = new Map(listing.tensors.map((tensor: { name: string }) => [tensor.name, tensor]));
    for (const tensor of expected.tensors) expect(byName.get(tensor.name)).toEqual({ ...tensor, file: 'pytorch_model.bin' });
    const extra = listing.tensors.filter((tensor: { name: string }) => !names.has(tensor.name));
    expect(extra.length).toBeGreaterThan(0);
    for (const tensor of extra) expect(tensor).toMatchObject({ name: expect.stringMatching(/relative_position_index$/), dtype: 'int64' });
    expect(listing.files).toEqual([{ name: 'pytorch_model.bin', bytes: readBytes('models', MODEL, 'pytorch_model.bin').length }]);
    expect(listing.metadata).toEqual({});
  });

  it('exits 1 naming the files it looked for in a folder without weights', async () => {
    const folder = join(temp, 'empty');
    mkdirSync(folder);
    const run = await runCli('weights', '--model', folder);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'looked for model.safetensors, model.safetensors.index.json, pytorch_model.bin, pytorch_model.bin.index.json',
    );
  });

  it('refuses a checkpoint larger than --max-file-bytes, naming the option', async () => {
    const run = await runCli('weights', '--model', fixturePath('models', MODEL), '--max-file-bytes', '1000');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /model\.safetensors from .+ is \d+ bytes, more than maxFileBytes \(1000 bytes\) allows.*--max-file-bytes in the CLI/,
    );
    expect((await runCli('weights', '--model', fixturePath('models', MODEL), '--max-file-bytes', '1e3')).code).toBe(2);
  });

  it('exits 2 without --model', async () => {
    const run = await runCli('weights');
    expect([run.code, run.stderr]).toEqual([2, expect.stringContaining('--model is required')]);
  });
});
