/**
 * Protocol of the experiments table (`webviews/table`): one row per run, one column per run attribute,
 * param and metric. Types plus tiny validators only, shared by the browser bundle and the extension host.
 *
 * Sequence: the view posts `webview/ready`; the host answers `table/snapshot` with every row and column
 * once (column-major values) and the saved layout. The view sorts, hides, pins, reorders and virtualizes
 * locally and posts `table/layout` so the host keeps the layout per workspace. Filtering uses the one
 * filter language of `xlens runs --filter`, evaluated on the host: the view posts `table/query` and the host
 * answers `table/filtered` (the matching rows, or the error with its column). Choosing a metric's aggregate
 * posts `table/aggregate`; the host answers `table/column` with the new values. New or changed runs bring a
 * new snapshot (at most about once a second). Rows include the runs other tools logged in the workspace
 * (TensorBoard, MLflow, DVCLive, W&B, CSV loggers), named by `sources`.
 */
import type { FieldValue } from '../shared/fieldOrder';
import {
  parseViewMessageOf,
  type MessageOf,
  type PageViewMessages,
  type PayloadValidators,
} from './messages';

/** Which value of a metric a column shows: last, min, max, best, or the value at a step. */
export type TableAggregate = 'last' | 'min' | 'max' | 'best' | { step: number };

/**
 * One column. `key` is stable across aggregates and names the column in the layout: an attribute name
 * (`task`), `params.<key>` or `metrics.<name>`.
 */
export interface TableColumn {
  key: string;
  kind: 'attribute' | 'param' | 'metric';
  /** The attribute, param or metric name, shown as the header (as text). */
  name: string;
  /** For metrics: the aggregate the values read. */
  aggregate?: TableAggregate;
  /** For metrics: whether smaller (`min`, loss-like names) or larger values are better. */
  goal?: 'min' | 'max';
}

/** Every row and column, sent once per snapshot. Rows are runs, newest first. */
export interface TableData {
  /** Increases with every snapshot; `table/column` and `table/filtered` name the one they belong to. */
  version: number;
  runIds: string[];
  /** Per row: the run's commit (full SHA), `null` outside git. */
  commits: (string | null)[];
  /**
   * Per row: the tool that logged an imported run (`TensorBoard`, `MLflow`, `W&B`, ...; such a row is
   * read from that tool's logs), `null` for the workspace's own runs. Absent when no row is imported.
   * Imported rows without a commit are grouped apart ("imported").
   */
  sources?: (string | null)[];
  /** The workspace's HEAD commit (its group comes first). */
  head: string | null;
  starred: boolean[];
  notes: string[];
  columns: TableColumn[];
  /** Column-major: `values[column][row]`. Times are ISO 8601 strings, durations ms. */
  values: FieldValue[][];
}

/** The new values of one row: `values[column]`, in the order of the data's columns. */
export interface TableRowUpdate {
  index: number;
  values: FieldValue[];
  starred: boolean;
  note: string;
}

/** A row added by a {@link TableDelta}: everything a row of {@link TableData} holds. */
export interface TableAddedRow {
  /** Its index in the new data. */
  index: number;
  runId: string;
  commit: string | null;
  source: string | null;
  starred: boolean;
  note: string;
  /** `values[column]`, in the order of the data's columns. */
  values: FieldValue[];
}

/**
 * How the rows of one version of the data became the next, the columns staying the same: the rows removed
 * (indices in the previous data, ascending), the rows added (indices in the new data, ascending) and the
 * rows whose values, star or note changed (indices in the new data). Rows neither removed nor added keep
 * their order. Applied by `applyTableDelta` (`tableDelta.ts`).
 */
export interface TableDelta {
  removed: number[];
  added: TableAddedRow[];
  changed: TableRowUpdate[];
  head: string | null;
}

/** One sort key: a column key and its direction. */
export interface TableSortKey {
  key: string;
  descending: boolean;
}

