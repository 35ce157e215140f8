/**
 * Arrow IPC reader (file or stream format) on `apache-arrow`. Numeric vectors without nulls are copied
 * as typed arrays; others are read value by value. Timestamps and dates become datetime columns (ms).
 */
import { readFile } from 'node:fs/promises';
import { DataType, tableFromIPC, type Table as ArrowTable } from 'apache-arrow';
import { UserInputError } from '../base/errors';
import { ColumnBuilder } from './columnBuilder';
import { checkColumnNames, missingColumnError } from './columns';
import type { RawTable, ReadOptions } from './csv';
import { reservoirIndices } from './sample';
import type { Column } from './types';

/**
 * @throws UserInputError when the file is missing, empty, not Arrow IPC, has no rows, or lacks a
 *   requested column.
 */
export async function readArrow(path: string, name: string, options: ReadOptions = {}): Promise<RawTable> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path, { signal: options.signal });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UserInputError(`${name}: file not found. Check the path.`, name);
    }
    throw error;
  }
  if (bytes.length === 0) {
    throw new UserInputError(`${name}: the file is empty; expected an Arrow IPC file.`, name);
  }
  let table: ArrowTable;
  try {
    table = tableFromIPC(bytes);
  } catch (error) {
    throw new UserInputError(
      `${name}: not a readable Arrow IPC file (${(error as Error).message}). Check the file or its extension.`,
      name,
    );
  }
  const fileColumns = table.schema.fields.map((f) => f.name);
  checkColumnNames(fileColumns, name);
  for (const column of options.columns ?? []) {
    if (!fileColumns.includes(column)) {
      throw missingColumnError(name, column, fileColumns);
    }
  }
  if (table.numRows === 0) {
    throw new UserInputError(`${name}: the Arrow file has no rows.`, name);
  }
  const indices =
    options.sample && table.numRows > options.sample.maxRows
      ? reservoirIndices(table.numRows, options.sample.maxRows, options.sample.seed)
      : undefined;
  const rowCount = indices ? indices.length : table.numRows;
  const rowAt = (i: number): number => (indices ? indices[i] : i);
  const columns: Column[] = [];
  for (const field of table.schema.fields) {
    if (options.columns && !options.columns.includes(field.name)) {
      continue;
    }
    const vector = table.getChild(field.name)!;
    const builder = new ColumnBuilder(field.name, options.types?.[field.name]);
    const datetime = DataType.isTimestamp(field.type) || DataType.isDate(field.type);
    const numeric = DataType.isInt(field.type) || DataType.isFloat(field.type);
    if (numeric && vector.nullCount === 0) {
      const values = vector.toArray() as ArrayLike<number | bigint>;
      if (indices || values instanceof BigInt64Array || values instanceof BigUint64Array) {
        builder.pushNumbers(Float64Array.from({ length: rowCount }, (_, i) => Number(values[rowAt(i)])));
      } else {
        builder.pushNumbers(values as ArrayLike<number>);
      }
    } else {
      for (let i = 0; i < rowCount; i++) {
        const v: unknown = vector.get(rowAt(i));
        if (v === null || v === undefined) {
          builder.pushMissing();
        } else if (datetime) {
          builder.pushDatetime(v instanceof Date ? v.getTime() : Number(v));
        } else if (typeof v === 'number' || typeof v === 'bigint') {
          builder.pushNumber(Number(v));
        } else if (typeof v === 'string') {
          builder.pushString(v);
        } else if (typeof v === 'boolean') {
          builder.pushString(v ? 'true' : 'false');
        } else {
          builder.pushString(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x)));
        }
      }
    }
    columns.push(builder.finish());
  }
  return { rows: rowCount, rowsRead: table.numRows, columns, fileColumns };
}
