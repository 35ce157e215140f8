/**
 * The table's local model: which rows show in which order (the host's filter result, the multi-column
 * sort, commit groups with HEAD first and collapsed groups), which columns show in which order (the
 * user's order, hidden and pinned columns, "only columns that differ"), and how a cell reads as text. No
 * DOM: the grid draws what this says.
 */
import { compareSortKeys, fieldSortKeys, sameFieldValue, type FieldValue } from '../../src/shared/fieldOrder';
import { formatDuration, formatNumber, shortSha } from '../../src/shared/formatting';
import type { TableColumn, TableData, TableLayout } from '../../src/protocol/table';
import { metricFieldName, paramFieldName } from '../../src/shared/fieldNaming';

/** A line of the grid: a commit group's header or a run's row (an index into the data's rows). */
export type DisplayItem =
  | { kind: 'group'; sha: string | null; count: number; collapsed: boolean; head: boolean }
  | { kind: 'run'; row: number };

/** The group key of imported runs that record no commit (never a SHA, which is hex). */
export const IMPORTED_GROUP = 'imported';

/** The header text of a group: the short commit, `imported` or `no commit`, HEAD marked, and its size. */
export function groupTitle(group: Extract<DisplayItem, { kind: 'group' }>): string {
  const name = group.sha === IMPORTED_GROUP ? 'imported' : group.sha ? shortSha(group.sha) : 'no commit';
  return `${group.collapsed ? '▸' : '▾'} ${name}${group.head ? ' (HEAD)' : ''} · ${group.count} run${group.count === 1 ? '' : 's'}`;
}

/** A column as the grid lays it out: its index in the data and its width in px. */
export interface ShownColumn {
  index: number;
  column: TableColumn;
  width: number;
  pinned: boolean;
}

const WIDTHS: Record<string, number> = {
  id: 200,
  task: 120,
  source: 100,
  status: 90,
  started: 140,
  duration: 80,
  commit: 76,
  dirty: 56,
};

/** The width of a column in px. */
export function columnWidth(column: TableColumn): number {
  return WIDTHS[column.kind === 'attribute' ? column.name : ''] ?? (column.kind === 'metric' ? 120 : 110);
}

/**
 * A column's name as the filter language reads it: `params.<name>` for a param, `metrics.<name>` for a
 * metric whose bare name reads as another field (`duration` is the run's duration), else the name; in
 * quotes when bare it would read as another name (`"loss:min"`, a metric logged so: shared/fieldNaming.ts).
 */
export function columnName(column: TableColumn): string {
  if (column.kind === 'param') {
    return paramFieldName(column.name);
  }
  return column.kind === 'metric' ? metricFieldName(column.name) : column.name;
}

/**
 * The header text of a column: the name (a metric named like a run attribute as `metrics.<name>`), and a
 * metric's aggregate other than `last`.
 */
