/** The median of the last `capacity` values added. */
export class RunningMedian {
  readonly #values: number[] = [];
  readonly #capacity: number;

  constructor(capacity = 50) {
    this.#capacity = capacity;
  }

  add(value: number): void {
    this.#values.push(value);
    if (this.#values.length > this.#capacity) this.#values.shift();
  }

  get count(): number {
    return this.#values.length;
  }

  get median(): number | undefined {
    if (this.#values.length === 0) return undefined;
    const sorted = [...this.#values].sort((a, b) => a - b);
    const middle = sorted.length >> 1;
    return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  }

  clear(): void {
    this.#values.length = 0;
  }
}
