/**
 * Parquet reader on `hyparquet` with `hyparquet-compressors` (Snappy, Gzip, Brotli, Zstd, LZ4).
 * Reads column by column and row group by row group straight into typed columns; never builds row
 * objects. Timestamps and dates (logical or converted types) become datetime columns in Unix ms.
 */
import { stat } from 'node:fs/promises';
import { asyncBufferFromFile, parquetMetadataAsync, parquetScan, parquetSchema } from 'hyparquet';
import type { FileMetaData, SchemaElement } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { CancelledError, UserInputError } from '../base/errors';
import { ColumnBuilder } from './columnBuilder';
import { checkColumnNames, missingColumnError } from './columns';
import type { RawTable, ReadOptions } from './csv';
import { readNumericColumn } from './parquetNumeric';
import { reservoirIndices } from './sample';
import type { Column } from './types';
import { ownValue } from '../../shared/dict';

/** Timestamps as Unix ms numbers instead of `Date` objects (one allocation less per value). */
const parsers = {
  timestampFromMilliseconds: (v: bigint): number => Number(v),
  timestampFromMicroseconds: (v: bigint): number => Number(v) / 1e3,
  timestampFromNanoseconds: (v: bigint): number => Number(v) / 1e6,
  dateFromDays: (days: number): number => days * 86_400_000,
};

function isDatetime(element: SchemaElement): boolean {
  const logical = element.logical_type?.type;
  const converted = element.converted_type;
  return (
    logical === 'TIMESTAMP' ||
    logical === 'DATE' ||
    converted === 'TIMESTAMP_MILLIS' ||
    converted === 'TIMESTAMP_MICROS' ||
    converted === 'DATE' ||
    element.type === 'INT96'
  );
}

/**
 * @throws UserInputError when the file is empty, not Parquet, has no rows, or lacks a requested column.
 */
export async function readParquet(path: string, name: string, options: ReadOptions = {}): Promise<RawTable> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    throw new UserInputError(`${name}: file not found. Check the path.`, { file: name });
  }
  if (size === 0) {
    throw new UserInputError(`${name}: the file is empty; expected a Parquet file.`, { file: name });
  }
  const file = await asyncBufferFromFile(path);
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    throw new UserInputError(
      `${name}: not a readable Parquet file (${(error as Error).message}). Check the file or its extension.`,
      { file: name },
    );
  }
  const top = parquetSchema(metadata).children;
  const fileColumns = top.map((c) => c.element.name);
  checkColumnNames(fileColumns, name);
  for (const column of options.columns ?? []) {
    if (!fileColumns.includes(column)) {
      throw missingColumnError(name, column, fileColumns);
    }
  }
  const rows = Number(metadata.num_rows);
  if (rows === 0) {
    throw new UserInputError(`${name}: the Parquet file has no rows.`, { file: name });
  }
  // The sample is known before reading: only its rows are kept from each row group.
  const indices =
    options.sample && rows > options.sample.maxRows
      ? reservoirIndices(rows, options.sample.maxRows, options.sample.seed)
      : undefined;
  const selected = top.filter((c) => !options.columns || options.columns.includes(c.element.name));
  const columns: Column[] = [];
  for (const child of selected) {
    const column = child.element.name;
    const override = ownValue(options.types, column);
    if (override !== 'categorical' && override !== 'text') {
      const fast = await readNumericColumn(file, metadata, child, compressors, options.signal, indices);
      if (fast) {
        const datetime = override === 'datetime' || (override === undefined && isDatetime(child.element));
        columns.push({
          name: column,
          type: datetime ? 'datetime' : 'numerical',
          storage: 'numeric',
          values: fast.values,
          missing: fast.missing,
          unparsable: 0,
        });
        continue;
      }
    }
    // One scan per column: a scan caches every chunk it decoded, so sharing one would keep all
    // decoded columns alive until the end.
    const scan = await parquetScan({ file, metadata, compressors, parsers, columns: [column] });
    const datetime = isDatetime(child.element) && child.children.length === 0;
    const builder = new ColumnBuilder(column, ownValue(options.types, column));
    let next = 0;
    for (const range of scan.ranges) {
      if (options.signal?.aborted) {
        throw new CancelledError();
      }
      const data = await scan.readColumn({ column, rowStart: range.rowStart, rowEnd: range.rowEnd });
      if (!indices) {
        appendValues(builder, data, datetime, (i) => range.rowStart + i);
        continue;
      }
      const picked: unknown[] = [];
      const first = next;
      while (next < indices.length && indices[next] < range.rowEnd) {
        picked.push(data[indices[next] - range.rowStart]);
        next++;
      }
      appendValues(builder, picked, datetime, (i) => indices[first + i]);
    }
    columns.push(builder.finish());
  }
  return { rows: indices ? indices.length : rows, rowsRead: rows, columns, fileColumns };
}

/** Appends values; `rowAt(i)` is the file row of `data[i]` (recorded with unparsable strings). */
function appendValues(
  builder: ColumnBuilder,
  data: ArrayLike<unknown>,
  datetime: boolean,
  rowAt: (i: number) => number,
): void {
  if (
    !datetime &&
    (data instanceof Float64Array || data instanceof Float32Array || data instanceof Int32Array)
  ) {
    builder.pushNumbers(data);
    return;
  }
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v === null || v === undefined) {
      builder.pushMissing();
    } else if (typeof v === 'number') {
      if (datetime) {
        builder.pushDatetime(v);
      } else {
        builder.pushNumber(v);
      }
    } else if (typeof v === 'bigint') {
      builder.pushNumber(Number(v));
    } else if (typeof v === 'string') {
      builder.pushString(v, rowAt(i));
    } else if (typeof v === 'boolean') {
      builder.pushString(v ? 'true' : 'false', rowAt(i));
    } else if (v instanceof Date) {
      builder.pushDatetime(v.getTime());
    } else {
      builder.pushString(
        JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x)),
        rowAt(i),
      );
    }
  }
}
