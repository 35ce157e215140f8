/**
 * Applying a {@link TableDelta} to the table's data: the view does it on `table/delta`, and the host's
 * tests check that the delta it computes brings the previous data to the new one. Pure (no DOM, no node).
 */
import type { TableData, TableDelta } from './table';

/**
 * The data `delta` makes of `previous` (a new object; `previous` is left as it was), with version `version`.
 * @throws Error when the delta does not fit the data (an index out of range, a row of another width).
 */
export function applyTableDelta(previous: TableData, delta: TableDelta, version: number): TableData {
  const width = previous.columns.length;
  const removed = new Set(delta.removed);
  const kept: number[] = [];
  for (let row = 0; row < previous.runIds.length; row++) {
    if (!removed.has(row)) {
      kept.push(row);
    }
  }
  const rows = kept.length + delta.added.length;
  const data: TableData = {
    version,
    runIds: new Array<string>(rows),
    commits: new Array<string | null>(rows),
    ...(previous.sources || delta.added.some((row) => row.source !== null)
      ? { sources: new Array<string | null>(rows) }
      : {}),
    head: delta.head,
    starred: new Array<boolean>(rows),
    notes: new Array<string>(rows),
    columns: previous.columns,
    values: previous.columns.map(() => new Array<TableData['values'][number][number]>(rows)),
  };
  let next = 0; // the next previous row kept
  let added = 0; // the next added row
  for (let row = 0; row < rows; row++) {
    const add = delta.added[added];
    if (add !== undefined && add.index === row) {
      if (add.values.length !== width) {
        throw new Error(`delta: added row ${row} has ${add.values.length} values for ${width} columns`);
      }
      data.runIds[row] = add.runId;
      data.commits[row] = add.commit;
      if (data.sources) {
        data.sources[row] = add.source;
      }
      data.starred[row] = add.starred;
      data.notes[row] = add.note;
      add.values.forEach((value, column) => (data.values[column][row] = value));
      added += 1;
      continue;
    }
    const from = kept[next++];
    if (from === undefined) {
      throw new Error(`delta: row ${row} is neither kept nor added`);
    }
    data.runIds[row] = previous.runIds[from];
    data.commits[row] = previous.commits[from];
    if (data.sources) {
      data.sources[row] = previous.sources?.[from] ?? null;
    }
    data.starred[row] = previous.starred[from];
    data.notes[row] = previous.notes[from];
    for (let column = 0; column < width; column++) {
      data.values[column][row] = previous.values[column][from];
    }
  }
  if (added !== delta.added.length || next !== kept.length) {
    throw new Error('delta: added rows out of range');
  }
  for (const update of delta.changed) {
    if (update.index < 0 || update.index >= rows || update.values.length !== width) {
      throw new Error(`delta: changed row ${update.index} does not fit the data`);
    }
    update.values.forEach((value, column) => (data.values[column][update.index] = value));
    data.starred[update.index] = update.starred;
    data.notes[update.index] = update.note;
  }
  return data;
}
