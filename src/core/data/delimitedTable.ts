/**
 * What the two CSV/TSV readers share (the general one over `csv-parse` in `csv.ts`, the plain-file one in
 * `plainCsv.ts`): the header turned into column builders, each data row counted and sampled, and the
 * table finished. Both readers feed the same records through it, so they give the same columns.
 */
import { UserInputError } from '../base/errors';
import { ColumnBuilder } from './columnBuilder';
import { checkColumnNames, missingColumnError } from './columns';
import { RowReservoir } from './sample';
import { separatorMismatch } from './separator';
import type { Column, ColumnType } from './types';
import { ownValue } from '../../shared/dict';

/** What a reader returns. */
export interface RawTable {
  /** Rows in `columns` (the sample when sampling applied). */
  rows: number;
  /** Data rows in the file. */
  rowsRead: number;
  columns: Column[];
  fileColumns: string[];
}

/** Options every reader takes. */
export interface ReadOptions {
  columns?: string[];
  types?: Record<string, ColumnType>;
  /**
   * Keep a seeded uniform sample of at most `maxRows` rows, in file order (see `sample.ts`). Streamed
   * formats hold at most `maxRows` rows in memory while reading.
   */
  sample?: { maxRows: number; seed: number };
  signal?: AbortSignal;
}

/** What the delimited readers take, for separator messages. */
const ACCEPTED = 'xlens reads comma-separated CSV (or tab-separated .tsv)';

/** The error for a file read with the wrong separator (see `separator.ts`), if it is one. */
export function separatorError(
  headerLine: string | undefined,
  name: string,
  delimiter: string,
): UserInputError | undefined {
  const message = headerLine !== undefined ? separatorMismatch(headerLine, delimiter, ACCEPTED) : undefined;
  return message !== undefined
    ? new UserInputError(`${name}:1: ${message}`, { file: name, line: 1 })
    : undefined;
}

/** Column names from a header record: trimmed, a blank name becomes `column_<n>` (1-based). */
export function headerNames(record: readonly string[]): string[] {
  return record.map((h, i) => (h.trim() === '' ? `column_${i + 1}` : h.trim()));
}

/** Records of a delimited file in, typed columns out: the first record is the header. */
export class DelimitedTable {
  header: string[] | undefined;
  /** One per header field; undefined for a column not loaded. */
  builders: (ColumnBuilder | undefined)[] = [];
  /** Data rows seen so far. */
  rows = 0;
  private readonly reservoir: RowReservoir | undefined;

  constructor(
    private readonly name: string,
    private readonly delimiter: string,
    private readonly options: ReadOptions,
  ) {
    this.reservoir = options.sample
      ? new RowReservoir(options.sample.maxRows, options.sample.seed)
      : undefined;
  }

  /**
   * Takes the header record: blank names become `column_<n>`, names are trimmed.
   * @throws UserInputError for a header that looks separated by another character, duplicate names or
   *   a requested column that is not in the header.
   */
  setHeader(record: string[]): void {
    const wrongSeparator =
      record.length === 1 ? separatorError(record[0], this.name, this.delimiter) : undefined;
    if (wrongSeparator) {
      throw wrongSeparator;
    }
    const header = headerNames(record);
    checkColumnNames(header, this.name);
    for (const column of this.options.columns ?? []) {
      if (!header.includes(column)) {
        throw missingColumnError(this.name, column, header);
      }
    }
    const wanted = this.options.columns ? new Set(this.options.columns) : undefined;
    const sampling = this.reservoir !== undefined;
    this.builders = header.map((h) =>
      !wanted || wanted.has(h) ? new ColumnBuilder(h, ownValue(this.options.types, h), sampling) : undefined,
    );
    this.header = header;
  }

  /**
   * Counts a data row and says whether its cells are to be pushed (false when the sample skips it); when
   * the row replaces a sampled one, the builders are told so.
   */
  beginRow(): boolean {
    this.rows++;
    const reservoir = this.reservoir;
    if (reservoir) {
      const decision = reservoir.next();
      if (!decision) {
        return false;
      }
      if (!decision.append) {
        for (const builder of this.builders) {
          builder?.replaceNext(decision.slot);
        }
      }
    }
    return true;
  }

  /**
   * The table read.
   * @throws UserInputError for a file without bytes or header (`sawBytes` false), or without data rows.
   */
  finish(sawBytes: boolean): RawTable {
    const name = this.name;
    if (!sawBytes || !this.header) {
      throw new UserInputError(`${name}: the file is empty; expected a header row followed by data rows.`, {
        file: name,
        line: 1,
      });
    }
    if (this.rows === 0) {
      throw new UserInputError(`${name}: the file has a header but no data rows.`, { file: name, line: 2 });
    }
    const reservoir = this.reservoir;
    const order = reservoir && reservoir.seen > reservoir.capacity ? reservoir.order() : undefined;
    const columns: Column[] = [];
    for (const builder of this.builders) {
      if (builder) {
        columns.push(builder.finish(order));
      }
    }
    return {
      rows: reservoir ? reservoir.size : this.rows,
      rowsRead: this.rows,
      columns,
      fileColumns: this.header,
    };
  }
}
