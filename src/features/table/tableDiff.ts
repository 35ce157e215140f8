/**
 * The difference between two versions of the table's data, sent as `table/delta` instead of a whole
 * snapshot when runs were added, removed or changed but the columns stayed the same (a new run of the same
 * task): with 10,000 runs × 1,000 columns a snapshot is about 127 MB of messages, a new run's row about
 * 13 kB. Pure (no `vscode`).
 */
import type { TableAddedRow, TableData, TableDelta, TableRowUpdate } from '../../protocol/table';

/**
 * The delta that brings `previous` to `next` (see `applyTableDelta`): rows matched by run id.
 * @returns `undefined` when no delta can say it: other columns (keys, kinds, aggregates or order), rows
 *   kept in another order, or a kept row whose commit or source changed.
 */
export function diffTable(previous: TableData, next: TableData): TableDelta | undefined {
  if (
    previous.columns.length !== next.columns.length ||
    JSON.stringify(previous.columns) !== JSON.stringify(next.columns)
  ) {
    return undefined;
  }
  const before = new Map(previous.runIds.map((id, row) => [id, row]));
  const after = new Map(next.runIds.map((id, row) => [id, row]));
  const removed: number[] = [];
  const keptFrom: number[] = [];
  const keptTo: number[] = [];
  for (let row = 0; row < previous.runIds.length; row++) {
    const to = after.get(previous.runIds[row]);
    if (to === undefined) {
      removed.push(row);
      continue;
    }
    if (keptTo.length > 0 && to < keptTo[keptTo.length - 1]) {
      return undefined; // reordered
    }
    const sourceBefore = previous.sources?.[row] ?? null;
    const sourceAfter = next.sources?.[to] ?? null;
    if (previous.commits[row] !== next.commits[to] || sourceBefore !== sourceAfter) {
      return undefined;
    }
    keptFrom.push(row);
    keptTo.push(to);
  }
  const added: TableAddedRow[] = [];
  for (let row = 0; row < next.runIds.length; row++) {
    if (!before.has(next.runIds[row])) {
      added.push({
        index: row,
        runId: next.runIds[row],
        commit: next.commits[row],
        source: next.sources?.[row] ?? null,
        starred: next.starred[row],
        note: next.notes[row],
        values: next.values.map((column) => column[row]),
      });
    }
  }
  // Column by column: each column's values are one array on both sides.
  const differs = new Uint8Array(keptFrom.length);
  for (let column = 0; column < next.values.length; column++) {
    const from = previous.values[column];
    const to = next.values[column];
    for (let k = 0; k < keptFrom.length; k++) {
      if (!differs[k] && !Object.is(from[keptFrom[k]], to[keptTo[k]])) {
        differs[k] = 1;
      }
    }
  }
  const changed: TableRowUpdate[] = [];
  for (let k = 0; k < keptFrom.length; k++) {
    const [from, to] = [keptFrom[k], keptTo[k]];
    if (
      differs[k] ||
      previous.starred[from] !== next.starred[to] ||
      previous.notes[from] !== next.notes[to]
    ) {
      changed.push({
        index: to,
        values: next.values.map((column) => column[to]),
        starred: next.starred[to],
        note: next.notes[to],
      });
    }
  }
  return { removed, added, changed, head: next.head };
}

/** The number of rows a delta carries (added and changed), to weigh it against a snapshot. */
export function deltaRows(delta: TableDelta): number {
  return delta.added.length + delta.changed.length;
}
