/**
 * Seeded uniform row sampling without replacement that keeps file order: Knuth's selection sampling
 * (Algorithm S, TAOCP vol. 2 §3.4.2) driven by the mulberry32 generator.
 */
import type { Column } from './types';

/** mulberry32: a small, fast 32-bit PRNG; returns floats in [0, 1). Same seed, same sequence. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Ascending indices of `k` rows chosen uniformly among `n` (all rows when k ≥ n). */
export function sampleIndices(n: number, k: number, seed: number): Int32Array {
  if (k >= n) {
    return Int32Array.from({ length: n }, (_, i) => i);
  }
  const random = mulberry32(seed);
  const out = new Int32Array(k);
  let chosen = 0;
  for (let i = 0; i < n && chosen < k; i++) {
    if ((n - i) * random() < k - chosen) {
      out[chosen++] = i;
    }
  }
  return out;
}

/** The rows at `indices` of a column (missing counts recomputed). */
export function takeRows(column: Column, indices: Int32Array): Column {
  if (column.storage === 'numeric') {
    const values = new Float64Array(indices.length);
    let missing = 0;
    for (let i = 0; i < indices.length; i++) {
      const v = column.values[indices[i]];
      values[i] = v;
      if (Number.isNaN(v)) {
        missing++;
      }
    }
    return { ...column, values, missing };
  }
  const codes = new Int32Array(indices.length);
  let missing = 0;
  for (let i = 0; i < indices.length; i++) {
    const c = column.codes[indices[i]];
    codes[i] = c;
    if (c < 0) {
      missing++;
    }
  }
  return { ...column, codes, missing };
}
