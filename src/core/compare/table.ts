/**
 * The experiments table as data: which columns to show, rows sorted by several keys, the columns whose
 * values differ among the shown runs, and CSV export. Used by `xlens runs --columns/--sort/--csv` and
 * by the experiments table view, so both show the same values in the same order.
 */
import { stringify } from 'csv-stringify/sync';
import { keyMetricNames } from '../runs/keyMetrics';
import type { RunRecord } from '../runs/types';
import { parseFieldName, type FieldCatalog } from './fieldNames';
import { compareSortKeys, fieldSortKeys } from '../../shared/fieldOrder';
import { splitFieldList } from './nameList';
import {
  fieldId,
  fieldValue,
  sameFieldValue,
  type Field,
  type FieldValue,
  type StepValueLookup,
} from './fields';

/** One key of a multi-column sort: the field and its direction. */
export interface SortKey {
  field: Field;
  descending: boolean;
}

/**
 * Parses `--columns`: comma-separated field names (`task,status,params.lr,val_loss:min,loss:@100`),
 * a name holding a comma quoted (`"f1,macro":max`; see `nameList.ts`), as is one ending like an
 * aggregate (`"loss:min"`, a metric logged under that name; see `parseFieldName`).
 * @throws UserInputError for an empty item or an unknown field (see `parseFieldName`).
 */
export function parseColumns(text: string, catalog: FieldCatalog, what = '--columns'): Field[] {
  return splitFieldList(text, what).map((name) => parseFieldName(name, catalog, what));
}

/**
 * Parses `--sort`: comma-separated field names, each ascending, or descending with a leading `-` or a
 * trailing ` desc` (`-val_accuracy,task` or `val_accuracy desc, task asc`), a name holding a comma
 * quoted (`-"f1,macro"` or `"f1,macro" desc`; see `nameList.ts`). Earlier keys decide first;
 * ties keep the runs' order (newest first).
 * @throws UserInputError for an empty item or an unknown field.
 */
export function parseSort(text: string, catalog: FieldCatalog, what = '--sort'): SortKey[] {
  return splitFieldList(text, what).map((item) => {
    const direction = /\s+(asc|desc)$/i.exec(item);
    const name = direction ? item.slice(0, direction.index) : item;
    const descending = direction ? direction[1].toLowerCase() === 'desc' : name.startsWith('-');
    const field = parseFieldName(!direction && descending ? name.slice(1) : name, catalog, what);
    return { field, descending };
  });
}

/**
 * Sorts runs by `keys` (a stable sort: runs equal on every key keep their order). Runs without a value
 * for a key come after those with one, in both directions.
 * @returns a new array.
 */
export function sortRuns(
  runs: readonly RunRecord[],
  keys: readonly SortKey[],
  stepValue?: StepValueLookup,
): RunRecord[] {
  if (keys.length === 0) {
    return [...runs];
  }
  // Sort keys made once per key (a text written as a number is converted once, not per comparison).
  const columns = keys.map((key) => fieldSortKeys(runs.map((run) => fieldValue(run, key.field, stepValue))));
  const order = Int32Array.from({ length: runs.length }, (_, i) => i).sort((a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const order = compareSortKeys(columns[i], a, b, keys[i].descending);
      if (order !== 0) {
        return order;
      }
    }
    return a - b;
  });
  return Array.from(order, (i) => runs[i]);
}

/** Whether `field` has more than one value among `runs` (a run without it counts as a value). */
export function differs(runs: readonly RunRecord[], field: Field, stepValue?: StepValueLookup): boolean {
  let first: FieldValue | undefined;
  for (const run of runs) {
    const value = fieldValue(run, field, stepValue);
    if (first === undefined) {
      first = value;
    } else if (!sameFieldValue(first, value)) {
      return true;
    }
  }
  return false;
}

/**
 * The columns `xlens runs --columns` shows when only some are asked for implicitly (`--filter` or
 * `--sort` without `--columns`): id, task, status, commit, duration, the params that differ among
 * `runs`, and up to `metricLimit` key metrics (see `keyMetricNames`).
 */
export function defaultColumns(runs: readonly RunRecord[], catalog: FieldCatalog, metricLimit = 3): Field[] {
  const attributes: Field[] = (['id', 'task', 'status', 'commit', 'duration'] as const).map((name) => ({
    kind: 'attribute',
    name,
  }));
  const params: Field[] = [...catalog.params]
    .sort()
    .map((name): Field => ({ kind: 'param', name }))
    .filter((field) => differs(runs, field));
  const metrics: Field[] = keyMetricNames(catalog.metrics, metricLimit).map((name) => ({
    kind: 'metric',
    name,
    aggregate: 'last',
  }));
  return [...attributes, ...params, ...metrics];
}

/** The values of `fields` for each run: one row per run, one cell per field, in order. */
export function tableRows(
  runs: readonly RunRecord[],
  fields: readonly Field[],
  stepValue?: StepValueLookup,
): FieldValue[][] {
  return runs.map((run) => fields.map((field) => fieldValue(run, field, stepValue)));
}

/**
 * The runs as CSV (RFC 4180, written by `csv-stringify`): a header of field ids (`params.lr`,
 * `val_loss:min`), then one line per run. Numbers are written in full precision (JavaScript's shortest
 * round-trip form), times as ISO 8601, durations in ms, booleans as `true`/`false`, missing values as
 * empty cells. A cell starting with `=`, `+`, `-` or `@` that is not a number is prefixed with `'`, so a
 * spreadsheet never evaluates a name from the workspace as a formula.
 */
export function runsCsv(
  runs: readonly RunRecord[],
  fields: readonly Field[],
  stepValue?: StepValueLookup,
): string {
  const header = fields.map((field) => inertCell(fieldId(field)));
  const rows = tableRows(runs, fields, stepValue).map((row) =>
    row.map((value) => (value === null ? '' : typeof value === 'string' ? inertCell(value) : String(value))),
  );
  return stringify([header, ...rows], { record_delimiter: '\n' });
}

/** Guards a text cell against spreadsheet formula evaluation (OWASP "CSV injection"). */
function inertCell(text: string): string {
  return /^[=+\-@\t\r]/.test(text) && !Number.isFinite(Number(text)) ? `'${text}` : text;
}
