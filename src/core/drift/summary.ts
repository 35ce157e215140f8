/** Per-column summaries for the drift report, computed from sorted values or category counts. */
import type { CategoricalSummary, CategoryCount, NumericSummary } from './types';

/** Categories listed in a categorical summary. */
export const TOP_CATEGORIES = 10;

/** Percentile of an ascending array by linear interpolation (NumPy's default `linear` method). */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Summary of a numeric column.
 * @param sorted the non-missing values, ascending; `rows` all rows (missing = rows − sorted.length).
 */
export function numericSummary(sorted: Float64Array, rows: number): NumericSummary {
  const count = sorted.length;
  // Object literals of one fixed shape (no spread): a report holds two per column.
  if (count === 0) {
    return {
      kind: 'numeric',
      rows,
      count,
      missing: rows - count,
      unique: 0,
      mean: null,
      std: null,
      min: null,
      q25: null,
      q50: null,
      q75: null,
      max: null,
    };
  }
  let unique = 0;
  let sum = 0;
  let c = 0;
  for (let i = 0; i < count; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) {
      unique++;
    }
    const x = sorted[i];
    const t = sum + x;
    c += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  const mean = (sum + c) / count;
  let squares = 0;
  for (let i = 0; i < count; i++) {
    const d = sorted[i] - mean;
    squares += d * d;
  }
  return {
    kind: 'numeric',
    rows,
    count,
    missing: rows - count,
    unique,
    mean,
    std: Math.sqrt(squares / count),
    min: sorted[0],
    q25: quantileSorted(sorted, 0.25),
    q50: quantileSorted(sorted, 0.5),
    q75: quantileSorted(sorted, 0.75),
    max: sorted[count - 1],
  };
}

/**
 * Summary of a categorical column from counts per category.
 * @param labels category labels; `counts` their counts (same order); `rows` all rows.
 */
export function categoricalSummary(
  labels: string[],
  counts: ArrayLike<number>,
  rows: number,
): CategoricalSummary {
  const entries: CategoryCount[] = [];
  let count = 0;
  for (let i = 0; i < labels.length; i++) {
    if (counts[i] > 0) {
      entries.push({ value: labels[i], count: counts[i] });
      count += counts[i];
    }
  }
  entries.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  return {
    kind: 'categorical',
    rows,
    count,
    missing: rows - count,
    unique: entries.length,
    top: entries.slice(0, TOP_CATEGORIES),
  };
}
