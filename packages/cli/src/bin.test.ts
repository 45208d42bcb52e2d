// The one test of the built bin: builds the CLI (its bundle, @retina/core inside), then runs dist/main.js in a child process.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../../core/src/testing/fixtures.js';

const run = promisify(execFile);
const packageDir = (name: string) => fileURLToPath(new URL(`../../${name}/`, import.meta.url));

async function retina(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const bin = `${packageDir('cli')}dist/main.js`;
  try {
    return { code: 0, ...(await run(process.execPath, [bin, ...argv])) };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

describe('the built retina bin', () => {
  beforeAll(async () => {
    await run('pnpm', ['run', 'build'], { cwd: packageDir('cli') });
  }, 180_000);

  it('classifies an image, and exits with 1 on a RetinaError', async () => {
    const image = fixturePath('images', 'chelsea.png');
    const ok = await retina('classify', '--model', fixturePath('models', 'beit-cls'), image, '--json', '--threads', '1');
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject([{ image, predictions: expect.any(Array) }]);

    const missing = fixturePath('models', 'no-such-model');
    const failed = await retina('classify', '--model', missing, image);
    expect(failed).toEqual({ code: 1, stdout: '', stderr: expect.stringMatching(/^retina: .*no-such-model.*\n$/) });
  });
});
