/**
 * The experiments table's data, built from run records with core's table code (`core/compare`): the
 * columns (run attributes, every param, every metric with its chosen aggregate), the values column by
 * column, the rows a query selects (the filter language of `xlens runs --filter`) and the CSV of the shown
 * rows and columns. Pure (no `vscode`): unit tests build tables directly.
 */
import { UserInputError } from '../../core/base/errors';
import { fieldCatalog, type FieldCatalog } from '../../core/compare/fieldNames';
import { fieldValue, type Field, type StepValueLookup } from '../../core/compare/fields';
import { filterFields, matchesFilter, parseFilter, type FilterExpression } from '../../core/compare/filter';
import { runsCsv } from '../../core/compare/table';
import { metricGoal } from '../../core/runs/summaries';
import type { RunRecord } from '../../core/runs/types';
import type { RunAnnotations } from '../../core/runs/annotations';
import type { FieldValue } from '../../shared/fieldOrder';
import type {
  TableAggregate,
  TableColumn,
  TableData,
  TableQuery,
  TableRowUpdate,
} from '../../protocol/table';

/** The run attributes the table shows, first, in this order. */
export const TABLE_ATTRIBUTES = [
  'id',
  'task',
  'source',
  'status',
  'started',
  'duration',
  'commit',
  'dirty',
] as const;

/**
 * The columns of `runs`: the attributes (`source` only when `imported`: some run was logged by another
 * tool), then every param (flattened keys, sorted), then every metric (sorted) reading the aggregate
 * `aggregates` names for it (default `last`).
 */
export function tableColumns(
  catalog: FieldCatalog,
  aggregates: ReadonlyMap<string, TableAggregate>,
  imported = false,
): TableColumn[] {
  const attributes = TABLE_ATTRIBUTES.filter((name) => imported || name !== 'source').map(
    (name): TableColumn => ({ key: name, kind: 'attribute', name }),
  );
  const params = [...catalog.params]
    .sort()
    .map((name): TableColumn => ({ key: `params.${name}`, kind: 'param', name }));
  const metrics = [...catalog.metrics]
    .sort()
    .map((name): TableColumn => metricColumn(name, aggregates.get(name) ?? 'last'));
  return [...attributes, ...params, ...metrics];
}

/** The column of metric `name` reading `aggregate`. */
export function metricColumn(name: string, aggregate: TableAggregate): TableColumn {
  return { key: `metrics.${name}`, kind: 'metric', name, aggregate, goal: metricGoal(name) };
}

/** The core field a column reads. */
export function columnField(column: TableColumn): Field {
  switch (column.kind) {
    case 'attribute':
      return { kind: 'attribute', name: column.name as (typeof TABLE_ATTRIBUTES)[number] };
    case 'param':
      return { kind: 'param', name: column.name };
    case 'metric':
      return { kind: 'metric', name: column.name, aggregate: column.aggregate ?? 'last' };
  }
}

/** The values of `column` for each of `runs`, in order. */
export function columnValues(
  runs: readonly RunRecord[],
  column: TableColumn,
  stepValue?: StepValueLookup,
): FieldValue[] {
  const field = columnField(column);
  return runs.map((run) => fieldValue(run, field, stepValue));
}

/** What {@link buildTableData} needs beside the runs. */
export interface TableDataOptions {
  version: number;
  head: string | null;
  aggregates: ReadonlyMap<string, TableAggregate>;
  /** Values at steps, for metric columns reading `{ step }`. */
  stepValue?: StepValueLookup;
  /** Run id → its annotations (runs without any are absent). */
  annotations: ReadonlyMap<string, RunAnnotations>;
}

/**
 * Every row and column of the table, for `runs` (own runs newest first, then imported runs: records of
 * `core/runs/importedRecord.ts`, whose tool the `source` column and `sources` name).
 */
export function buildTableData(runs: readonly RunRecord[], options: TableDataOptions): TableData {
  const imported = runs.some((run) => run.imported !== undefined);
  const columns = tableColumns(fieldCatalog(runs), options.aggregates, imported);
  return {
    version: options.version,
    runIds: runs.map((run) => run.id),
    commits: runs.map((run) => run.git.commit),
    ...(imported ? { sources: runs.map((run) => run.imported?.label ?? null) } : {}),
    head: options.head,
    starred: runs.map((run) => options.annotations.get(run.id)?.starred === true),
    notes: runs.map((run) => options.annotations.get(run.id)?.note ?? ''),
    columns,
    values: columns.map((column) => columnValues(runs, column, options.stepValue)),
  };
}

/** The rows a query selects, or its error with the 1-based column in the expression (when known). */
export type TableFilterResult =
  { rows: number[] | null } | { error: { message: string; column: number | null } };

const WHAT = 'filter';

/**
 * The indices of the runs matching `query`: the filter expression (the language of `xlens runs
 * --filter`), the status and task (exact), and the free text (ids, tasks, statuses, commits, branches,
 * param values and the run's note), all of them together. `rows: null` when the query is empty.
 */
