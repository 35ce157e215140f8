/**
 * How the values of run fields (a param, a metric's aggregate, a run attribute) order and compare. Pure, so
 * `xlens runs --sort`, core's table code and the experiments table webview sort the same way.
 */

/** A value read from a run: a number, a string, a boolean, or `null` when the run has none. */
export type FieldValue = string | number | boolean | null;

/**
 * The number a text stands for when it is written as one (`"0.3"`, `"1e-3"`, `" 3 "`): params from
 * MLflow, from hand-written params files or from `--set` of a quoted value are often numbers held as
 * text. `undefined` for any other text (`"abc"`, `""`, `"Infinity"`).
 */
export function numberFromText(text: string): number | undefined {
  if (text.trim() === '') {
    return undefined;
  }
  const number = Number(text);
  return Number.isFinite(number) ? number : undefined;
}

/**
 * Orders two field values for sorting, ascending: numbers numerically (a text written as a number, such
 * as MLflow's param `"0.3"`, counts as that number), other strings by `localeCompare` with numeric
 * collation (`run-9` before `run-10`), `false` before `true`; values of different types order
 * numbers, then strings, then booleans. `null` (no value) sorts last in both directions, so sorting
 * by a metric never puts the runs without it first.
 * @returns negative, zero or positive, as `Array.prototype.sort` expects, for an ascending sort;
 *   `descending` reverses everything but the place of `null`.
 */
export function compareFieldValues(a: FieldValue, b: FieldValue, descending = false): number {
  if (a === null || b === null) {
    return a === b ? 0 : a === null ? 1 : -1;
  }
  const order = typeRank(a) - typeRank(b) || compareSameType(numeric(a), numeric(b));
  return descending ? -order : order;
}

/** A text written as a number as that number; any other value as it is. */
function numeric(value: string | number | boolean): string | number | boolean {
  return typeof value === 'string' ? (numberFromText(value) ?? value) : value;
}

function typeRank(value: string | number | boolean): number {
  const own = numeric(value);
  return typeof own === 'number' ? 0 : typeof own === 'string' ? 1 : 2;
}

/** Made on first use: the first collator of a process loads the collation data, which activation does not need. */
let collator: Intl.Collator | undefined;

/**
 * Orders two texts naturally (`run-9` before `run-10`, Unicode collation with numeric digit runs); texts the
 * collation holds equal but that differ (`train1` and `train01`, or texts differing only in characters it
 * ignores) by their UTF-16 code units, so that only the same text is equal: the sort and the filter's
 * `<`, `==` and `>` agree.
 */
export function compareText(a: string, b: string): number {
  return (
    (collator ??= new Intl.Collator('en', { numeric: true })).compare(a, b) || (a < b ? -1 : a > b ? 1 : 0)
  );
}

function compareSameType(a: string | number | boolean, b: string | number | boolean): number {
  if (typeof a === 'number' && typeof b === 'number') {
    return a - b;
  }
  if (typeof a === 'string' && typeof b === 'string') {
    return compareText(a, b);
  }
  return Number(a) - Number(b);
}

/** {@link FieldSortKeys.rank} of a row without a value. */
const NO_VALUE = 3;

/**
 * A column's sort keys, computed once per sort (decorate, sort, undecorate) so that comparing two rows
 * reads two small arrays instead of converting a text to a number, or collating two texts, on every one
 * of the sort's n·log n comparisons. {@link compareSortKeys} on them orders rows exactly as
 * {@link compareFieldValues} on their values (the same sign for every pair, `NaN` included).
 */
export interface FieldSortKeys {
  /** Per row: 0 a number or a text written as one, 1 any other text, 2 a boolean, 3 no value. */
  readonly rank: Uint8Array;
  /**
   * Per row: the number; for other text its place among the column's distinct texts in collation order
   * (texts the collation holds equal share a place); a boolean as 0 or 1.
   */
  readonly key: Float64Array;
}

/**
 * The sort keys of a column of field values (see {@link FieldSortKeys}). Each text is converted once,
 * and the distinct texts that are not numbers are collated once among themselves.
 */
export function fieldSortKeys(values: readonly FieldValue[]): FieldSortKeys {
  const rank = new Uint8Array(values.length);
  const key = new Float64Array(values.length);
  const texts = new Map<string, number[]>();
  for (let i = 0; i < values.length; i++) {
    const own = values[i];
    if (own === null) {
      rank[i] = NO_VALUE;
      continue;
    }
    const value = numeric(own);
    if (typeof value === 'number') {
      key[i] = value;
    } else if (typeof value === 'boolean') {
      rank[i] = 2;
      key[i] = Number(value);
    } else {
      rank[i] = 1;
      const rows = texts.get(value);
      if (rows === undefined) {
        texts.set(value, [i]);
      } else {
        rows.push(i);
      }
    }
  }
  const distinct = [...texts.keys()].sort(compareText);
  let place = 0;
  for (let t = 0; t < distinct.length; t++) {
    if (t > 0 && compareText(distinct[t - 1], distinct[t]) !== 0) {
      place++;
    }
    for (const row of texts.get(distinct[t])!) {
      key[row] = place;
    }
  }
  return { rank, key };
}

/**
 * {@link compareFieldValues} of rows `a` and `b` through their {@link fieldSortKeys}: the same order,
 * missing values last in both directions.
 */
export function compareSortKeys(keys: FieldSortKeys, a: number, b: number, descending = false): number {
  const ra = keys.rank[a];
  const rb = keys.rank[b];
  if (ra === NO_VALUE || rb === NO_VALUE) {
    return ra === rb ? 0 : ra === NO_VALUE ? 1 : -1;
  }
  const order = ra - rb || keys.key[a] - keys.key[b];
  return descending ? -order : order;
}

/** Whether two field values are the same value (numbers by value, so `1` equals `1.0`). */
export function sameFieldValue(a: FieldValue, b: FieldValue): boolean {
  return a === b || (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b));
}
