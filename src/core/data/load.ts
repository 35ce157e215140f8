/**
 * Loads a data file into a column-oriented `Table`, choosing the reader by extension:
 * `.csv`, `.tsv`/`.tab`, `.jsonl`/`.ndjson`, `.parquet`/`.pq`, `.arrow`/`.feather`/`.ipc`.
 * Optionally samples rows (seeded) above `maxRows` while reading, so memory stays bounded by the sample;
 * the sampling is always reported in the table. Values that could not be read as their column's type
 * keep their first examples with the file line (text formats) for messages.
 */
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { UserInputError } from '../base/errors';
import { fileKind, NotRegularFileError } from '../base/regularFile';
import { readArrow } from './arrow';
import { plainHeader, readDelimited, type RawTable } from './csv';
import { readJsonLines } from './jsonl';
import { lineNumbersOfRows } from './lines';
import { readParquet } from './parquet';
import type { LoadOptions, Table, TableFormat } from './types';

const EXTENSIONS: Record<string, TableFormat> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.arrow': 'arrow',
  '.feather': 'arrow',
  '.ipc': 'arrow',
};

/** Default seed of the row sampler. */
export const DEFAULT_SEED = 42;

/**
 * The format of a path by its extension.
 * @throws UserInputError for an unsupported extension, listing the supported ones.
 */
export function formatOf(path: string, name = path): TableFormat {
  const format = EXTENSIONS[extname(path).toLowerCase()];
  if (!format) {
    throw new UserInputError(
      `${name}: unsupported file type "${extname(path) || '(none)'}". ` +
        `Use CSV (.csv), TSV (.tsv), JSON Lines (.jsonl), Parquet (.parquet) or Arrow IPC (.arrow).`,
      { file: name },
    );
  }
  return format;
}

/**
 * The column names of a CSV/TSV file from its first line alone, as `loadTable` names them (see
 * `plainHeader`), so a caller can load only the columns it needs. Undefined for other formats, or when
 * the whole file must be read to know.
 */
export function plainFileColumns(path: string): string[] | undefined {
  const format = EXTENSIONS[extname(path).toLowerCase()];
  return format === 'csv' ? plainHeader(path, ',') : format === 'tsv' ? plainHeader(path, '\t') : undefined;
}

/**
 * Reads a table.
 * @param path absolute path or path relative to the process cwd.
 * @throws UserInputError for unreadable input (see the readers), CancelledError on abort.
 */
export async function loadTable(path: string, options: LoadOptions = {}): Promise<Table> {
  const name = options.displayName ?? path;
  const info = await stat(path).catch(() => undefined); // a missing file: the reader says so
  if (info?.isDirectory()) {
    throw new UserInputError(
      `${name}: is a folder, expected a data file (CSV, TSV, JSON Lines, Parquet or Arrow).`,
      { file: name },
    );
  }
  if (info && !info.isFile()) {
    // Reading a FIFO would wait for a writer forever; the readers also open without blocking.
    throw notRegular(name, fileKind(info));
  }
  const format = formatOf(path, name);
  const maxRows = options.maxRows ?? null;
  const seed = options.seed ?? DEFAULT_SEED;
  if (maxRows !== null && (!Number.isInteger(maxRows) || maxRows < 1)) {
    throw new RangeError(`loadTable: maxRows must be a positive integer, got ${maxRows}`);
  }
  const read = {
    columns: options.columns,
    types: options.types,
    signal: options.signal,
    sample: maxRows !== null ? { maxRows, seed } : undefined,
  };
  let raw: RawTable;
  try {
    switch (format) {
      case 'csv':
        raw = await readDelimited(path, name, ',', read);
        break;
      case 'tsv':
        raw = await readDelimited(path, name, '\t', read);
        break;
      case 'jsonl':
        raw = await readJsonLines(path, name, read);
        break;
      case 'parquet':
        raw = await readParquet(path, name, read);
        break;
      case 'arrow':
        raw = await readArrow(path, name, read);
        break;
    }
  } catch (error) {
    // A special file swapped in after the check above, refused by the readers' non-blocking open.
    throw error instanceof NotRegularFileError ? notRegular(name, error.kind) : error;
  }
  if (format === 'csv' || format === 'tsv' || format === 'jsonl') {
    const examples = raw.columns.flatMap((c) => c.unparsableExamples ?? []);
    if (examples.length > 0) {
      const lines = await lineNumbersOfRows(
        path,
        format,
        examples.map((e) => e.row),
      );
      for (const example of examples) {
        example.line = lines.get(example.row);
      }
    }
  }
  return {
    file: name,
    format,
    rows: raw.rows,
    columns: raw.columns,
    fileColumns: raw.fileColumns,
    sampling: {
      applied: raw.rows < raw.rowsRead,
      maxRows,
      seed,
      rowsBefore: raw.rowsRead,
      rowsAfter: raw.rows,
    },
  };
}

/** The user error for a data path that is a FIFO, socket, device (or folder). */
function notRegular(name: string, kind: string): UserInputError {
  return new UserInputError(
    `${new NotRegularFileError(name, kind).message}: give a data file (CSV, TSV, JSON Lines, Parquet or Arrow).`,
    { file: name },
  );
}
