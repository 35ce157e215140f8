/**
 * Column checks and type inference of the built-in trainer, robust to a few bad cells:
 *
 * - A column is **numeric** when at least {@link NUMERIC_SHARE} (95 %) of its present (non-missing) cells
 *   are numbers. Its other cells ("stray" cells such as `18,5` or `n/a?`) are reported with file, line,
 *   column and value and treated as missing: imputed in a feature, row dropped for a target.
 * - A **target** with no `problem:` is a classification target when it is not numeric, or when all its
 *   values are integers with at most {@link MAX_INTEGER_CLASSES} distinct values (a 0/1 label, a rating)
 *   and, beyond two values, {@link MIN_ROWS_PER_CLASS} rows per value on average; otherwise regression. The reason is returned so the trainer can print it.
 * - A target that is mostly numbers (≥ 50 %) but not numeric by the rule above, with more than
 *   {@link MAX_INTEGER_CLASSES} distinct values, is an error: classifying it would make a class per value.
 */
import { UserInputError } from '../base/errors';
import { closest } from '../config/suggest';
import { isMissing, type Table, toNumber } from './table';

/** Share of present cells that must be numbers for a column to be numeric. */
export const NUMERIC_SHARE = 0.95;

/** An integer target with at most this many distinct values is classified by default. */
export const MAX_INTEGER_CLASSES = 20;

/** ...and, unless there are only 2 of them, appear on at least this many rows per value on average. */
export const MIN_ROWS_PER_CLASS = 5;

/** A cell that does not fit its column's type. */
export interface BadCell {
  /** 1-based source line. */
  line: number;
  column: string;
  value: string;
}

/** The type of one column over some rows. */
export interface ColumnType {
  kind: 'numeric' | 'categorical';
  /** Present cells. */
  present: number;
  /** Present cells that are numbers. */
  numbers: number;
  /** Row indices (into `table.rows`) of the present cells that are not numbers (numeric columns only). */
  stray: number[];
}

/**
 * Infers a column's type from the given rows (see the module comment for the rule).
 * @param rows indices into `table.rows`.
 */
export function inferColumnType(table: Table, col: number, rows: readonly number[]): ColumnType {
  let present = 0;
  const nonNumeric: number[] = [];
  for (const i of rows) {
    const text = table.rows[i][col];
    if (isMissing(text)) {
      continue;
    }
    present++;
    if (toNumber(text) === undefined) {
      nonNumeric.push(i);
    }
  }
  const numbers = present - nonNumeric.length;
  const numeric = numbers > 0 && numbers >= NUMERIC_SHARE * present;
  return { kind: numeric ? 'numeric' : 'categorical', present, numbers, stray: numeric ? nonNumeric : [] };
}

/** The bad cells of a column at the given rows. */
export function badCells(table: Table, col: number, rows: readonly number[]): BadCell[] {
  return rows.map((i) => ({ line: table.lines[i], column: table.columns[col], value: table.rows[i][col] }));
}

/**
 * One warning per bad cell, at most `limit` of them, then a count of the rest:
 * `data.csv:42: "Horsepower" is "n/a?", not a number; treated as missing (fix the value or leave it empty)`.
 */
export function badCellWarnings(
  file: string,
  cells: readonly BadCell[],
  effect: string,
  limit = 10,
): string[] {
  const lines = cells
    .slice(0, limit)
    .map((c) => `${file}:${c.line}: "${c.column}" is ${JSON.stringify(c.value)}, not a number; ${effect}`);
  if (cells.length > limit) {
    lines.push(`${file}: ${cells.length - limit} more cells of the same kind`);
  }
  return lines;
}

/**
 * Warnings for categories not seen in training, one per feature and category with its first line and
 * count: `data.csv:7: "Origin" is "Mars" (2 rows), a category not seen in training; encoded as all zeros`.
 */
export function unseenCategoryWarnings(file: string, cells: readonly BadCell[], limit = 10): string[] {
  const first = new Map<string, { cell: BadCell; count: number }>();
  for (const cell of cells) {
    const key = JSON.stringify([cell.column, cell.value]);
    const entry = first.get(key);
    if (entry) {
      entry.count++;
    } else {
      first.set(key, { cell, count: 1 });
    }
  }
  const lines = [...first.values()]
    .slice(0, limit)
    .map(
      ({ cell, count }) =>
        `${file}:${cell.line}: "${cell.column}" is ${JSON.stringify(cell.value)}${count > 1 ? ` (${count} rows)` : ''}, ` +
        'a category not seen in training; encoded as all zeros',
    );
  if (first.size > limit) {
    lines.push(`${file}: ${first.size - limit} more unseen categories`);
  }
  return lines;
}

