/**
 * A loaded predictions table turned into evaluation input: labels encoded in scikit-learn's order,
 * probability columns matched to classes, and bad files caught with the file, row (and line) and
 * column named: missing values, labels of different kinds, a class without a probability column, an
 * unknown positive class; probabilities that do not sum to 1 are a warning.
 */
import { UserInputError } from '../base/errors';
import type { Column, Table } from '../data/types';
import type { ClassificationInput } from './classificationInput';
import { rowsNotSummingToOne } from './classification';
import type { ColumnChoice } from './columnChoice';
import { compareCodePoints, numberLabel } from './labels';

/** A place in the file: data row (0-based) and, for text formats, the 1-based line. */
export type LocateRow = (row: number) => Promise<string>;

/** Problem kind: given, or decided from the columns. */
export type Problem = 'classification' | 'regression';

/** Prepared input and what was said about it. */
export type PreparedInput =
  | { problem: 'classification'; input: ClassificationInput; said: string[]; warnings: string[] }
  | {
      problem: 'regression';
      actual: Float64Array;
      predicted: Float64Array;
      said: string[];
      warnings: string[];
    };

/** Options of {@link prepareInput}. */
export interface PrepareOptions {
  problem?: Problem;
  posLabel?: string;
  /** Leave out rows with a missing value (with a warning) instead of refusing the file. */
  dropMissing?: boolean;
  calibrationBins?: number;
  calibrationStrategy?: 'uniform' | 'quantile';
}

/** Whole-number labels below this are looked up in an array while encoding. */
const SMALL_LABELS = 1024;

/** Distinct classes above which an integer target without probabilities is taken as regression. */
const MAX_INTEGER_CLASSES = 20;

function column(table: Table, name: string): Column {
  return table.columns.find((c) => c.name === name)!;
}

function isMissing(col: Column, i: number): boolean {
  return col.storage === 'numeric' ? !Number.isFinite(col.values[i]) : col.codes[i] < 0;
}

/** The label of row i (never called on a missing value). */
function labelOf(col: Column, i: number): string {
  return col.storage === 'numeric' ? numberLabel(col.values[i]) : col.dictionary[col.codes[i]];
}

/** True when a numeric column holds at most `max` distinct values (stops at the first one more). */
function fewDistinct(col: Column, max: number): boolean {
  if (col.storage !== 'numeric') {
    return false;
  }
  const seen = new Set<number>();
  for (let i = 0; i < col.values.length && seen.size <= max; i++) {
    seen.add(col.values[i]);
  }
  return seen.size <= max;
}

function integerValued(col: Column): boolean {
  if (col.storage !== 'numeric') {
    return false;
  }
  for (let i = 0; i < col.values.length; i++) {
    if (!Number.isInteger(col.values[i])) {
      return false;
    }
  }
  return true;
}

/**
 * Builds the input of the evaluation from `table` and the chosen columns.
 * @param locate how to name a row in messages (`row 12 (line 14)`).
 * @throws UserInputError for the bad files listed above, naming file, row and column.
 */
export async function prepareInput(
  table: Table,
  choice: ColumnChoice,
  locate: LocateRow,
  options: PrepareOptions = {},
): Promise<PreparedInput> {
  const file = table.file;
  const said = [...choice.said];
  const warnings: string[] = [];
  const used = [choice.target, ...(choice.pred ? [choice.pred] : [])];
  const cols = [...used, ...choice.proba.map((p) => p.column)].map((n) => column(table, n));
  const keep = await rowsToKeep(table, cols, locate, options.dropMissing === true, warnings);
  const target = column(table, choice.target);
  const pred = choice.pred === null ? undefined : column(table, choice.pred);
  let problem = options.problem;
  if (problem === undefined) {
    const numericPair = target.storage === 'numeric' && (pred === undefined || pred.storage === 'numeric');
    const fewIntegers =
      integerValued(target) &&
      (pred === undefined || integerValued(pred)) &&
      fewDistinct(target, MAX_INTEGER_CLASSES);
    problem = numericPair && choice.proba.length === 0 && !fewIntegers ? 'regression' : 'classification';
    said.push(
      `problem: ${problem} (${problem === 'regression' ? 'numeric target and predictions' : 'labels or probabilities'}; --problem to choose)`,
    );
  }
  if (problem === 'regression') {
    if (!pred || target.storage !== 'numeric' || pred.storage !== 'numeric') {
      const bad = target.storage !== 'numeric' ? target : pred;
      throw new UserInputError(
        `${file}: regression needs numeric true and predicted values; column "${bad?.name ?? '(none)'}" ` +
          `${bad ? 'holds text' : 'is missing: give --pred <column>'}.`,
        { file },
      );
    }
    return {
      problem,
      actual: pick(target.values, keep),
      predicted: pick(pred.values, keep),
      said,
      warnings,
    };
  }
  return classificationInput(table, choice, keep, locate, options, said, warnings);
}

