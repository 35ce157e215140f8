/**
 * The drift engine: loads the reference and current files, tests every shared column and builds the
 * `DriftReport`. Pure computation on loaded tables is in `compareTables`; `runDrift` adds loading.
 */
import { loadTable } from '../data/load';
import type { Column, ColumnType, Table } from '../data/types';
import { categoricalColumnDrift, numericColumnDrift } from './columnDrift';
import type {
  ColumnDrift,
  DatasetDrift,
  DriftInput,
  DriftOptions,
  DriftReport,
  SkippedColumn,
} from './types';

export interface DriftComparison {
  columns: ColumnDrift[];
  skipped: SkippedColumn[];
  dataset: DatasetDrift;
}

function isSkipped(x: ColumnDrift | SkippedColumn): x is SkippedColumn {
  return !('method' in x);
}

/**
 * Tests the columns of two loaded tables.
 * Columns: `options.columns`, else every column of the reference that the current table also has.
 * Datetime columns are tested (as numbers) only when a column rule names a method or sets the type;
 * text columns are not tested.
 * @throws UserInputError when a rule asks a numeric-only method of a categorical column.
 */
export function compareTables(reference: Table, current: Table, options: DriftOptions): DriftComparison {
  const byName = (table: Table): Map<string, Column> => new Map(table.columns.map((c) => [c.name, c]));
  const refColumns = byName(reference);
  const curColumns = byName(current);
  const names = options.columns ?? reference.columns.map((c) => c.name);
  const columns: ColumnDrift[] = [];
  const skipped: SkippedColumn[] = [];
  for (const name of names) {
    const ref = refColumns.get(name);
    const cur = curColumns.get(name);
    if (!ref || !cur) {
      const type = (ref ?? cur)?.type ?? 'categorical';
      skipped.push({ name, type, reason: `only in the ${ref ? 'reference' : 'current'} file` });
      continue;
    }
    const outcome = columnDrift(ref, cur, options);
    if (isSkipped(outcome)) {
      skipped.push(outcome);
    } else {
      columns.push(outcome);
    }
  }
  for (const cur of current.columns) {
    if (!options.columns && !refColumns.has(cur.name)) {
      skipped.push({ name: cur.name, type: cur.type, reason: 'only in the current file' });
    }
  }
  const drifted = columns.filter((c) => c.drifted).length;
  const share = columns.length > 0 ? drifted / columns.length : 0;
  return {
    columns,
    skipped,
    dataset: {
      columns: columns.length,
      drifted,
      share,
      threshold: options.driftShare,
      driftDetected: columns.length > 0 && share >= options.driftShare,
    },
  };
}

function columnDrift(ref: Column, cur: Column, options: DriftOptions): ColumnDrift | SkippedColumn {
  const rule = options.perColumn[ref.name];
  if (ref.type === 'text' || cur.type === 'text') {
    return {
      name: ref.name,
      type: 'text',
      reason:
        "text or identifier values (mostly distinct) are not tested; set the column's type to categorical to compare them",
    };
  }
  const size = (c: Column): number => (c.storage === 'numeric' ? c.values.length : c.codes.length);
  for (const [column, side] of [
    [ref, 'reference'],
    [cur, 'current'],
  ] as const) {
    if (column.missing === size(column)) {
      return { name: ref.name, type: ref.type, reason: `all values are missing in the ${side} data` };
    }
  }
  if (ref.storage !== cur.storage) {
    return {
      name: ref.name,
      type: ref.type,
      reason:
        `${ref.type} in the reference but ${cur.type} in the current file (a value that is not a number?); ` +
        `set the column's type to compare it`,
    };
  }
  if (ref.storage === 'numeric' && cur.storage === 'numeric') {
    const datetime = ref.type === 'datetime' || cur.type === 'datetime';
    if (datetime && !rule?.method && rule?.type !== 'numerical') {
      return {
        name: ref.name,
        type: 'datetime',
        reason: 'datetime columns are not tested by default; give the column a method to test it as numbers',
      };
    }
    return numericColumnDrift(ref, cur, options);
  }
  return categoricalColumnDrift(
    ref as Extract<Column, { storage: 'dictionary' }>,
    cur as Extract<Column, { storage: 'dictionary' }>,
    options,
  );
}

function describeInput(table: Table): DriftInput {
  return {
    file: table.file,
    format: table.format,
    rows: table.rows,
    columns: table.fileColumns.length,
    sampling: { ...table.sampling },
  };
}

/** What to compare. Paths are read as given (absolute, or relative to the process cwd). */
export interface DriftRequest {
  reference: string;
  current: string;
  /** Names shown in the report and messages (default: the paths). */
  referenceName?: string;
  currentName?: string;
  options: DriftOptions;
  signal?: AbortSignal;
}

/**
 * Loads both files and computes the report.
 * @throws UserInputError for unreadable files, missing columns or invalid rules; CancelledError on abort.
 */
export async function runDrift(request: DriftRequest): Promise<DriftReport> {
  const started = performance.now();
  const { options } = request;
  const types: Record<string, ColumnType> = {};
  for (const [name, rule] of Object.entries(options.perColumn)) {
    if (rule.type) {
      types[name] = rule.type;
    }
  }
  const load = (path: string, displayName: string | undefined): Promise<Table> =>
    loadTable(path, {
      columns: options.columns,
      types,
      maxRows: options.maxRows,
      seed: options.seed,
      displayName,
      signal: request.signal,
    });
  const reference = await load(request.reference, request.referenceName);
  const current = await load(request.current, request.currentName);
  const comparison = compareTables(reference, current, options);
  return {
    schema: 1,
    createdAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - started),
    inputs: { reference: describeInput(reference), current: describeInput(current) },
    dataset: comparison.dataset,
    columns: comparison.columns,
    skipped: comparison.skipped,
    options,
  };
}
