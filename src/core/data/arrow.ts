/**
 * Arrow IPC reader (file or stream format) on `apache-arrow`, record batch by record batch from a file
 * handle, so only one batch is in memory besides the columns being built (and, when sampling, only the
 * sampled rows). Numeric vectors without nulls are copied as typed arrays; others are read value by value.
 * Timestamps and dates become datetime columns (ms).
 */
import { open, type FileHandle } from 'node:fs/promises';
import {
  DataType,
  RecordBatchReader,
  type Field,
  type RecordBatch,
  type Vector,
  type AsyncRecordBatchFileReader,
  type AsyncRecordBatchStreamReader,
} from 'apache-arrow';
import { CancelledError, UserInputError } from '../base/errors';
import { ColumnBuilder } from './columnBuilder';
import { checkColumnNames, missingColumnError } from './columns';
import type { RawTable, ReadOptions } from './csv';
import { RowReservoir } from './sample';
import type { Column } from './types';
import { ownValue } from '../../shared/dict';
import { READ_NONBLOCKING } from '../base/regularFile';

type AsyncReader = AsyncRecordBatchFileReader | AsyncRecordBatchStreamReader;

function pushValue(builder: ColumnBuilder, v: unknown, datetime: boolean, row: number): void {
  if (v === null || v === undefined) {
    builder.pushMissing();
  } else if (datetime) {
    builder.pushDatetime(v instanceof Date ? v.getTime() : Number(v));
  } else if (typeof v === 'number' || typeof v === 'bigint') {
    builder.pushNumber(Number(v));
  } else if (typeof v === 'string') {
    builder.pushString(v, row);
  } else if (typeof v === 'boolean') {
    builder.pushString(v ? 'true' : 'false', row);
  } else {
    builder.pushString(
      JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x)),
      row,
    );
  }
}

/** Appends a whole vector (no sampling); `firstRow` is the file row of its first value. */
function appendVector(builder: ColumnBuilder, vector: Vector, field: Field, firstRow: number): void {
  const datetime = DataType.isTimestamp(field.type) || DataType.isDate(field.type);
  const numeric = DataType.isInt(field.type) || DataType.isFloat(field.type);
  if (numeric && vector.nullCount === 0) {
    const values = vector.toArray() as ArrayLike<number | bigint>;
    if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
      builder.pushNumbers(Float64Array.from(values, (v) => Number(v)));
    } else {
      builder.pushNumbers(values as ArrayLike<number>);
    }
    return;
  }
  for (let i = 0; i < vector.length; i++) {
    pushValue(builder, vector.get(i), datetime, firstRow + i);
  }
}

/**
 * @throws UserInputError when the file is missing, empty, not Arrow IPC, has no rows, or lacks a
 *   requested column. CancelledError when `signal` fires (checked per batch).
 */
export async function readArrow(path: string, name: string, options: ReadOptions = {}): Promise<RawTable> {
  let handle: FileHandle;
  try {
    handle = await open(path, READ_NONBLOCKING);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new UserInputError(`${name}: file not found. Check the path.`, { file: name });
    }
    if (code === 'EISDIR') {
      throw new UserInputError(`${name}: is a folder, expected a data file.`, { file: name });
    }
    throw error;
  }
  try {
    if ((await handle.stat()).size === 0) {
      throw new UserInputError(`${name}: the file is empty; expected an Arrow IPC file.`, { file: name });
    }
    const notArrow = (error: unknown): UserInputError =>
      new UserInputError(
        `${name}: not a readable Arrow IPC file (${(error as Error).message}). Check the file or its extension.`,
        { file: name },
      );
    let reader: AsyncReader;
    try {
      reader = (await RecordBatchReader.from(handle)) as AsyncReader;
      await reader.open();
    } catch (error) {
      throw notArrow(error);
    }
    const fields = reader.schema.fields;
    const fileColumns = fields.map((f) => f.name);
    checkColumnNames(fileColumns, name);
    for (const column of options.columns ?? []) {
      if (!fileColumns.includes(column)) {
        throw missingColumnError(name, column, fileColumns);
      }
    }
    const reservoir = options.sample
      ? new RowReservoir(options.sample.maxRows, options.sample.seed)
      : undefined;
    const selected = fields
      .map((field, index) => ({ field, index }))
      .filter(({ field }) => !options.columns || options.columns.includes(field.name));
    const builders = selected.map(
      ({ field }) =>
        new ColumnBuilder(field.name, ownValue(options.types, field.name), reservoir !== undefined),
    );
    let rows = 0;
    try {
      for await (const batch of reader as AsyncIterable<RecordBatch>) {
        if (options.signal?.aborted) {
          throw new CancelledError();
        }
        const firstRow = rows;
        rows += batch.numRows;
        if (!reservoir) {
          selected.forEach(({ field, index }, k) =>
            appendVector(builders[k], batch.getChildAt(index)!, field, firstRow),
          );
          continue;
        }
        // One decision per row, shared by every column: -1 skip, else the slot (append or overwrite).
        const slots = new Int32Array(batch.numRows);
        const appends = new Uint8Array(batch.numRows);
        for (let r = 0; r < batch.numRows; r++) {
          const decision = reservoir.next();
          slots[r] = decision ? decision.slot : -1;
          appends[r] = decision?.append ? 1 : 0;
        }
        selected.forEach(({ field, index }, k) => {
          const vector = batch.getChildAt(index)!;
          const datetime = DataType.isTimestamp(field.type) || DataType.isDate(field.type);
          const builder = builders[k];
          for (let r = 0; r < batch.numRows; r++) {
            if (slots[r] < 0) {
              continue;
            }
            if (!appends[r]) {
              builder.replaceNext(slots[r]);
            }
            pushValue(builder, vector.get(r), datetime, firstRow + r);
          }
        });
      }
    } catch (error) {
      if (error instanceof UserInputError || error instanceof CancelledError) {
        throw error;
      }
      throw notArrow(error);
    }
    if (rows === 0) {
      throw new UserInputError(`${name}: the Arrow file has no rows.`, { file: name });
    }
    const order = reservoir && reservoir.seen > reservoir.capacity ? reservoir.order() : undefined;
    const columns: Column[] = builders.map((b) => b.finish(order));
    return { rows: reservoir ? reservoir.size : rows, rowsRead: rows, columns, fileColumns };
  } finally {
    await handle.close();
  }
}
