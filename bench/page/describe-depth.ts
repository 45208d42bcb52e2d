// How the bench page shows that a depth estimator's output is real, alike for every contender.

/** A depth map's size and range, to show the output is real. */
export function describeDepth({ width, height, data }: { width: number; height: number; data: Float32Array }): string {
  let min = Infinity;
  let max = -Infinity;
  for (const value of data) [min, max] = [Math.min(min, value), Math.max(max, value)];
  return `depth map ${width}x${height}, range ${min.toPrecision(4)} to ${max.toPrecision(4)}`;
}
