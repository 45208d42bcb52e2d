import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../core/src/testing/fixtures.js';
import { readGolden } from '../../core/src/testing/model-fixtures.js';
import { ONE_THREAD, runCli, suiteTempDir } from './testing/run-cli.js';

const dir = suiteTempDir();

/** The `--input` of beit-feature's native case, a valid input for the error cases that need one. */
function pixelValuesInput(): string {
  const desc = readGolden('beit-feature').cases.find((c) => c.name === 'native')!.inputs.pixel_values!;
  return `pixel_values=${fixturePath('models', 'beit-feature', 'golden', desc.file)}:${desc.shape.join('x')}`;
}

describe('retina', () => {
  it('prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(await runCli('--version')).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('prints the command list for --help and each command its own usage', async () => {
    const help = await runCli('--help');
    expect(help.code).toBe(0);
    for (const command of ['preprocess', 'forward', 'classify', 'segment', 'depth', 'weights']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
      const commandHelp = await runCli(command, '--help');
      expect(commandHelp.code).toBe(0);
      expect(commandHelp.stdout).toMatch(new RegExp(`^Usage: retina ${command} `));
    }
  });

  it('rejects an unknown command with exit code 2 and the usage', async () => {
    const run = await runCli('detect', 'cat.png');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^retina: unknown command "detect"\n\nUsage: retina <command>/);
    expect(run.stdout).toBe('');
  });

  it.each([
    ['no dims', 'pixel_values=x.bin'],
    ['no name', '=x.bin:1x3x32x32'],
    ['bad dims', 'pixel_values=x.bin:1x3xx32'],
  ])('rejects an --input with %s with exit code 2 and the usage of forward', async (_, input) => {
    const run = await runCli('forward', '--model', fixturePath('models', 'beit-feature'), '--input', input, '--out-dir', dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`retina: --input "${input}": expected <name>=<file.bin>:<dims>[:<dtype>]`);
    expect(run.stderr).toContain('Usage: retina forward');
  });

  it.each([
    [['classify', '--model', 'm', 'a.png', '--top-k', '0'], '--top-k must be a positive integer, got "0"'],
    [['classify', '--model', 'm', 'a.png', '--device', 'gpu'], '--device must be one of auto, cpu, wasm, got "gpu"'],
    [['classify', '--model', 'm'], 'expected at least one image'],
    [['segment', '--model', 'm', 'a.png', 'b.png', '--out', 'x.png'], 'expected one image, got 2'],
    [['depth', '--model', 'm', 'a.png'], '--out is required'],
    [['preprocess', '--image', 'a.png', '--out', 'x.bin'], '--processor is required'],
    [['preprocess', '--processor'], "Option '-p, --processor <value>' argument missing"],
    [['forward', '--colour'], "Unknown option '--colour'"],
  ])('rejects %j with exit code 2', async (argv, message) => {
    const run = await runCli(...argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`retina: ${message}`);
    expect(run.stderr).toContain(`Usage: retina ${argv[0]} `);
  });

  it('reports a missing model folder as an error (exit code 1) without a stack trace', async () => {
    const missing = join(dir, 'no-such-model');
    const argv = ['forward', '--model', missing, '--input', pixelValuesInput(), '--out-dir', join(dir, 'out'), ...ONE_THREAD];

    const run = await runCli(...argv);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^retina: .*config\.json/);
    expect(run.stderr).toContain(missing);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stderr).not.toContain('Usage:');
    expect(existsSync(join(dir, 'out'))).toBe(false);

    const debug = await runCli(...argv, '--debug');
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/^\s+at /m);
  });

  it('reports a graph input the model does not have', async () => {
    const run = await runCli(
      'forward',
      '--model',
      fixturePath('models', 'beit-feature'),
      '--input',
      pixelValuesInput(),
      '--input',
      `bool_masked_pos=${fixturePath('models', 'beit-mim', 'golden', 'native.bool_masked_pos.bin')}:2x64:bool`,
      '--out-dir',
      join(dir, 'out'),
      ...ONE_THREAD,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('retina: BeitModel has no input "bool_masked_pos"; its inputs are pixel_values.\n');
  });

  it('reports an input file whose size does not match its dims', async () => {
    const wrongDims = pixelValuesInput().replace(/:[\dx]+$/, ':1x3x32x32');
    const run = await runCli('forward', '--model', fixturePath('models', 'beit-feature'), '--input', wrongDims, '--out-dir', dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^retina: .*native\.pixel_values\.bin has 24576 bytes, but pixel_values as float32 \[1, 3, 32, 32\] takes 12288\.\n$/,
    );
  });
});
