/**
 * Compact values for the drift report, which holds one entry per column: a file of 100,000 columns
 * gives 100,000 summaries and histograms, so their size per column decides the memory of a report
 * (issue "Nothing lost, nothing escapes", item 15).
 */

/** Texts shared between columns (labels such as `"0"`, reasons such as `numerical, … 13 distinct values`). */
const pool = new Map<string, string>();

/** Texts kept for sharing; beyond this the pool starts over, so it never grows with the data. */
const POOL_SIZE = 4096;

/**
 * The same text as one shared string: equal labels and reasons of many columns are stored once
 * instead of once per column. Only short texts are pooled.
 */
export function shared(text: string): string {
  if (text.length > 200) {
    return text;
  }
  const known = pool.get(text);
  if (known !== undefined) {
    return known;
  }
  if (pool.size >= POOL_SIZE) {
    pool.clear();
  }
  pool.set(text, text);
  return text;
}

/**
 * A plain array of the numbers, allocated at its final length: `Array.from` of a typed array grows
 * its result element by element and keeps the slack, about twice the memory for short arrays.
 */
export function numberArray(values: ArrayLike<number>): number[] {
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) {
    out[i] = values[i];
  }
  return out;
}
