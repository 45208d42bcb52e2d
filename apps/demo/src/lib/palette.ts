// Distinct colours for class ids (Tableau 10 and its light variants). Background stays clear so
// the image shows through.
const COLOURS: readonly (readonly [number, number, number])[] = [
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
  [214, 39, 40],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [127, 127, 127],
  [188, 189, 34],
  [23, 190, 207],
  [174, 199, 232],
  [255, 187, 120],
  [152, 223, 138],
  [255, 152, 150],
  [197, 176, 213],
  [196, 156, 148],
  [247, 182, 210],
  [199, 199, 199],
  [219, 219, 141],
  [158, 218, 229],
];

export type Rgba = readonly [number, number, number, number];

export function isBackground(label: string): boolean {
  return /^(background|unlabeled|unlabelled)$/i.test(label.trim());
}

export function colourOf(id: number, label: string): Rgba {
  if (isBackground(label)) return [0, 0, 0, 0];
  const [r, g, b] = COLOURS[id % COLOURS.length]!;
  return [r, g, b, 255];
}

export function cssColour([r, g, b, a]: Rgba): string {
  return a === 0 ? 'transparent' : `rgb(${r} ${g} ${b})`;
}