/** What the user arranged, kept per workspace. */
export interface TableLayout {
  /** Column keys in the user's order; columns not named come after, in the snapshot's order. */
  order: string[];
  hidden: string[];
  pinned: string[];
  /** Metric name → aggregate, for metric columns not showing `last`. */
  aggregates: [string, TableAggregate][];
  sort: TableSortKey[];
  /** Rows grouped by commit (HEAD first), else flat. */
  grouped: boolean;
  /** Show only columns whose values differ among the shown rows. */
  onlyDiffering: boolean;
}

/** The layout of a workspace that never arranged its table. */
export const DEFAULT_TABLE_LAYOUT: TableLayout = {
  order: [],
  hidden: [],
  pinned: [],
  aggregates: [],
  sort: [],
  grouped: true,
  onlyDiffering: false,
};

/** What selects the shown rows: an expression of the filter language, a status, a task and free text. */
export interface TableQuery {
  expression: string;
  /** A run status, or empty for all. */
  status: string;
  /** A task name, or empty for all. */
  task: string;
  text: string;
}

/** Messages from the extension host to the table. */
export interface TableHostMessages {
  'table/snapshot': { data: TableData; layout: TableLayout };
  /**
   * New values of some rows (runs whose record changed: a running run's metrics, a new status), when the
   * runs and columns are the same as in the data of version `previous`; the data becomes version `version`.
   * A view holding another version ignores it (a full snapshot follows any other change).
   */
  'table/rows': { version: number; previous: number; rows: TableRowUpdate[] };
  /**
   * Rows added, removed or changed (a new run, a deleted one) with the same columns as the data of version
   * `previous`, instead of a whole snapshot; the data becomes version `version`. A view holding another
   * version ignores it.
   */
  'table/delta': { version: number; previous: number; delta: TableDelta };
  /** New values of a metric column (after `table/aggregate`). */
  'table/column': { version: number; column: TableColumn; values: FieldValue[] };
  /** The rows matching `query` (`null`: all rows), or why the query is wrong. */
  'table/filtered': {
    version: number;
    query: TableQuery;
    rows: number[] | null;
    error?: { message: string; column: number | null };
  };
}

/** Messages from the table to the extension host. */
export interface TableViewMessages extends PageViewMessages {
  'table/query': TableQuery;
  'table/layout': TableLayout;
  'table/aggregate': { metric: string; aggregate: TableAggregate };
  'table/annotate': { runId: string; starred: boolean; note: string };
  'table/compare': { runIds: string[] };
  /** Export these rows and columns (column keys), in this order, as CSV. */
  'table/export': { runIds: string[]; columns: string[] };
  /** The first rows of a snapshot are painted, `ms` after it arrived (tests and benchmarks wait for it). */
  'table/rendered': { rows: number; columns: number; ms: number };
}

export type TableHostMessage = MessageOf<TableHostMessages>;
export type TableViewMessage = MessageOf<TableViewMessages>;

/** Most column keys or run ids one message may carry. */
export const MAX_TABLE_ITEMS = 1_000_000;
/** Longest name, expression or note accepted from the view, in characters. */
export const MAX_TABLE_TEXT = 10_000;

const isText = (value: unknown, max = MAX_TABLE_TEXT): value is string =>
  typeof value === 'string' && value.length <= max;
const isTextList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.length <= MAX_TABLE_ITEMS && value.every((item) => isText(item, 2000));
const RUN_ID = /^[\w.-]{1,100}$/;
const isRunIdList = (value: unknown): value is string[] =>
  Array.isArray(value) &&
  value.length <= MAX_TABLE_ITEMS &&
  value.every((id) => typeof id === 'string' && RUN_ID.test(id));

/** Checks an aggregate from the (untrusted) view. */
export function validateAggregate(value: unknown): TableAggregate | undefined {
  if (value === 'last' || value === 'min' || value === 'max' || value === 'best') {
    return value;
  }
  const step = (value as { step?: unknown } | null)?.step;
  return typeof value === 'object' &&
    value !== null &&
    typeof step === 'number' &&
    Number.isSafeInteger(step) &&
    step >= 0
    ? { step }
    : undefined;
}

