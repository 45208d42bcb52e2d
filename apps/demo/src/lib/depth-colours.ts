// The colour map of the depth view: inferno (matplotlib's, as MiDaS's own visualisations use), sampled at nine
// stops and interpolated linearly; dark is far, bright is near.
const STOPS: readonly (readonly [number, number, number])[] = [
  [0, 0, 4],
  [31, 12, 72],
  [85, 15, 109],
  [136, 34, 106],
  [186, 54, 85],
  [227, 89, 51],
  [249, 140, 10],
  [249, 201, 50],
  [252, 255, 164],
];

/** The colour of an 8-bit depth value (0 farthest, 255 nearest), as [r, g, b]. */
export function depthColour(value: number): [number, number, number] {
  const position = (Math.min(Math.max(value, 0), 255) / 255) * (STOPS.length - 1);
  const index = Math.min(Math.floor(position), STOPS.length - 2);
  const t = position - index;
  const [a, b] = [STOPS[index]!, STOPS[index + 1]!];
  return [0, 1, 2].map((c) => Math.round(a[c]! + (b[c]! - a[c]!) * t)) as [number, number, number];
}

/** The colour map as a CSS gradient, far (left) to near (right), for the legend. */
export function depthGradientCss(): string {
  const stops = STOPS.map(([r, g, b], i) => `rgb(${r} ${g} ${b}) ${((i / (STOPS.length - 1)) * 100).toFixed(1)}%`);
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

/** The 8-bit depth image painted with the colour map, opaque, as ImageData. */
export function depthToImageData({ width, height, data }: { width: number; height: number; data: Uint8Array }): ImageData {
  const lut = new Uint32Array(256);
  for (let v = 0; v < 256; v++) {
    const [r, g, b] = depthColour(v);
    lut[v] = ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
  }
  const pixels = new ImageData(width, height);
  const rgba = new Uint32Array(pixels.data.buffer);
  for (let i = 0; i < data.length; i++) rgba[i] = lut[data[i]!]!;
  return pixels;
}
