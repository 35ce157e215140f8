/**
 * The fast path of the CSV/TSV reader for the common file: no quote character and no carriage return
 * anywhere, every line holding as many fields as the header. Such a file's records are its lines split
 * at the delimiter (RFC 4180 without quoting), so `csv-parse`, most of the reading time of a large
 * file, is not needed. Anything else — quotes, CR line ends, a ragged or one-column header, sampling,
 * a file above {@link MAX_UNQUOTED_BYTES}, any error — returns undefined and the streaming reader
 * (`csv.ts`) reads the file, with its messages.
 */
import { CancelledError } from '../base/errors';
import { createRegularFileStream } from '../base/regularFile';
import { ownValue } from '../../shared/dict';
import { ColumnBuilder } from './columnBuilder';
import { checkColumnNames } from './columns';
import type { Column, ColumnType } from './types';
import { StrictUtf8Decoder } from './utf8';

/** The options of `readDelimited` this path reads (`csv.ts`'s `ReadOptions`). */
interface UnquotedOptions {
  columns?: string[];
  types?: Record<string, ColumnType>;
  sample?: unknown;
  signal?: AbortSignal;
}

/** What `readDelimited` returns (`csv.ts`'s `RawTable`). */
interface UnquotedTable {
  rows: number;
  rowsRead: number;
  columns: Column[];
  fileColumns: string[];
}

/** Files up to this size are read whole by the fast path (larger ones stream). */
export const MAX_UNQUOTED_BYTES = 512 * 1024 * 1024;

const QUOTE = 0x22;
const CR = 0x0d;

/** The whole file, or undefined when it is larger than {@link MAX_UNQUOTED_BYTES} or unreadable. */
async function readWhole(path: string, signal?: AbortSignal): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  const stream = await createRegularFileStream(path, { highWaterMark: 1 << 20, signal });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_UNQUOTED_BYTES) {
      stream.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/**
 * Reads `path` when it is an unquoted delimited file (see above), with the same header rules, column
 * builders and result as `readDelimited`; undefined when the streaming reader must read it.
 * @throws CancelledError when `options.signal` fires.
 */
export async function readUnquoted(
  path: string,
  name: string,
  delimiter: ',' | '\t',
  options: UnquotedOptions,
): Promise<UnquotedTable | undefined> {
  if (options.sample) {
    return undefined;
  }
  try {
    const buffer = await readWhole(path, options.signal);
    if (!buffer || buffer.length === 0 || buffer.includes(QUOTE) || buffer.includes(CR)) {
      return undefined;
    }
    const text = new StrictUtf8Decoder(name).decode(buffer, true);
    const wanted = options.columns ? new Set(options.columns) : undefined;
    let header: string[] | undefined;
    let builders: (ColumnBuilder | undefined)[] = [];
    let rows = 0;
    let pos = 0;
    while (pos < text.length) {
      let end = text.indexOf('\n', pos);
      if (end < 0) {
        end = text.length;
      }
      const line = text.slice(pos, end);
      pos = end + 1;
      if (line === '') {
        continue; // csv-parse's skip_empty_lines
      }
      const record = line.split(delimiter);
      if (!header) {
        if (record.length === 1) {
          return undefined; // maybe the wrong separator: the streaming reader says so
        }
        header = record.map((h, i) => (h.trim() === '' ? `column_${i + 1}` : h.trim()));
        checkColumnNames(header, name);
        if ((options.columns ?? []).some((c) => !header!.includes(c))) {
          return undefined;
        }
        builders = header.map((h) =>
          !wanted || wanted.has(h) ? new ColumnBuilder(h, ownValue(options.types, h), false) : undefined,
        );
        continue;
      }
      if (record.length !== header.length) {
        return undefined;
      }
      rows++;
      for (let i = 0; i < builders.length; i++) {
        builders[i]?.pushCell(record[i], rows - 1);
      }
      if (options.signal?.aborted) {
        throw new CancelledError();
      }
    }
    if (!header || rows === 0) {
      return undefined;
    }
    const columns = builders.filter((b): b is ColumnBuilder => b !== undefined).map((b) => b.finish());
    return { rows, rowsRead: rows, columns, fileColumns: header };
  } catch (error) {
    if (error instanceof CancelledError || options.signal?.aborted) {
      throw error instanceof CancelledError ? error : new CancelledError();
    }
    return undefined;
  }
}