/** Checks a layout from the (untrusted) view or the workspace state; returns it or what is wrong. */
export function validateTableLayout(p: Record<string, unknown>): TableLayout | string {
  const { order, hidden, pinned, aggregates, sort, grouped, onlyDiffering } = p;
  if (!isTextList(order) || !isTextList(hidden) || !isTextList(pinned)) {
    return 'layout.order, hidden and pinned must be lists of column keys';
  }
  if (!Array.isArray(aggregates) || aggregates.length > MAX_TABLE_ITEMS) {
    return 'layout.aggregates must be a list of [metric, aggregate]';
  }
  const checkedAggregates: [string, TableAggregate][] = [];
  for (const entry of aggregates as unknown[]) {
    const aggregate = Array.isArray(entry) ? validateAggregate(entry[1]) : undefined;
    if (!Array.isArray(entry) || !isText(entry[0], 2000) || aggregate === undefined) {
      return 'layout.aggregates must be a list of [metric, aggregate]';
    }
    checkedAggregates.push([entry[0], aggregate]);
  }
  if (
    !Array.isArray(sort) ||
    sort.length > 100 ||
    !sort.every(
      (k: unknown) =>
        typeof k === 'object' &&
        k !== null &&
        isText((k as TableSortKey).key, 2000) &&
        typeof (k as TableSortKey).descending === 'boolean',
    )
  ) {
    return 'layout.sort must be a list of {key, descending}';
  }
  if (typeof grouped !== 'boolean' || typeof onlyDiffering !== 'boolean') {
    return 'layout.grouped and onlyDiffering must be booleans';
  }
  return {
    order,
    hidden,
    pinned,
    aggregates: checkedAggregates,
    sort: (sort as TableSortKey[]).map(({ key, descending }) => ({ key, descending })),
    grouped,
    onlyDiffering,
  };
}

const tableValidators: PayloadValidators<Omit<TableViewMessages, keyof PageViewMessages>> = {
  'table/query': (p) =>
    isText(p.expression) && isText(p.status, 100) && isText(p.task, 2000) && isText(p.text)
      ? { expression: p.expression, status: p.status, task: p.task, text: p.text }
      : '"table/query" needs strings expression, status, task and text',
  'table/layout': validateTableLayout,
  'table/aggregate': (p) => {
    const aggregate = validateAggregate(p.aggregate);
    return isText(p.metric, 2000) && aggregate !== undefined
      ? { metric: p.metric, aggregate }
      : '"table/aggregate" needs a metric name and an aggregate (last, min, max, best or {step})';
  },
  'table/annotate': (p) =>
    typeof p.runId === 'string' && RUN_ID.test(p.runId) && typeof p.starred === 'boolean' && isText(p.note)
      ? { runId: p.runId, starred: p.starred, note: p.note }
      : '"table/annotate" needs a run id, starred (boolean) and note (text)',
  'table/compare': (p) =>
    isRunIdList(p.runIds) && p.runIds.length >= 2 && new Set(p.runIds).size === p.runIds.length
      ? { runIds: p.runIds }
      : '"table/compare" needs two or more run ids, each once',
  'table/export': (p) =>
    isRunIdList(p.runIds) && isTextList(p.columns) && p.columns.length > 0
      ? { runIds: p.runIds, columns: p.columns }
      : '"table/export" needs run ids and column keys',
  'table/rendered': (p) =>
    [p.rows, p.columns, p.ms].every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0)
      ? { rows: p.rows as number, columns: p.columns as number, ms: p.ms as number }
      : '"table/rendered" needs numbers rows, columns and ms >= 0',
};

/** Validates a message received from the (untrusted) view: the typed message, or what is wrong with it. */
export function parseTableViewMessage(value: unknown): TableViewMessage | string {
  return parseViewMessageOf<TableViewMessages>(value, tableValidators);
}
