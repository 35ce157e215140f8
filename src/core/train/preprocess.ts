/**
 * Feature preprocessing of the built-in trainer, fitted on the training rows only and saved beside
 * the model (`preprocessing.json`) so evaluation applies exactly the same transform:
 * numeric columns — mean imputation, then standardisation `(x − mean) / std` (population std of the
 * observed training values; 1 when that is 0); categorical columns — most-frequent imputation, then
 * one-hot over the categories seen in training (an unseen category becomes all zeros).
 */
import { UserInputError } from '../base/errors';
import { type BadCell, checkColumns, inferColumnType, inferTarget } from './columns';
import { columnIndices, isMissing, type Table, toNumber } from './table';

export interface NumericFeature {
  name: string;
  kind: 'numeric';
  /** Mean of the observed training values (also the imputed value). */
  mean: number;
  /** Population standard deviation of the observed training values; 1 when they are constant. */
  std: number;
}

export interface CategoricalFeature {
  name: string;
  kind: 'categorical';
  /** Categories seen in the training rows, sorted; one input per category, in this order. */
  categories: string[];
  /** The imputed value for missing cells (ties broken by sort order). */
  mostFrequent: string;
}

export type FeatureTransform = NumericFeature | CategoricalFeature;

export type TargetTransform =
  | { name: string; problem: 'classification'; classes: string[] }
  /** Regression targets are standardised for training; predictions are mapped back with mean/std. */
  | { name: string; problem: 'regression'; mean: number; std: number };

/** Contents of `preprocessing.json`. */
export interface Preprocessing {
  format: 'xlens-preprocessing';
  version: 1;
  features: FeatureTransform[];
  target: TargetTransform;
  /** Name of every model input in order, e.g. `bill_length_mm`, `island=Biscoe`. */
  inputNames: string[];
}

/** Rows turned into model inputs. */
export interface EncodedRows {
  /** Row-major `rows × inputNames.length` matrix. */
  x: Float32Array;
  /** Class index per row (classification) or the standardised target (regression). */
  y: Float32Array;
  /** Raw target per row: the class label or the numeric value in original units. */
  rawTarget: string[];
  rowCount: number;
  inputCount: number;
  /** Cells of numeric features that are not numbers: imputed with the training mean. */
  stray: BadCell[];
  /** Cells of categorical features with a category not seen in training: encoded as all zeros. */
  unseen: BadCell[];
}

export interface PreprocessOptions {
  target: string;
  /** Feature columns; default every column but the target. */
  features?: string[];
  problem?: 'classification' | 'regression';
  /** Receives warnings about columns (e.g. a mostly-numeric feature treated as categorical). */
  warn?: (message: string) => void;
}

/** Indices of the rows whose target cell is not missing. */
export function labelledRows(table: Table, target: string): number[] {
  const [col] = columnIndices(table, [target], 'target');
  const labelled: number[] = [];
  table.rows.forEach((row, i) => {
    if (!isMissing(row[col])) {
      labelled.push(i);
    }
  });
  return labelled;
}

/**
 * Fits the preprocessing. Column types follow {@link inferColumnType} on the training rows: a numeric
 * feature with a few stray text cells stays numeric (those cells are imputed by {@link encodeRows},
 * which reports them).
 * @param fitRows rows the statistics come from (the training split).
 * @param labelRows rows whose target values define the class list (all usable labelled rows, so a
 *   class that happens to fall only into validation still gets an output unit).
 * @throws UserInputError for unknown columns (all named at once), a feature with no value in the
 *   training rows, or a regression target that is not numeric.
 */
export function fitPreprocessing(
  table: Table,
  options: PreprocessOptions,
  fitRows: readonly number[],
  labelRows: readonly number[] = fitRows,
): Preprocessing {
  const featureNames = options.features ?? table.columns.filter((c) => c !== options.target);
  if (featureNames.includes(options.target)) {
    throw new UserInputError(
      `${table.file}: the target column "${options.target}" is also listed as a feature; remove it from "features".`,
      { file: table.file },
    );
  }
  if (featureNames.length === 0) {
    throw new UserInputError(`${table.file}: no feature columns besides the target "${options.target}".`, {
      file: table.file,
    });
  }
  checkColumns(table, { target: [options.target], feature: featureNames });
  const featureCols = columnIndices(table, featureNames, 'feature');
  const [targetCol] = columnIndices(table, [options.target], 'target') as [number];

  const features = featureNames.map((name, f) =>
    fitFeature(table, name, featureCols[f], fitRows, options.warn),
  );
  const problem = options.problem ?? inferTarget(table, options.target, undefined).problem;
  const targetValues = labelRows.map((i) => table.rows[i][targetCol]);
  let target: TargetTransform;
  if (problem === 'classification') {
    target = { name: options.target, problem, classes: sortedUnique(targetValues) };
  } else {
    const bad = fitRows.find((i) => toNumber(table.rows[i][targetCol]) === undefined);
    if (bad !== undefined) {
      throw new UserInputError(
        `${table.file}:${table.lines[bad]}: target "${options.target}" is "${table.rows[bad][targetCol]}", not a number; ` +
          'use problem: classification or fix the value.',
        { file: table.file, line: table.lines[bad] },
      );
    }
    const values = fitRows.map((i) => toNumber(table.rows[i][targetCol]) as number);
    const { mean, std } = meanStd(values);
    target = { name: options.target, problem, mean, std };
  }
  const inputNames = features.flatMap((f) =>
    f.kind === 'numeric' ? [f.name] : f.categories.map((c) => `${f.name}=${c}`),
  );
  return { format: 'xlens-preprocessing', version: 1, features, target, inputNames };
}

