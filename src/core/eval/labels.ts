/**
 * Class labels in scikit-learn's order. scikit-learn sorts the distinct labels (`np.unique`): numbers
 * numerically, strings by code point. Labels are kept as strings here (numbers in their shortest
 * JavaScript form, `1`, `0.5`), with a flag saying which order applies.
 */

/** Compares two strings by Unicode code point, as Python's `str` ordering does. */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) {
      return x.done && y.done ? 0 : x.done ? -1 : 1;
    }
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) {
      return d;
    }
  }
}

/**
 * The distinct labels sorted as `np.unique` sorts them.
 * @param numeric true when the labels are numbers written by {@link numberLabel}.
 */
export function sortLabels(labels: Iterable<string>, numeric: boolean): string[] {
  const distinct = [...new Set(labels)];
  return numeric ? distinct.sort((a, b) => Number(a) - Number(b)) : distinct.sort(compareCodePoints);
}

/** The label of a numeric class value (`1`, not `1.0`). */
export function numberLabel(value: number): string {
  return String(value);
}

/** Classes encoded as indices into sorted labels. */
export interface EncodedLabels {
  labels: string[];
  /** Index into `labels` for each row of each encoded column, in the order given. */
  codes: Int32Array[];
}

/**
 * Encodes columns of labels against their sorted union (plus `extra` labels, e.g. classes named by
 * probability columns). Rows hold `undefined` for a missing value; they must be removed first.
 * @throws RangeError when a row is missing.
 */
export function encodeLabels(
  columns: readonly (readonly string[])[],
  numeric: boolean,
  extra: readonly string[] = [],
): EncodedLabels {
  const all = new Set<string>(extra);
  for (const column of columns) {
    for (const value of column) {
      all.add(value);
    }
  }
  const labels = sortLabels(all, numeric);
  const index = new Map(labels.map((l, i) => [l, i]));
  const codes = columns.map((column) => Int32Array.from(column, (v) => index.get(v)!));
  return { labels, codes };
}
