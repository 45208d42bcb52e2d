import type { InferenceSession } from './inference-session.js';

/**
 * The onnxruntime releases Retina is tested with, per package: from `from` up to, not including,
 * `below`. package.json's peerDependencies give the same ranges (a test holds them together).
 */
export const SUPPORTED_ONNXRUNTIME: Readonly<Record<InferenceSession.Runtime, { from: string; below: string }>> = {
  'onnxruntime-node': { from: '1.22.0', below: '1.32.0' },
  'onnxruntime-web': { from: '1.30.0', below: '1.32.0' },
};

/** The supported versions of `runtime` as an npm range. */
export function supportedRange(runtime: InferenceSession.Runtime): string {
  const { from, below } = SUPPORTED_ONNXRUNTIME[runtime];
  return `>=${from} <${below}`;
}

/** Why `version` of `runtime` is not one Retina runs on, or undefined when it is. */
export function unsupportedVersion(runtime: InferenceSession.Runtime, version: string | undefined): string | undefined {
  const { from, below } = SUPPORTED_ONNXRUNTIME[runtime];
  const parts = versionParts(version);
  if (parts && compareParts(parts, versionParts(from)!) >= 0 && compareParts(parts, versionParts(below)!) < 0) return undefined;
  return `${runtime} ${version ?? 'of unknown version'} is installed, and Retina runs on ${runtime} ${supportedRange(runtime)} (the versions it is tested with)`;
}

/** Major, minor and patch; a pre-release counts as its release. */
function versionParts(version: string | undefined): number[] | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(version ?? '');
  return match ? match.slice(1, 4).map(Number) : undefined;
}

function compareParts(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}