function fitFeature(
  table: Table,
  name: string,
  col: number,
  rows: readonly number[],
  warn?: (message: string) => void,
): FeatureTransform {
  const type = inferColumnType(table, col, rows);
  if (type.present === 0) {
    throw new UserInputError(
      `${table.file}: feature column "${name}" has no values in the training rows; drop it from "features".`,
      { file: table.file },
    );
  }
  if (type.kind === 'numeric') {
    const numbers = rows.map((i) => toNumber(table.rows[i][col])).filter((n) => n !== undefined);
    return { name, kind: 'numeric', ...meanStd(numbers) };
  }
  const present = rows.map((i) => table.rows[i][col]).filter((v) => !isMissing(v));
  if (type.numbers >= 0.5 * type.present) {
    const example = present.find((v) => toNumber(v) === undefined);
    warn?.(
      `${table.file}: feature "${name}" is mostly numbers, but ${type.present - type.numbers} of ${type.present} ` +
        `training values are not (e.g. ${JSON.stringify(example)}), so it is treated as categorical; ` +
        'fix those values (or leave them empty) to use it as a number.',
    );
  }
  const counts = new Map<string, number>();
  for (const v of present) {
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  const categories = [...counts.keys()].sort();
  let mostFrequent = categories[0];
  for (const c of categories) {
    if ((counts.get(c) as number) > (counts.get(mostFrequent) as number)) {
      mostFrequent = c;
    }
  }
  return { name, kind: 'categorical', categories, mostFrequent };
}

/** Mean and population standard deviation (1 when the values are constant). */
function meanStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  const std = Math.sqrt(variance);
  return { mean, std: std > 1e-12 ? std : 1 };
}

/** Distinct values sorted: numerically when all are numbers (so `2` comes before `10`), else as text. */
function sortedUnique(values: readonly string[]): string[] {
  const unique = [...new Set(values)];
  const numbers = unique.map(toNumber);
  if (numbers.every((n) => n !== undefined)) {
    return unique
      .map((v, i) => [v, numbers[i]] as const)
      .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
      .map(([v]) => v);
  }
  return unique.sort();
}

/**
 * Applies fitted preprocessing to rows of a table (matching columns by name, so column order may
 * differ from the training file).
 * Text in a numeric feature is imputed with the training mean and listed in `stray` (the caller warns).
 * @throws UserInputError for missing columns, a missing or non-numeric regression target, or a class
 *   label the model was not trained on (each naming file and line).
 */
export function encodeRows(prep: Preprocessing, table: Table, rows: readonly number[]): EncodedRows {
  const inputCount = prep.inputNames.length;
  checkColumns(table, { target: [prep.target.name], feature: prep.features.map((f) => f.name) });
  const featureCols = columnIndices(
    table,
    prep.features.map((f) => f.name),
    'feature',
  );
  const [targetCol] = columnIndices(table, [prep.target.name], 'target') as [number];
  const x = new Float32Array(rows.length * inputCount);
  const y = new Float32Array(rows.length);
  const rawTarget: string[] = [];
  const stray: BadCell[] = [];
  const unseen: BadCell[] = [];
  const classIndex =
    prep.target.problem === 'classification' ? new Map(prep.target.classes.map((c, i) => [c, i])) : undefined;

  rows.forEach((rowIndex, r) => {
    const row = table.rows[rowIndex];
    const line = table.lines[rowIndex];
    let offset = r * inputCount;
    prep.features.forEach((feature, f) => {
      const text = row[featureCols[f]];
      if (feature.kind === 'numeric') {
        let value = feature.mean;
        if (!isMissing(text)) {
          const parsed = toNumber(text);
          if (parsed === undefined) {
            stray.push({ line, column: feature.name, value: text });
          } else {
            value = parsed;
          }
        }
        x[offset++] = (value - feature.mean) / feature.std;
      } else {
        const category = isMissing(text) ? feature.mostFrequent : text;
        const hot = feature.categories.indexOf(category);
        if (hot >= 0) {
          x[offset + hot] = 1;
        } else {
          unseen.push({ line, column: feature.name, value: text });
        }
        offset += feature.categories.length;
      }
    });
    const targetText = row[targetCol];
    if (isMissing(targetText)) {
      throw new UserInputError(
        `${table.file}:${line}: target "${prep.target.name}" is missing; fill it in or drop the row.`,
        { file: table.file, line },
      );
    }
    rawTarget.push(targetText);
    if (classIndex !== undefined) {
      const k = classIndex.get(targetText);
      if (k === undefined) {
        throw new UserInputError(
          `${table.file}:${line}: class "${targetText}" of "${prep.target.name}" was not seen in training ` +
            `(known: ${[...classIndex.keys()].join(', ')}).`,
          { file: table.file, line },
        );
      }
      y[r] = k;
    } else if (prep.target.problem === 'regression') {
      const value = toNumber(targetText);
      if (value === undefined) {
        throw new UserInputError(
          `${table.file}:${line}: target "${prep.target.name}" is "${targetText}", not a number.`,
          { file: table.file, line },
        );
      }
      y[r] = (value - prep.target.mean) / prep.target.std;
    }
  });
  return { x, y, rawTarget, rowCount: rows.length, inputCount, stray, unseen };
}
