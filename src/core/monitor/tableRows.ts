/**
 * Row subsets of a loaded table and the time column of a monitor, read as instants.
 */
import { UserInputError } from '../base/errors';
import { didYouMean } from '../config/suggest';
import type { Column, Table } from '../data/types';

/**
 * The table restricted to `rows` (indices into `table`, in the order given), as if a file held only
 * those rows: missing counts recomputed; dictionaries kept whole (unused categories count 0, and the
 * evaluation and drift engines work from counts). Unparsable values were reported for the whole file,
 * so a subset carries none.
 */
export function subTable(table: Table, rows: Int32Array, file = table.file): Table {
  const columns = table.columns.map((c): Column => {
    if (c.storage === 'numeric') {
      const values = Float64Array.from(rows, (i) => c.values[i]);
      let missing = 0;
      for (const v of values) {
        missing += Number.isFinite(v) ? 0 : 1;
      }
      return { ...c, values, missing, unparsable: 0, unparsableExamples: undefined };
    }
    const codes = Int32Array.from(rows, (i) => c.codes[i]);
    let missing = 0;
    for (const code of codes) {
      missing += code < 0 ? 1 : 0;
    }
    return { ...c, codes, missing, unparsable: 0, unparsableExamples: undefined };
  });
  return {
    file,
    format: table.format,
    rows: rows.length,
    columns,
    fileColumns: table.fileColumns,
    sampling: { ...table.sampling, rowsBefore: rows.length, rowsAfter: rows.length },
  };
}

/**
 * The time column as Unix ms (NaN for a missing time). The loader read it with the type `datetime`
 * (ISO 8601 dates and date-times), so values that are not dates were counted as unparsable with their
 * rows and lines.
 * @param where how to name the setting (`--time`, `tasks.m.time`).
 * @throws UserInputError when the column is missing (with a "did you mean"), or a value is not a date
 *   (naming the file, row, line, column and value), or every time is missing.
 */
export function timeValues(table: Table, time: string, where = '--time'): Float64Array {
  const column = table.columns.find((c) => c.name === time);
  if (!column) {
    throw new UserInputError(
      `${table.file}: no column "${time}" (${where}).${didYouMean(time, table.fileColumns)} ` +
        `Columns: ${table.fileColumns.join(', ')}.`,
      { file: table.file },
    );
  }
  if (column.storage !== 'numeric') {
    throw new UserInputError(
      `${table.file}: column "${time}" (${where}) holds text, not dates (e.g. "${column.dictionary[0] ?? ''}"). ` +
        'Give a column of ISO 8601 dates (2015-03-01 or 2015-03-01T12:00:00Z).',
      { file: table.file },
    );
  }
  if (column.unparsable > 0) {
    const first = column.unparsableExamples?.[0];
    const row =
      first && first.row >= 0 ? `row ${first.row + 1}${first.line ? ` (line ${first.line})` : ''}` : 'a row';
    throw new UserInputError(
      `${table.file}${first?.line ? `:${first.line}` : ''}: ${row}, column "${time}": ` +
        `${JSON.stringify(first?.value ?? '')} is not an ISO 8601 date (${column.unparsable} such value` +
        `${column.unparsable === 1 ? '' : 's'}). Write dates as 2015-03-01 or 2015-03-01T12:00:00Z, or choose another column with ${where}.`,
      { file: table.file, line: first?.line },
    );
  }
  if (column.missing === column.values.length) {
    throw new UserInputError(
      `${table.file}: column "${time}" (${where}) has no value; nothing to cut into windows.`,
      {
        file: table.file,
      },
    );
  }
  return column.values;
}
