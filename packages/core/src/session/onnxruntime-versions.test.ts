import { readFileSync } from 'node:fs';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { supportedRange, unsupportedVersion } from './onnxruntime-versions.js';

const { peerDependencies } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  peerDependencies: Record<string, string>;
};

describe('supported onnxruntime versions', () => {
  it.each(['onnxruntime-node', 'onnxruntime-web'] as const)('are the peer range of package.json for %s', (runtime) => {
    expect(supportedRange(runtime)).toBe(peerDependencies[runtime]);
  });

  it('take the installed runtimes', () => {
    expect(unsupportedVersion('onnxruntime-node', ortNode.env.versions.node)).toBeUndefined();
    expect(unsupportedVersion('onnxruntime-web', ortWeb.env.versions.web)).toBeUndefined();
  });

  it.each([
    ['onnxruntime-node', '1.22.0', true],
    ['onnxruntime-node', '1.26.0', true],
    ['onnxruntime-node', '1.30.9', true],
    ['onnxruntime-node', '1.21.1', false],
    ['onnxruntime-node', '1.31.1', true],
    ['onnxruntime-node', '1.32.0', false],
    ['onnxruntime-node', '2.0.0', false],
    ['onnxruntime-node', '1.32.0-dev.20260911', false],
    ['onnxruntime-web', '1.29.0', false],
    ['onnxruntime-web', '1.30.0', true],
    ['onnxruntime-web', '1.31.1', true],
    ['onnxruntime-node', undefined, false],
    ['onnxruntime-node', 'nightly', false],
  ] as const)('%s %s is supported: %s', (runtime, version, supported) => {
    const problem = unsupportedVersion(runtime, version);
    if (supported) expect(problem).toBeUndefined();
    else expect(problem).toContain(`Retina runs on ${runtime} ${peerDependencies[runtime]}`);
  });
});
