/**
 * Streaming CSV/TSV reader (`csv-parse`): the first record is the header, blank lines are skipped,
 * quoted fields may hold delimiters and newlines (RFC 4180). Values are typed by `ColumnBuilder`.
 */
import { pipeline } from 'node:stream/promises';
import { CsvError, parse } from 'csv-parse';
import { CancelledError, UserInputError } from '../base/errors';
import {
  DelimitedTable,
  headerNames,
  separatorError,
  type RawTable,
  type ReadOptions,
} from './delimitedTable';
import { readPlainDelimited } from './plainCsv';
import { firstLine } from './separator';
import { StrictUtf8Decoder } from './utf8';
import { createRegularFileStream } from '../base/regularFile';

export type { RawTable, ReadOptions } from './delimitedTable';

/**
 * Reads a delimited text file. A plain file (no quotes, one kind of line end, every row complete, see
 * `plainCsv.ts`) is read by the fast reader; any other file, and every file with an error, by
 * `csv-parse`, which then gives the result and the messages.
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
  return (
    (await readPlainDelimited(path, name, delimiter, options)) ??
    readDelimitedGeneral(path, name, delimiter, options)
  );
}

/**
 * The column names of a delimited file from its first line alone, as {@link readDelimited} names them,
 * when that line is a plain header: complete, not blank, without a quote or a CR inside (a CR ends the
 * first record when the file's lines end with CR). Undefined otherwise, or when the file cannot be read:
 * the full read then decides (and reports).
 */
export function plainHeader(path: string, delimiter: ',' | '\t'): string[] | undefined {
  const line = firstLine(path, { complete: true })?.replace(/^\uFEFF/, '');
  if (line === undefined || line === '' || line.includes('"') || line.includes('\r')) {
    return undefined;
  }
  return headerNames(line.split(delimiter));
}

/**
 * Reads any delimited text file with `csv-parse` (RFC 4180: quoted fields may hold delimiters and
 * newlines; the record delimiter is the first line end found: CRLF, LF or CR). Throws as
 * {@link readDelimited}.
 */
export async function readDelimitedGeneral(
  path: string,
  name: string,
  delimiter: ',' | '\t',
  options: ReadOptions = {},
): Promise<RawTable> {
  const decoder = new StrictUtf8Decoder(name);
  const table = new DelimitedTable(name, delimiter, options);
  let sawBytes = false;
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
          if (!table.header) {
            table.setHeader(record);
            continue;
          }
          if (table.beginRow()) {
            const builders = table.builders;
            const row = table.rows - 1;
            for (let i = 0; i < builders.length; i++) {
              builders[i]?.pushCell(record[i], row);
            }
          }
        }
      },
    );
  } catch (error) {
    if (error instanceof CsvError && error.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') {
      // Rows longer than a one-field header: often a ;-separated file with decimal commas.
      throw separatorError(firstLine(path), name, delimiter) ?? translate(error, name, table.header?.length);
    }
    throw translate(error, name, table.header?.length, options.signal);
  }
  return table.finish(sawBytes);
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