function pick(values: Float64Array, keep: Int32Array | null): Float64Array {
  return keep === null ? values : Float64Array.from(keep, (i) => values[i]);
}

/** Rows without a missing value in `cols`; null when every row is kept. */
async function rowsToKeep(
  table: Table,
  cols: Column[],
  locate: LocateRow,
  drop: boolean,
  warnings: string[],
): Promise<Int32Array | null> {
  const missing = cols.filter((c) => c.missing > 0);
  if (missing.length === 0) {
    return null;
  }
  const first = missing.map((c) => {
    let i = 0;
    while (!isMissing(c, i)) {
      i++;
    }
    return { c, i };
  });
  first.sort((a, b) => a.i - b.i);
  const where = await locate(first[0].i);
  const counts = missing.map((c) => `"${c.name}" ${c.missing}`).join(', ');
  if (!drop) {
    throw new UserInputError(
      `${table.file}: ${where}, column "${first[0].c.name}": missing value (missing per column: ${counts}). ` +
        'Fill or remove those rows, or add --drop-missing to leave them out.',
      { file: table.file },
    );
  }
  const keep: number[] = [];
  for (let i = 0; i < table.rows; i++) {
    if (!missing.some((c) => isMissing(c, i))) {
      keep.push(i);
    }
  }
  warnings.push(
    `${table.file}: ${table.rows - keep.length} rows with a missing value left out, the first at ${where} ` +
      `(missing per column: ${counts}).`,
  );
  if (keep.length === 0) {
    throw new UserInputError(`${table.file}: every row has a missing value; nothing to evaluate.`, {
      file: table.file,
    });
  }
  return Int32Array.from(keep);
}

