// BEiT's relative position bias, gathered from its table while building the graph.

/**
 * Transformers' relative_position_index for a `side` × `side` patch grid plus the [CLS] token:
 * [N + 1, N + 1] indices into a table of (2·side − 1)² + 3 rows, row-major. Patch pairs index their
 * (dy, dx) offset; the last three rows are [CLS] → patch, patch → [CLS] and [CLS] → [CLS]. Written into
 * `index` (zeroed, of (N + 1)² elements).
 */
export function relativePositionIndex(side: number, index: Int32Array = new Int32Array((side * side + 1) ** 2)): Int32Array {
  const patches = side * side;
  const tokens = patches + 1;
  const span = 2 * side - 1;
  const distances = span * span;
  for (let i = 0; i < patches; i++) {
    const yi = Math.floor(i / side);
    const xi = i % side;
    for (let j = 0; j < patches; j++) {
      const yj = Math.floor(j / side);
      const xj = j % side;
      index[(i + 1) * tokens + j + 1] = (yi - yj + side - 1) * span + (xi - xj + side - 1);
    }
  }
  for (let t = 1; t < tokens; t++) {
    index[t] = distances;
    index[t * tokens] = distances + 1;
  }
  index[0] = distances + 2;
  return index;
}

/** Rows of the bias table for a `side` × `side` grid. */
export function relativeDistances(side: number): number {
  return (2 * side - 1) ** 2 + 3;
}

/**
 * The bias every head adds to its attention scores, [heads, N + 1, N + 1], from a table
 * [distances, heads] (the sum of the layer's own and the shared table where both exist), written into `bias`.
 */
export function gatherRelativePositionBias(
  table: Float32Array,
  heads: number,
  index: Int32Array,
  bias: Float32Array = new Float32Array(heads * index.length),
): Float32Array {
  const pairs = index.length;
  for (let p = 0; p < pairs; p++) {
    const row = index[p]! * heads;
    for (let h = 0; h < heads; h++) bias[h * pairs + p] = table[row + h]!;
  }
  return bias;
}
