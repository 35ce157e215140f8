/**
 * Evaluation of a predictions file (CSV, TSV, JSON Lines, Parquet, Arrow through the data loaders):
 * columns chosen or found by name, bad values named by file, row and column, then the evaluation.
 */
import { loadTable, plainFileColumns } from '../data/load';
import { lineNumbersOfRows } from '../data/lines';
import type { Table } from '../data/types';
import { evaluateClassification } from './classification';
import { chooseColumns, type ColumnChoice, type ColumnRequest } from './columnChoice';
import { evaluateRegression } from './regression';
import { prepareInput, type LocateRow, type PrepareOptions } from './tableInput';
import type { EvaluationResult } from './types';

/** An evaluation with the columns it read and what was said about the input. */
export interface FileEvaluation {
  /** The file as named by the caller. */
  file: string;
  columns: ColumnChoice;
  evaluation: EvaluationResult;
  /** Choices made for the user (columns found by name, the problem kind, the positive class). */
  said: string[];
  /** Problems with the input that did not stop the evaluation (naming file, row and column). */
  warnings: string[];
}

/** Options of {@link evaluateFile}. */
export interface EvaluateFileOptions extends PrepareOptions, ColumnRequest {
  /** Name used in messages instead of the path. */
  displayName?: string;
  signal?: AbortSignal;
}

/** How rows are named in messages: `row 12 (line 14)` for text formats, `row 12` otherwise (1-based). */
export function rowLocator(path: string, table: Table): LocateRow {
  return async (row) => {
    if (table.format === 'csv' || table.format === 'tsv' || table.format === 'jsonl') {
      const lines = await lineNumbersOfRows(path, table.format, [row]).catch(() => undefined);
      const line = lines?.get(row);
      if (line !== undefined) {
        return `row ${row + 1} (line ${line})`;
      }
    }
    return `row ${row + 1}`;
  };
}

/** Evaluates an already loaded table (see {@link evaluateFile}); `path` serves line numbers. */
export async function evaluateTable(
  table: Table,
  path: string,
  options: EvaluateFileOptions = {},
): Promise<FileEvaluation> {
  const columns = chooseColumns(table.file, table.fileColumns, options);
  const prepared = await prepareInput(table, columns, rowLocator(path, table), options);
  const evaluation =
    prepared.problem === 'regression'
      ? evaluateRegression(prepared.actual, prepared.predicted)
      : evaluateClassification(prepared.input);
  return { file: table.file, columns, evaluation, said: prepared.said, warnings: prepared.warnings };
}

/**
 * Reads a predictions file and evaluates it.
 * @throws UserInputError for an unreadable or bad file (naming file, row and column), CancelledError
 *   on abort.
 */
export async function evaluateFile(path: string, options: EvaluateFileOptions = {}): Promise<FileEvaluation> {
  const table = await loadTable(path, {
    displayName: options.displayName,
    signal: options.signal,
    columns: neededColumns(path, options),
  });
  return evaluateTable(table, path, options);
}

/**
 * The columns the evaluation reads, when the file's column names are known before reading it (a CSV/TSV
 * header): other columns (features, ids) are then not loaded. Undefined to load every column.
 */
function neededColumns(path: string, options: EvaluateFileOptions): string[] | undefined {
  const header = plainFileColumns(path);
  if (header === undefined) {
    return undefined;
  }
  try {
    const choice = chooseColumns(options.displayName ?? path, header, options);
    return [
      choice.target,
      ...(choice.pred === null ? [] : [choice.pred]),
      ...choice.proba.map((p) => p.column),
    ];
  } catch {
    return undefined; // the choice fails again after the full read, which then says why
  }
}