async function classificationInput(
  table: Table,
  choice: ColumnChoice,
  keep: Int32Array | null,
  locate: LocateRow,
  options: PrepareOptions,
  said: string[],
  warnings: string[],
): Promise<PreparedInput> {
  const file = table.file;
  const target = column(table, choice.target);
  const pred = choice.pred === null ? undefined : column(table, choice.pred);
  const n = keep === null ? table.rows : keep.length;
  const rowOf = (k: number) => (keep === null ? k : keep[k]);
  if (pred && pred.storage !== target.storage) {
    const [text, numbers] = target.storage === 'dictionary' ? [target, pred] : [pred, target];
    warnings.push(
      `${file}: column "${text.name}" holds text labels but "${numbers.name}" holds numbers; ` +
        'they are compared as text (e.g. 1 and "1" are the same class).',
    );
  }
  // Distinct labels first (few), then one local index per row; remapped to sorted labels below.
  const numeric = target.storage === 'numeric' && (!pred || pred.storage === 'numeric');
  const firstRow = new Map<string, number>();
  const encode = (col: Column): { keys: Int32Array; labels: string[] } => {
    const keys = new Int32Array(n);
    const labels: string[] = [];
    const add = (i: number): number => {
      const label = labelOf(col, i);
      if (!firstRow.has(label)) {
        firstRow.set(label, i);
      }
      labels.push(label);
      return labels.length - 1;
    };
    if (col.storage === 'dictionary') {
      const local = new Int32Array(col.dictionary.length).fill(-1);
      for (let k = 0; k < n; k++) {
        const i = rowOf(k);
        const code = col.codes[i];
        keys[k] = local[code] >= 0 ? local[code] : (local[code] = add(i));
      }
    } else {
      // Small whole numbers (0/1, class ids) through an array, anything else through a Map.
      const small = new Int32Array(SMALL_LABELS).fill(-1);
      const local = new Map<number, number>();
      for (let k = 0; k < n; k++) {
        const i = rowOf(k);
        const v = col.values[i];
        const slot = v >= 0 && v < SMALL_LABELS && v === Math.floor(v) && !Object.is(v, -0) ? v : -1;
        let j = slot >= 0 ? small[slot] : (local.get(v) ?? -1);
        if (j < 0) {
          j = add(i);
          if (slot >= 0) {
            small[slot] = j;
          } else {
            local.set(v, j);
          }
        }
        keys[k] = j;
      }
    }
    return { keys, labels };
  };
  const rawTarget = encode(target);
  const rawPred = pred ? encode(pred) : undefined;
  const seen = new Set([...rawTarget.labels, ...(rawPred?.labels ?? [])]);
  const probaLabels = choice.proba.map((p) => p.label).filter((l): l is string => l !== null);
  const labels = [...new Set([...seen, ...probaLabels])].sort(
    numeric && probaLabels.every((l) => !Number.isNaN(Number(l)))
      ? (a, b) => Number(a) - Number(b)
      : compareCodePoints,
  );
  const index = new Map(labels.map((l, i) => [l, i]));
  const toCodes = (raw: { keys: Int32Array; labels: string[] }): Int32Array => {
    const map = Int32Array.from(raw.labels, (l) => index.get(l)!);
    return raw.keys.map((k) => map[k]);
  };
  const actual = toCodes(rawTarget);
  const predicted = rawPred ? toCodes(rawPred) : undefined;
  if (pred && target.storage !== pred.storage) {
    const truth = new Set(rawTarget.labels);
    if (!rawPred!.labels.some((l) => truth.has(l))) {
      throw new UserInputError(
        `${file}: the predicted labels in "${pred.name}" (${rawPred!.labels.slice(0, 3).join(', ')}) share no class ` +
          `with the true labels in "${target.name}" (${rawTarget.labels.slice(0, 3).join(', ')}); ` +
          'give the columns of the same labels (--target, --pred).',
        { file },
      );
    }
  }
  const input: ClassificationInput = {
    labels,
    actual,
    predicted,
    calibrationBins: options.calibrationBins,
    calibrationStrategy: options.calibrationStrategy,
  };
  let positive: number | undefined;
  if (options.posLabel !== undefined) {
    positive = index.get(options.posLabel);
    if (positive === undefined) {
      throw new UserInputError(
        `${file}: --pos-label ${options.posLabel}: no such class; the classes are ${labels.join(', ')}.`,
        { file },
      );
    }
    input.positive = positive;
  }
  if (choice.proba.length > 0) {
    input.probabilities = await probabilities(table, choice, keep, index, locate, warnings);
    if (choice.proba.length === 1) {
      positive ??= labels.length === 2 ? 1 : undefined;
      if (positive === undefined || labels.length > 2) {
        throw new UserInputError(
          `${file}: one score column ("${choice.proba[0].column}") needs a binary problem, but the labels hold ` +
            `${labels.length} classes (${labels.slice(0, 5).join(', ')}); give one probability column per class ` +
            '(--proba <prefix>).',
          { file },
        );
      }
      input.positive = positive;
      input.probabilities.classes = [positive];
      said.push(
        `positive class: ${labels[positive]}${options.posLabel === undefined ? ' (the greater label; --pos-label to choose)' : ''}`,
      );
    } else {
      const missingClass = labels.find((l) => !probaLabels.includes(l));
      if (missingClass !== undefined) {
        const row = firstRow.get(missingClass);
        throw new UserInputError(
          `${file}: class "${missingClass}" (${row === undefined ? 'a class' : `first at ${await locate(row)}`}) ` +
            `has no probability column; found ${choice.proba.map((p) => `"${p.column}"`).join(', ')}. ` +
            'Add the column, or name the columns with --proba.',
          { file },
        );
      }
    }
  }
  return { problem: 'classification', input, said, warnings };
}

async function probabilities(
  table: Table,
  choice: ColumnChoice,
  keep: Int32Array | null,
  index: Map<string, number>,
  locate: LocateRow,
  warnings: string[],
): Promise<{ classes: number[]; columns: Float64Array[] }> {
  const file = table.file;
  const found = choice.proba.map((p) => {
    const col = column(table, p.column);
    if (col.storage !== 'numeric') {
      throw new UserInputError(
        `${file}: probability column "${p.column}" holds text (e.g. "${col.dictionary[0]}"), expected numbers.`,
        { file },
      );
    }
    return { ...p, values: pick(col.values, keep) };
  });
  if (found.length > 1) {
    found.sort((a, b) => index.get(a.label!)! - index.get(b.label!)!);
    const columns = found.map((f) => f.values);
    const bad = rowsNotSummingToOne(columns);
    if (bad.length > 0) {
      const row = keep === null ? bad[0] : keep[bad[0]];
      const sum = columns.reduce((s, c) => s + c[bad[0]], 0);
      warnings.push(
        `${file}: probabilities do not sum to 1 in ${bad.length} of ${columns[0].length} rows, the first at ` +
          `${await locate(row)} (sum ${sum}) over columns ${found.map((f) => `"${f.column}"`).join(', ')}; ` +
          'log loss renormalises each row (as scikit-learn does) and multiclass ROC AUC is left out.',
      );
    }
  }
  return {
    classes: found.map((f) => (f.label === null ? -1 : index.get(f.label)!)),
    columns: found.map((f) => f.values),
  };
}
