/**
 * Column-oriented tables loaded from CSV/TSV, JSON Lines, Parquet and Arrow IPC files. Columns are
 * typed arrays: numbers (and datetimes, as Unix milliseconds) in a `Float64Array` with NaN for missing
 * values; categories and text dictionary-coded in an `Int32Array` with -1 for missing values.
 * Missing values are counted per column and never dropped from the table.
 */

/** Logical type of a column, inferred from its values or set by an override. */
export type ColumnType = 'numerical' | 'categorical' | 'datetime' | 'text';

export const COLUMN_TYPES: readonly ColumnType[] = ['numerical', 'categorical', 'datetime', 'text'];

/** File formats the loader reads, chosen by extension. */
export type TableFormat = 'csv' | 'tsv' | 'jsonl' | 'parquet' | 'arrow';

/** A value in the file that could not be read as its column's type. */
export interface UnparsableValue {
  /** Data row in the file, 0-based (the header and blank lines not counted); -1 when unknown. */
  row: number;
  /** Line in the file, 1-based, for text formats (CSV/TSV, JSON Lines); set by the loader. */
  line?: number;
  /** The cell as written. */
  value: string;
}

/** A numerical or datetime column. */
export interface NumericColumn {
  name: string;
  type: 'numerical' | 'datetime';
  storage: 'numeric';
  /** One value per row; NaN marks a missing value. Datetimes are Unix milliseconds (UTC). */
  values: Float64Array;
  /** Rows whose value is missing (empty, NA-like token, null, NaN or ±Infinity). */
  missing: number;
  /**
   * Of `missing`, values present in the file that could not be read as this type: cells that are not
   * numbers in a column inferred numerical (a few stray cells, see `columnBuilder.ts`), or values that do
   * not fit a type override.
   */
  unparsable: number;
  /** The first unparsable values, in file order (empty when `unparsable` is 0). */
  unparsableExamples?: UnparsableValue[];
  /** Values read from ISO 8601 dates as Unix ms because of an override to `numerical`. */
  datesAsNumbers?: number;
}

/** A categorical or text column, dictionary-coded. */
export interface DictionaryColumn {
  name: string;
  type: 'categorical' | 'text';
  storage: 'dictionary';
  /** One code per row, an index into `dictionary`; -1 marks a missing value. */
  codes: Int32Array;
  /** Distinct values, in order of first appearance. */
  dictionary: string[];
  missing: number;
  unparsable: number;
  unparsableExamples?: UnparsableValue[];
}

export type Column = NumericColumn | DictionaryColumn;

/** Rows sampled from a table (seeded, uniform without replacement, file order kept). */
export interface TableSampling {
  applied: boolean;
  /** Limit above which sampling happens; `null` when sampling is off. */
  maxRows: number | null;
  seed: number;
  rowsBefore: number;
  rowsAfter: number;
}

/** A loaded table. Every column has `rows` entries. */
export interface Table {
  /** Path as given by the caller (for messages). */
  file: string;
  format: TableFormat;
  rows: number;
  columns: Column[];
  /** All column names in the file, in file order (also those not loaded). */
  fileColumns: string[];
  sampling: TableSampling;
}

/** Options of `loadTable`. */
export interface LoadOptions {
  /** Load only these columns (error when one is missing). Default: all. */
  columns?: string[];
  /** Type overrides by column name; other columns are inferred. */
  types?: Record<string, ColumnType>;
  /**
   * Sample to at most this many rows (seeded reservoir sampling while reading, so memory holds at most
   * this many rows of a streamed file); `null`/undefined loads every row.
   */
  maxRows?: number | null;
  /** Seed of the sampler (default 42). */
  seed?: number;
  /** Name used in messages instead of the path (e.g. the path relative to the workspace). */
  displayName?: string;
  signal?: AbortSignal;
}
