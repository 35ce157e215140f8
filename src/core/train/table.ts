/**
 * CSV tables for the built-in trainer: read with `csv-parse` (RFC 4180 quoting, header row required),
 * cells kept as trimmed text with their source line so errors can point at the file and line.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { CsvError, parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { UserInputError } from '../base/errors';
import { separatorMismatch } from '../data/separator';
import { ACCEPTED, OTHER_FORMATS, trainerDataProblem } from './dataFile';

/** A parsed CSV file: header names and data rows as text, each row with its 1-based line number. */
export interface Table {
  /** The file as the user wrote it (used in messages). */
  file: string;
  columns: string[];
  /** Data rows (header excluded); every row has `columns.length` cells. */
  rows: string[][];
  /** `lines[i]` is the source line where `rows[i]` ends (1-based; the header is line 1). */
  lines: number[];
}

/**
 * Cell texts read as missing values (compared after trimming, case-sensitive as written by R, pandas
 * and spreadsheets): empty, `NA`, `N/A`, `NaN`, `null`, `None`.
 */
export const MISSING_TOKENS: ReadonlySet<string> = new Set(['', 'NA', 'N/A', 'NaN', 'null', 'None']);

/** True when the cell text stands for a missing value (see {@link MISSING_TOKENS}). */
export function isMissing(text: string): boolean {
  return MISSING_TOKENS.has(text);
}

/** The finite number a cell text spells (decimal or exponent notation), else undefined. */
export function toNumber(text: string): number | undefined {
  if (text === '' || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) {
    return undefined;
  }
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * Parses CSV text with a header row.
 * @param file name used in error messages.
 * @throws UserInputError for an empty file, a header without data rows, duplicate or empty column
 *   names, a row whose field count differs from the header's (naming the line) and malformed quoting.
 */
export function parseTable(text: string, file: string): Table {
  const mismatch = separatorMismatch(text.slice(0, text.indexOf('\n') >>> 0), ',', ACCEPTED);
  if (mismatch !== undefined) {
    throw new UserInputError(`${file}:1: ${mismatch}`, { file, line: 1 });
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, info: true, trim: true, skip_empty_lines: true }) as typeof records;
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      const hint =
        error.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH'
          ? 'every row needs as many fields as the header; quote fields that contain commas'
          : 'check the quoting around this line';
      throw new UserInputError(`${file}:${line ?? '?'}: ${error.message}; ${hint}.`, { file, line });
    }
    throw error;
  }
  const header = records[0];
  if (header === undefined) {
    throw new UserInputError(`${file}: the file is empty; it needs a header row and data rows.`, { file });
  }
  const columns = header.record;
  const seen = new Set<string>();
  columns.forEach((name, index) => {
    if (name === '') {
      throw new UserInputError(`${file}:1: column ${index + 1} has no name; give every header cell a name.`, {
        file,
        line: 1,
      });
    }
    if (seen.has(name)) {
      throw new UserInputError(`${file}:1: column "${name}" appears twice in the header; rename one.`, {
        file,
        line: 1,
      });
    }
    seen.add(name);
  });
  if (records.length === 1) {
    throw new UserInputError(`${file}: the file has a header but no data rows.`, { file });
  }
  return {
    file,
    columns,
    rows: records.slice(1).map((r) => r.record),
    lines: records.slice(1).map((r) => r.info.lines),
  };
}

/**
 * Reads and parses a CSV file (UTF-8, optional BOM).
 * @param path absolute or cwd-relative path.
 * @param displayName how the file is named in messages (default `path`).
 * @throws UserInputError when the file does not exist or cannot be parsed (see {@link parseTable}).
 */
export function readTable(path: string, displayName: string = path): Table {
  const other = OTHER_FORMATS[extname(path).toLowerCase()];
  if (other) {
    throw new UserInputError(trainerDataProblem(path, displayName) ?? `${displayName}: ${ACCEPTED}.`, {
      file: displayName,
    });
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new UserInputError(`${displayName}: data file not found; check the task's "data" path.`, {
        file: displayName,
      });
    }
    throw error;
  }
  return parseTable(text, displayName);
}

/**
 * Index of each named column.
 * @param role how the columns are used, for the message (e.g. `target`, `feature`).
 * @throws UserInputError naming the missing column, the file and the columns that exist.
 */
export function columnIndices(table: Table, names: readonly string[], role: string): number[] {
  return names.map((name) => {
    const index = table.columns.indexOf(name);
    if (index < 0) {
      throw new UserInputError(
        `${table.file}:1: ${role} column "${name}" is not in the header; available columns: ${table.columns.join(', ')}.`,
        { file: table.file, line: 1 },
      );
    }
    return index;
  });
}

/** The header and the given rows as CSV text (for saved splits such as `holdout.csv`). */
export function tableToCsv(table: Table, rowIndices: readonly number[]): string {
  return stringify([table.columns, ...rowIndices.map((i) => table.rows[i])]);
}