/** The target column's problem type and the rows usable for it. */
export interface TargetInference {
  problem: 'classification' | 'regression';
  /** Why: printed after the problem, e.g. `inferred: 2 distinct integer values; set problem: regression to override`. */
  reason: string;
  /** Rows with a usable target value, in file order. */
  rows: number[];
  /** Rows whose target is missing (not used). */
  missing: number;
  /** Target cells that are not numbers in a numeric target (their rows are dropped). */
  stray: BadCell[];
}

/**
 * Decides classification or regression for the target and which rows can be used.
 * @param problem the task's `problem:`, when set.
 * @throws UserInputError when no row has a target, for a regression on a target that is not numeric,
 *   or for a mostly-numeric target with too many stray cells to tell (each naming file and line).
 */
export function inferTarget(
  table: Table,
  target: string,
  problem: 'classification' | 'regression' | undefined,
): TargetInference {
  const col = table.columns.indexOf(target);
  const labelled: number[] = [];
  table.rows.forEach((row, i) => {
    if (!isMissing(row[col])) {
      labelled.push(i);
    }
  });
  const missing = table.rows.length - labelled.length;
  if (labelled.length === 0) {
    throw new UserInputError(
      `${table.file}: no row has a value for the target "${target}"; fill it in or choose another target.`,
      { file: table.file },
    );
  }
  const type = inferColumnType(table, col, labelled);
  const strayRows = new Set(type.stray);
  const usable = labelled.filter((i) => !strayRows.has(i));
  const stray = badCells(table, col, type.stray);
  const firstText = labelled.find((i) => toNumber(table.rows[i][col]) === undefined);

  if (problem === 'classification') {
    // Every present value is a class label, text or number.
    return { problem, reason: 'set in the task', rows: labelled, missing, stray: [] };
  }
  if (problem === 'regression') {
    if (type.kind !== 'numeric') {
      const bad = firstText as number;
      throw new UserInputError(
        `${table.file}:${table.lines[bad]}: target "${target}" is "${table.rows[bad][col]}", not a number ` +
          `(${type.present - type.numbers} of ${type.present} values are not numbers); ` +
          'use problem: classification or fix the values.',
        { file: table.file, line: table.lines[bad] },
      );
    }
    return { problem, reason: 'set in the task', rows: usable, missing, stray };
  }
  if (type.kind === 'numeric') {
    const values = usable.map((i) => toNumber(table.rows[i][col]) as number);
    const distinct = new Set(values).size;
    // A handful of rows with a few distinct integers (a 6-row table) says nothing about classes.
    const classLike = distinct <= 2 || values.length >= MIN_ROWS_PER_CLASS * distinct;
    if (values.every(Number.isInteger) && distinct <= MAX_INTEGER_CLASSES && classLike) {
      return {
        problem: 'classification',
        reason: `inferred: ${distinct} distinct integer values; set problem: regression to override`,
        rows: usable,
        missing,
        stray,
      };
    }
    return {
      problem: 'regression',
      reason: `inferred: numeric values; set problem: classification to override`,
      rows: usable,
      missing,
      stray,
    };
  }
  const distinct = new Set(labelled.map((i) => table.rows[i][col])).size;
  if (type.numbers >= 0.5 * type.present && distinct > MAX_INTEGER_CLASSES) {
    const bad = firstText as number;
    throw new UserInputError(
      `${table.file}:${table.lines[bad]}: target "${target}" is mostly numbers, but ${type.present - type.numbers} of ` +
        `${type.present} values are not (e.g. "${table.rows[bad][col]}"); fix them (use "." as the decimal point, ` +
        'leave unknown values empty) or set problem: classification.',
      { file: table.file, line: table.lines[bad] },
    );
  }
  return {
    problem: 'classification',
    reason: 'inferred: text values; set problem: regression to override',
    rows: labelled,
    missing,
    stray: [],
  };
}

/**
 * Checks that every named column is in the header, reporting all unknown names at once with a
 * suggestion each.
 * @param roles role → column names, e.g. `{ target: ['y'], feature: ['a', 'b'] }`.
 * @throws UserInputError `data.csv:1: unknown columns: Horsepowr (feature; did you mean Horsepower?), ...`.
 */
export function checkColumns(table: Table, roles: Record<string, readonly string[]>): void {
  const unknown: string[] = [];
  for (const [role, names] of Object.entries(roles)) {
    for (const name of names) {
      if (!table.columns.includes(name)) {
        const match = closest(name, table.columns);
        unknown.push(`${name} (${role}${match === undefined ? '' : `; did you mean ${match}?`})`);
      }
    }
  }
  if (unknown.length > 0) {
    throw new UserInputError(
      `${table.file}:1: unknown column${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}; ` +
        `available columns: ${table.columns.join(', ')}.`,
      { file: table.file, line: 1 },
    );
  }
}
