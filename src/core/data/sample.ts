/**
 * Seeded uniform row sampling without replacement, in bounded memory: reservoir sampling (Vitter 1985,
 * "Random sampling with a reservoir", ACM TOMS 11(1), Algorithm R) driven by the mulberry32 generator.
 * Streamed files (CSV/TSV, JSON Lines) keep at most `k` rows while they are read; files whose row count is
 * known up front (Parquet, Arrow) compute the same selection with {@link reservoirIndices} and read only
 * those rows. The same file, seed and `k` give the same rows whatever the format, in file order.
 */
import { mulberry32 } from '../base/random';

/**
 * A reservoir of `k` slots filled while rows stream past. For each row, {@link next} says where to store
 * it: a new slot (the first `k` rows), an existing slot to overwrite, or nowhere (skip the row).
 */
export class RowReservoir {
  private readonly random: () => number;
  private source: Float64Array;
  private seenRows = 0;

  constructor(
    /** Rows kept at most (≥ 1). */
    readonly capacity: number,
    seed: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`RowReservoir: capacity must be a positive integer, got ${capacity}`);
    }
    this.random = mulberry32(seed);
    this.source = new Float64Array(Math.min(capacity, 1 << 20));
  }

  /** Rows seen so far. */
  get seen(): number {
    return this.seenRows;
  }

  /** Rows held (min(seen, capacity)). */
  get size(): number {
    return Math.min(this.seenRows, this.capacity);
  }

  /**
   * Decides about the next row of the stream.
   * @returns `{ slot, append: true }` for a new slot, `{ slot, append: false }` to overwrite slot `slot`,
   *   or `undefined` to skip the row.
   */
  next(): { slot: number; append: boolean } | undefined {
    const row = this.seenRows++;
    if (row < this.capacity) {
      this.remember(row, row);
      return { slot: row, append: true };
    }
    const j = Math.floor(this.random() * (row + 1));
    if (j < this.capacity) {
      this.remember(j, row);
      return { slot: j, append: false };
    }
    return undefined;
  }

  /** Slots in the file order of the rows they hold: `order[i]` is the slot of the i-th kept row. */
  order(): Int32Array {
    const n = this.size;
    const order = Int32Array.from({ length: n }, (_, i) => i);
    const source = this.source;
    return order.sort((a, b) => source[a] - source[b]);
  }

  /** Source row numbers of the kept rows, ascending. */
  rows(): Float64Array {
    return this.source.slice(0, this.size).sort();
  }

  private remember(slot: number, row: number): void {
    if (slot >= this.source.length) {
      const grown = new Float64Array(Math.min(this.capacity, Math.max(slot + 1, this.source.length * 2)));
      grown.set(this.source);
      this.source = grown;
    }
    this.source[slot] = row;
  }
}

/**
 * Ascending indices of the rows a {@link RowReservoir} of `k` slots keeps from `n` rows (all rows when
 * k ≥ n): the sample of a file whose row count is known before reading it.
 */
export function reservoirIndices(n: number, k: number, seed: number): Int32Array {
  if (k >= n) {
    return Int32Array.from({ length: n }, (_, i) => i);
  }
  const reservoir = new RowReservoir(k, seed);
  for (let i = 0; i < n; i++) {
    reservoir.next();
  }
  return Int32Array.from(reservoir.rows());
}
