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

const collator = new Intl.Collator('en', { numeric: true });

function compareSameType(a: string | number | boolean, b: string | number | boolean): number {
  if (typeof a === 'number' && typeof b === 'number') {
    return a - b;
  }
  if (typeof a === 'string' && typeof b === 'string') {
    return collator.compare(a, b);
  }
  return Number(a) - Number(b);
}

/** Whether two field values are the same value (numbers by value, so `1` equals `1.0`). */
export function sameFieldValue(a: FieldValue, b: FieldValue): boolean {
  return a === b || (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b));
}