export function columnLabel(column: TableColumn): string {
  const aggregate = column.aggregate;
  const name = column.kind === 'param' ? column.name : columnName(column);
  if (column.kind !== 'metric' || aggregate === undefined || aggregate === 'last') {
    return name;
  }
  return `${name} (${typeof aggregate === 'object' ? `@${aggregate.step}` : aggregate})`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** A cell as text: numbers shortened, times local, durations and commits as people read them. */
export function cellText(column: TableColumn, value: FieldValue): string {
  if (value === null) {
    return '';
  }
  if (column.kind === 'attribute') {
    switch (column.name) {
      case 'started': {
        const date = new Date(String(value));
        return Number.isNaN(date.getTime())
          ? String(value)
          : `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
      }
      case 'duration':
        return typeof value === 'number' ? formatDuration(value) : String(value);
      case 'commit':
        return typeof value === 'string' ? shortSha(value) : String(value);
      case 'dirty':
        return value === true ? 'dirty' : '';
    }
  }
  return typeof value === 'number' ? formatNumber(value) : String(value);
}

/**
 * How rows compare on one column: through its `fieldSortKeys`, made once per sort (the order of
 * `compareFieldValues`, without converting texts written as numbers on every comparison), or, for a
 * column of numbers (the usual metric or param), through a `Float64Array` copy with missing values as
 * NaN, which sorts faster still and in the same order (missing last in both directions).
 */
function sortKey(
  values: readonly FieldValue[] | undefined,
  descending: boolean,
): { compare: (a: number, b: number) => number } | undefined {
  if (values === undefined) {
    return undefined;
  }
  if (!values.every((v) => v === null || typeof v === 'number')) {
    const keys = fieldSortKeys(values);
    return { compare: (a, b) => compareSortKeys(keys, a, b, descending) };
  }
  const numbers = Float64Array.from(values, (v) => (v === null ? NaN : v));
  const sign = descending ? -1 : 1;
  return {
    compare: (a, b) => {
      const x = numbers[a];
      const y = numbers[b];
      if (x === y) {
        return 0;
      }
      const xMissing = x !== x;
      const yMissing = y !== y;
      if (xMissing || yMissing) {
        return xMissing && yMissing ? 0 : xMissing ? 1 : -1;
      }
      return x < y ? -sign : sign;
    },
  };
}

/** The local state of the table and the derived rows and columns, recomputed when an input changes. */
export class TableModel {
  /** Rows the host's filter let through (`null`: all). */
  filtered: number[] | null = null;
  readonly collapsed = new Set<string>();
  private orderCache: Int32Array | undefined;
  private differingCache: Set<number> | undefined;
  private keyIndex = new Map<string, number>();

  constructor(
    public data: TableData,
    public layout: TableLayout,
  ) {
    this.setData(data);
  }

  setData(data: TableData): void {
    this.data = data;
    this.keyIndex = new Map(data.columns.map((column, i) => [column.key, i]));
    this.invalidate();
  }

  /** Forgets derived rows and columns (after a change of data, filter or layout). */
  invalidate(): void {
    this.orderCache = undefined;
    this.differingCache = undefined;
  }

  columnIndex(key: string): number | undefined {
    return this.keyIndex.get(key);
  }

  /** The rows that pass the filter, sorted by the layout's keys (a stable sort; newest first on ties). */
  sortedRows(): Int32Array {
    if (this.orderCache) {
      return this.orderCache;
    }
    const rows = this.filtered
      ? Int32Array.from(this.filtered)
      : Int32Array.from({ length: this.data.runIds.length }, (_, i) => i);
    const keys = this.layout.sort
      .map((key) => sortKey(this.data.values[this.keyIndex.get(key.key) ?? -1], key.descending))
      .filter((key) => key !== undefined);
    if (keys.length > 0) {
      rows.sort((a, b) => {
        for (const key of keys) {
          const order = key.compare(a, b);
          if (order !== 0) {
            return order;
          }
        }
        return a - b;
      });
    }
    this.orderCache = rows;
    return rows;
  }

  /** The lines of the grid: sorted rows, under commit group headers (HEAD first) when grouped. */
  displayItems(): DisplayItem[] {
    const rows = this.sortedRows();
    if (!this.layout.grouped) {
      return Array.from(rows, (row): DisplayItem => ({ kind: 'run', row }));
    }
    // Groups in the order of their newest run (rows are newest first), HEAD first, then commits, then
    // imported runs without a commit, no commit last.
    const { commits, head, sources } = this.data;
    const groupOf = (row: number): string | null =>
      commits[row] ?? (sources?.[row] != null ? IMPORTED_GROUP : null);
    const groups = new Map<string | null, number[]>();
    for (let row = 0; row < commits.length; row++) {
      const sha = groupOf(row);
      if (!groups.has(sha)) {
        groups.set(sha, []);
      }
    }
    for (const row of rows) {
      groups.get(groupOf(row))!.push(row);
    }
    const rank = (sha: string | null): number =>
      sha === null ? 3 : sha === IMPORTED_GROUP ? 2 : sha === head ? 0 : 1;
    const items: DisplayItem[] = [];
    for (const sha of [...groups.keys()].sort((a, b) => rank(a) - rank(b))) {
      const members = groups.get(sha)!;
      if (members.length === 0) {
        continue;
      }
      const collapsed = this.collapsed.has(String(sha));
      items.push({
        kind: 'group',
        sha,
        count: members.length,
        collapsed,
        head: sha !== null && sha === head,
      });
      if (!collapsed) {
        for (const row of members) {
          items.push({ kind: 'run', row });
        }
      }
    }
    return items;
  }

  /** Indices of the columns whose values differ among the shown rows (a missing value counts as one). */
  private differing(): Set<number> {
    if (this.differingCache) {
      return this.differingCache;
    }
    const rows = this.sortedRows();
    const result = new Set<number>();
    this.data.values.forEach((values, index) => {
      if (rows.length === 0) {
        return;
      }
      const first = values[rows[0]];
      for (let i = 1; i < rows.length; i++) {
        if (!sameFieldValue(first, values[rows[i]])) {
          result.add(index);
          return;
        }
      }
    });
    this.differingCache = result;
    return result;
  }

  /** The columns shown, pinned ones first, each group in the user's order, then the data's order. */
  shownColumns(): ShownColumn[] {
    const hidden = new Set(this.layout.hidden);
    const pinned = new Set(this.layout.pinned);
    const order = this.orderedIndices();
    const differing = this.layout.onlyDiffering ? this.differing() : undefined;
    const shown = order.filter((index) => {
      const column = this.data.columns[index];
      // The id stays: a row without it would be anonymous.
      return (
        !hidden.has(column.key) && (differing === undefined || column.key === 'id' || differing.has(index))
      );
    });
    const make = (index: number): ShownColumn => {
      const column = this.data.columns[index];
      return { index, column, width: columnWidth(column), pinned: pinned.has(column.key) };
    };
    return [
      ...shown.filter((i) => pinned.has(this.data.columns[i].key)).map(make),
      ...shown.filter((i) => !pinned.has(this.data.columns[i].key)).map(make),
    ];
  }

  /** Every column index in the user's order (named keys first, then the rest in the data's order). */
  orderedIndices(): number[] {
    const seen = new Set<number>();
    const result: number[] = [];
    for (const key of this.layout.order) {
      const index = this.keyIndex.get(key);
      if (index !== undefined && !seen.has(index)) {
        seen.add(index);
        result.push(index);
      }
    }
    for (let i = 0; i < this.data.columns.length; i++) {
      if (!seen.has(i)) {
        result.push(i);
      }
    }
    return result;
  }

  /**
   * Moves the column `key` to the place of `before` (a header dropped on another: before it when it is to
   * the left, after it when to the right), or past `offset` columns (negative: to the left), in the
   * user's order. A shown column steps past the columns shown beside it in its part (pinned or not),
   * so every step moves it on screen: the hidden ones between are passed over, and at its part's edge it
   * stays. A hidden column steps past any.
   */
  moveColumn(key: string, target: { before: string } | { offset: number }): void {
    const keys = this.orderedIndices().map((i) => this.data.columns[i].key);
    const from = keys.indexOf(key);
    const past = 'offset' in target ? this.shownNeighbour(key, target.offset) : undefined;
    if (from < 0 || past === key) {
      return;
    }
    keys.splice(from, 1);
    let to: number;
    if ('before' in target) {
      // Dropped on a column to its right: it takes that column's place, as a drag to the right shows.
      to = keys.indexOf(target.before);
      to = to < 0 ? keys.length : to >= from ? to + 1 : to;
    } else {
      to =
        past !== undefined
          ? keys.indexOf(past) + (target.offset > 0 ? 1 : 0)
          : Math.max(0, from + target.offset);
    }
    keys.splice(Math.min(to, keys.length), 0, key);
    this.layout = { ...this.layout, order: keys };
  }

  /**
   * The shown column `offset` places from shown column `key` within its part (pinned or not), at most to
   * the part's edge (`key` itself when it is there); `undefined` when `key` is not shown.
   */
  private shownNeighbour(key: string, offset: number): string | undefined {
    const shown = this.shownColumns();
    const self = shown.find((c) => c.column.key === key);
    if (self === undefined) {
      return undefined;
    }
    const part = shown.filter((c) => c.pinned === self.pinned).map((c) => c.column.key);
    return part[Math.max(0, Math.min(part.length - 1, part.indexOf(key) + offset))];
  }

  /** Sorts by `key`: alone, or (with `add`) as one more key; again on a key reverses it, then drops it. */
  toggleSort(key: string, add: boolean): void {
    const existing = this.layout.sort.find((k) => k.key === key);
    let sort = add ? this.layout.sort.filter((k) => k.key !== key) : [];
    if (!existing) {
      sort = [...sort, { key, descending: this.defaultDescending(key) }];
    } else if (existing.descending === this.defaultDescending(key)) {
      const flipped = { key, descending: !existing.descending };
      sort = add ? this.layout.sort.map((k) => (k.key === key ? flipped : k)) : [flipped];
    }
    this.layout = { ...this.layout, sort };
    this.invalidate();
  }

  /** Metrics sort best first (ascending for loss-like names, as core's `best`), others ascending. */
  private defaultDescending(key: string): boolean {
    const column = this.data.columns[this.keyIndex.get(key) ?? -1];
    if (column?.kind !== 'metric') {
      return column?.name === 'started';
    }
    return column.goal !== 'min';
  }
}