export function filterRows(
  runs: readonly RunRecord[],
  query: TableQuery,
  annotations: ReadonlyMap<string, RunAnnotations>,
  catalog: FieldCatalog = fieldCatalog(runs),
  stepValue?: StepValueLookup,
): TableFilterResult {
  let expression: FilterExpression | undefined;
  try {
    expression = parseFilter(query.expression, catalog, WHAT);
  } catch (error) {
    if (!(error instanceof UserInputError)) {
      throw error;
    }
    const column = /column (\d+)/.exec(error.message);
    return { error: { message: error.message, column: column ? Number(column[1]) : null } };
  }
  const parts: FilterExpression[] = expression ? [expression] : [];
  const attribute = (name: 'status' | 'task', value: string): FilterExpression => ({
    kind: 'compare',
    field: { kind: 'attribute', name },
    operator: '==',
    value,
    quoted: true,
  });
  if (query.status !== '') {
    parts.push(attribute('status', query.status));
  }
  if (query.task !== '') {
    parts.push(attribute('task', query.task));
  }
  if (query.text.trim() !== '') {
    parts.push({ kind: 'text', text: query.text.trim() });
  }
  if (parts.length === 0) {
    return { rows: null };
  }
  const combined = parts.reduce((left, right) => ({ kind: 'and', left, right }));
  const context = { stepValue, text: (run: RunRecord) => annotations.get(run.id)?.note ?? '' };
  const rows: number[] = [];
  runs.forEach((run, index) => {
    if (matchesFilter(run, combined, context)) {
      rows.push(index);
    }
  });
  return { rows };
}

/**
 * The CSV of the shown table (core's `runsCsv`: full precision, ISO times, formula-safe text): the runs
 * `runIds` in that order, the columns `keys` in that order.
 * @throws UserInputError when a run or a column key is not in the table (it changed since the view drew it).
 */
export function tableCsv(
  byId: ReadonlyMap<string, RunRecord>,
  columns: readonly TableColumn[],
  runIds: readonly string[],
  keys: readonly string[],
  stepValue?: StepValueLookup,
): string {
  const columnsByKey = new Map(columns.map((column) => [column.key, column]));
  const fields = keys.map((key) => {
    const column = columnsByKey.get(key);
    if (!column) {
      throw new UserInputError(`export: the column "${key}" is no longer in the table; export again.`);
    }
    return columnField(column);
  });
  const runs = runIds.map((id) => {
    const run = byId.get(id);
    if (!run) {
      throw new UserInputError(`export: the run ${id} is no longer in the table; export again.`);
    }
    return run;
  });
  return runsCsv(runs, fields, stepValue);
}

/** The params and metrics of a table, from its columns (without reading every run again). */
export function tableCatalog(data: TableData): FieldCatalog {
  const params = new Set<string>();
  const metrics = new Set<string>();
  for (const column of data.columns) {
    if (column.kind === 'param') {
      params.add(column.name);
    } else if (column.kind === 'metric') {
      metrics.add(column.name);
    }
  }
  return { params, metrics };
}

/** The `name:@N` fields a query's expression reads (none when it does not parse: its error is shown). */
export function queryStepFields(query: TableQuery, catalog: FieldCatalog): Field[] {
  try {
    return filterFields(parseFilter(query.expression, catalog, WHAT)).filter(
      (field) => field.kind === 'metric' && typeof field.aggregate === 'object',
    );
  } catch {
    return [];
  }
}

/** The fields of metric columns reading a step, whose values `loadStepValues` must read first. */
export function stepFields(columns: readonly TableColumn[]): Field[] {
  return columns
    .filter((column) => column.kind === 'metric' && typeof column.aggregate === 'object')
    .map(columnField);
}

/** A table's data with the run records it was built from (the same order). */
export interface BuiltTable {
  data: TableData;
  runs: readonly RunRecord[];
}

/**
 * Brings `previous` up to `runs` in place when only rows changed (the same runs in the same order, the same
 * HEAD and aggregates, no param or metric the columns lack): the values of the rows whose run record is
 * another object (the runs model replaces the record of a changed run) or whose star or note changed are
 * read again, nothing else. Keeps a live table with thousands of runs cheap while a few runs are running.
 * @returns the indices of the changed rows, or `undefined` when the table must be built anew.
 */
export function patchTable(
  previous: BuiltTable,
  runs: readonly RunRecord[],
  options: TableDataOptions,
): number[] | undefined {
  const data = previous.data;
  if (
    data.head !== options.head ||
    runs.length !== previous.runs.length ||
    runs.some((run, i) => run.id !== previous.runs[i].id) ||
    data.columns.some(
      (column) =>
        column.kind === 'metric' &&
        JSON.stringify(column.aggregate) !== JSON.stringify(options.aggregates.get(column.name) ?? 'last'),
    )
  ) {
    return undefined;
  }
  const keys = new Set(data.columns.map((column) => column.key));
  const changed: number[] = [];
  for (let i = 0; i < runs.length; i++) {
    const run = runs[i];
    const annotations = options.annotations.get(run.id);
    if (
      run === previous.runs[i] &&
      data.starred[i] === (annotations?.starred === true) &&
      data.notes[i] === (annotations?.note ?? '')
    ) {
      continue;
    }
    const names = [
      ...Object.keys(run.params).map((name) => `params.${name}`),
      ...Object.keys(run.metrics).map((name) => `metrics.${name}`),
    ];
    if (!names.every((key) => keys.has(key))) {
      return undefined;
    }
    changed.push(i);
  }
  const fields = data.columns.map(columnField);
  for (const i of changed) {
    fields.forEach((field, c) => {
      data.values[c][i] = fieldValue(runs[i], field, options.stepValue);
    });
    data.starred[i] = options.annotations.get(runs[i].id)?.starred === true;
    data.notes[i] = options.annotations.get(runs[i].id)?.note ?? '';
  }
  data.version = options.version;
  return changed;
}

/** The update message's rows: the values of rows `indices` of `data`. */
export function rowUpdates(data: TableData, indices: readonly number[]): TableRowUpdate[] {
  return indices.map((index) => ({
    index,
    values: data.values.map((column) => column[index]),
    starred: data.starred[index],
    note: data.notes[index],
  }));
}
