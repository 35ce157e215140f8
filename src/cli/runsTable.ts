/**
 * `xlens runs --columns/--sort/--filter/--csv`: chooses, orders and prints the runs as the experiments
 * table does (same fields, same filter language: `src/core/compare`).
 */
import { textTable } from '../core/base/textTable';
import { fieldCatalog } from '../core/compare/fieldNames';
import {
  fieldId,
  fieldValue,
  type Field,
  type FieldValue,
  type StepValueLookup,
} from '../core/compare/fields';
import { filterFields, matchesFilter, parseFilter, type FilterExpression } from '../core/compare/filter';
import { loadStepValues } from '../core/compare/stepValues';
import { defaultColumns, parseColumns, parseSort, sortRuns } from '../core/compare/table';
import { ATTRIBUTES } from '../core/compare/fields';
import type { RunStore } from '../core/runs/store';
import type { RunRecord } from '../core/runs/types';
import { formatDuration, formatNumber, MISSING, shortSha } from '../shared/formatting';
import { rankMetricNames } from '../core/runs/keyMetrics';

/** The table options of `xlens runs`, as typed. */
export interface TableOptions {
  columns?: string;
  sort?: string;
  filter?: string;
}

/** Runs chosen and ordered by the table options, with the columns to show. */
export interface TableSelection {
  runs: RunRecord[];
  /** The columns asked for (`--columns`), or `undefined` when the caller picks its own. */
  columns?: Field[];
  /** The fields sorted and filtered by, to show beside the default columns. */
  used: Field[];
  stepValue?: StepValueLookup;
  /** The parsed `--filter`, to apply to the imported runs too. */
  filter?: FilterExpression;
}

/**
 * Filters and sorts `runs` (newest first on entry; ties keep that order). Field names are looked up
 * among `runs` and `alsoNamed` (the imported runs' records, which the filter also applies to).
 * @throws UserInputError for a bad `--columns`, `--sort` or `--filter` (with the column of the
 *   expression and a suggestion for a misspelt field).
 */
export async function selectRuns(
  store: RunStore,
  runs: RunRecord[],
  options: TableOptions,
  alsoNamed: readonly RunRecord[] = [],
): Promise<TableSelection> {
  const catalog = fieldCatalog([...runs, ...alsoNamed]);
  const columns = options.columns !== undefined ? parseColumns(options.columns, catalog) : undefined;
  const sort = options.sort !== undefined ? parseSort(options.sort, catalog) : [];
  const filter = options.filter !== undefined ? parseFilter(options.filter, catalog, '--filter') : undefined;
  const used = [...filterFields(filter), ...sort.map((key) => key.field)];
  const stepValue = await loadStepValues(store, runs, [...(columns ?? []), ...used]);
  const kept = filter ? runs.filter((run) => matchesFilter(run, filter, { stepValue })) : runs;
  return {
    runs: sortRuns(kept, sort, stepValue),
    ...(columns ? { columns } : {}),
    used,
    stepValue,
    ...(filter ? { filter } : {}),
  };
}

/** Every field of `runs`: the attributes, each param (sorted), each metric (key metrics first). */
export function allColumns(runs: readonly RunRecord[]): Field[] {
  const catalog = fieldCatalog(runs);
  return [
    ...ATTRIBUTES.map((name): Field => ({ kind: 'attribute', name })),
    ...[...catalog.params].sort().map((name): Field => ({ kind: 'param', name })),
    ...rankMetricNames(catalog.metrics).map((name): Field => ({ kind: 'metric', name, aggregate: 'last' })),
  ];
}

/** The columns a table shows: the asked ones, else the defaults plus the fields sorted or filtered by. */
export function shownColumns(selection: TableSelection): Field[] {
  if (selection.columns) {
    return selection.columns;
  }
  const fields = defaultColumns(selection.runs, fieldCatalog(selection.runs));
  const ids = new Set(fields.map(fieldId));
  for (const field of selection.used) {
    if (!ids.has(fieldId(field))) {
      ids.add(fieldId(field));
      fields.push(field);
    }
  }
  return fields;
}

/** A cell as the terminal table shows it. */
export function cellText(field: Field, value: FieldValue): string {
  if (value === null) {
    return MISSING;
  }
  if (field.kind === 'attribute') {
    switch (field.name) {
      case 'commit':
        return shortSha(String(value));
      case 'duration':
        return formatDuration(Number(value));
      case 'dirty':
        return value ? 'yes' : 'no';
      default:
        return String(value);
    }
  }
  return typeof value === 'number' ? formatNumber(value) : String(value);
}

/** The runs as a text table of `fields` (header: field ids in capitals for attributes). */
export function runsTableText(
  runs: readonly RunRecord[],
  fields: readonly Field[],
  stepValue?: StepValueLookup,
): string {
  const header = fields.map((field) =>
    field.kind === 'attribute' ? field.name.toUpperCase() : fieldId(field),
  );
  const rows = runs.map((run) => fields.map((field) => cellText(field, fieldValue(run, field, stepValue))));
  return textTable(header, rows);
}
