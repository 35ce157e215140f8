/**
 * Streaming CSV/TSV reader (`csv-parse`): the first record is the header, blank lines are skipped,
 * quoted fields may hold delimiters and newlines (RFC 4180). Values are typed by `ColumnBuilder`.
 */
import { pipeline } from 'node:stream/promises';
import { CsvError, parse } from 'csv-parse';
import { CancelledError, UserInputError } from '../base/errors';
import { ColumnBuilder } from './columnBuilder';
import { checkColumnNames, missingColumnError } from './columns';
import { RowReservoir } from './sample';
import { firstLine, separatorMismatch } from './separator';
import type { Column, ColumnType } from './types';
import { StrictUtf8Decoder } from './utf8';
import { ownValue } from '../../shared/dict';
import { createRegularFileStream } from '../base/regularFile';

/** What the drift loader takes, for separator messages. */
const ACCEPTED = 'xlens reads comma-separated CSV (or tab-separated .tsv)';

/** The error for a file read with the wrong separator (see `separator.ts`), if it is one. */
function separatorError(
  headerLine: string | undefined,
  name: string,
  delimiter: string,
): UserInputError | undefined {
  const message = headerLine !== undefined ? separatorMismatch(headerLine, delimiter, ACCEPTED) : undefined;
  return message !== undefined
    ? new UserInputError(`${name}:1: ${message}`, { file: name, line: 1 })
    : undefined;
}

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

/**
 * Reads a delimited text file.
 * @param path file to read; `name` is used in messages.
 * @throws UserInputError for an empty file, a header without rows, ragged rows, bad quoting, invalid
 *   UTF-8, duplicate header names or a requested column that is not in the header (each naming file and
 *   line). CancelledError when `signal` fires.
 */
export async function readDelimited(
  path: string,
  name: string,
  delimiter: ',' | '\t',
  options: ReadOptions = {},
): Promise<RawTable> {
  const decoder = new StrictUtf8Decoder(name);
  let header: string[] | undefined;
  let builders: (ColumnBuilder | undefined)[] = [];
  let rows = 0;
  let sawBytes = false;
  const reservoir = options.sample
    ? new RowReservoir(options.sample.maxRows, options.sample.seed)
    : undefined;
  const wanted = options.columns ? new Set(options.columns) : undefined;
  // Records are consumed by async iteration: csv-parse's `on_record` hook builds an info object per
  // record and measured slower.
  const parser = parse({ delimiter, skip_empty_lines: true, relax_column_count: false, trim: false });

  try {
    await pipeline(
      await createRegularFileStream(path, { highWaterMark: 1 << 20, signal: options.signal }),
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          if (chunk.length > 0) {
            sawBytes = true;
          }
          yield decoder.decode(chunk);
        }
        yield decoder.decode(new Uint8Array(0), true);
      },
      parser,
      async function (records: AsyncIterable<string[]>) {
        for await (const record of records) {
          if (!header) {
            const wrongSeparator =
              record.length === 1 ? separatorError(record[0], name, delimiter) : undefined;
            if (wrongSeparator) {
              throw wrongSeparator;
            }
            header = record.map((h, i) => (h.trim() === '' ? `column_${i + 1}` : h.trim()));
            checkColumnNames(header, name);
            for (const column of options.columns ?? []) {
              if (!header.includes(column)) {
                throw missingColumnError(name, column, header);
              }
            }
            builders = header.map((h) =>
              !wanted || wanted.has(h)
                ? new ColumnBuilder(h, ownValue(options.types, h), reservoir !== undefined)
                : undefined,
            );
            continue;
          }
          rows++;
          if (reservoir) {
            const decision = reservoir.next();
            if (!decision) {
              continue;
            }
            if (!decision.append) {
              for (const builder of builders) {
                builder?.replaceNext(decision.slot);
              }
            }
          }
          for (let i = 0; i < builders.length; i++) {
            builders[i]?.pushCell(record[i], rows - 1);
          }
        }
      },
    );
  } catch (error) {
    if (error instanceof CsvError && error.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') {
      // Rows longer than a one-field header: often a ;-separated file with decimal commas.
      throw separatorError(firstLine(path), name, delimiter) ?? translate(error, name, header?.length);
    }
    throw translate(error, name, header?.length, options.signal);
  }
  if (!sawBytes || !header) {
    throw new UserInputError(`${name}: the file is empty; expected a header row followed by data rows.`, {
      file: name,
      line: 1,
    });
  }
  if (rows === 0) {
    throw new UserInputError(`${name}: the file has a header but no data rows.`, { file: name, line: 2 });
  }
  const order = reservoir && reservoir.seen > reservoir.capacity ? reservoir.order() : undefined;
  const columns: Column[] = [];
  for (const builder of builders) {
    if (builder) {
      columns.push(builder.finish(order));
    }
  }
  return { rows: reservoir ? reservoir.size : rows, rowsRead: rows, columns, fileColumns: header };
}

function translate(error: unknown, name: string, headerFields?: number, signal?: AbortSignal): Error {
  if (error instanceof UserInputError || error instanceof CancelledError) {
    return error;
  }
  if (signal?.aborted) {
    return new CancelledError();
  }
  if (error instanceof CsvError) {
    const line = typeof error.lines === 'number' ? error.lines : undefined;
    const where = line === undefined ? name : `${name}:${line}`;
    if (error.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') {
      const got = Array.isArray(error.record) ? (error.record as unknown[]).length : '?';
      // The parser runs ahead of the consumer, so the header may not be known here; csv-parse's
      // message carries the expected count.
      const expected = /expect (\d+)/.exec(error.message)?.[1] ?? headerFields ?? '?';
      return new UserInputError(
        `${where}: row has ${got} fields but the header has ${expected}. ` +
          `Quote fields that contain the delimiter, or add the missing fields.`,
        { file: name, line },
      );
    }
    return new UserInputError(`${where}: ${error.message}. Check the quoting on this line.`, {
      file: name,
      line,
    });
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') {
    return new UserInputError(`${name}: file not found. Check the path.`, { file: name });
  }
  if (code === 'EISDIR') {
    return new UserInputError(`${name}: is a folder, expected a data file.`, { file: name });
  }
  return error instanceof Error ? error : new Error(String(error));
}
