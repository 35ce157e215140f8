/**
 * The drift engine: loads the reference and current files, tests every shared column and builds the
 * `DriftReport`. Pure computation on loaded tables is in `compareTables`; `runDrift` adds loading.
 */
import { formatNumber } from '../../shared/formatting';
import { UserInputError } from '../base/errors';
import { parseNumberCell } from '../data/cells';
import { loadTable } from '../data/load';
import type {
  Column,
  ColumnType,
  DictionaryColumn,
  NumericColumn,
  Table,
  UnparsableValue,
} from '../data/types';
import { categoricalColumnDrift, numericColumnDrift } from './columnDrift';
import type {
  ColumnDrift,
  DatasetDrift,
  DriftInput,
  DriftOptions,
  DriftReport,
  SkippedColumn,
} from './types';
import { dict, ownValue } from '../../shared/dict';

export interface DriftComparison {
  columns: ColumnDrift[];
  skipped: SkippedColumn[];
  dataset: DatasetDrift;
}

/** How messages tell the user to set things; the CLI and `xlens.yaml` spell overrides differently. */
export interface DriftHints {
  /** How to set column `column`'s type to `type`, e.g. `--type date=numerical`. */
  typeOverride(column: string, type: ColumnType): string;
}

/** Hints in `xlens.yaml` terms (a `kind: drift` task's `options:`). */
export const YAML_HINTS: DriftHints = {
  typeOverride: (column, type) => `per_column: { ${column}: { type: ${type} } }`,
};

/** Hints in `xlens drift` flags. */
export const CLI_HINTS: DriftHints = {
  typeOverride: (column, type) => `--type ${column}=${type}`,
};

function isTested(x: ColumnDrift | SkippedColumn): x is ColumnDrift {
  return 'method' in x;
}

/** Where a value is: `line 42` (text formats) or `row 42` (1-based data row), or nothing when unknown. */
function place(example: UnparsableValue): string {
  if (example.line !== undefined) {
    return `line ${example.line}`;
  }
  return example.row >= 0 ? `row ${example.row + 1}` : '';
}

function quote(value: string): string {
  const text = value.length > 40 ? `${value.slice(0, 39)}…` : value;
  return JSON.stringify(text);
}

/** `line 42: "18,5", line 7: "abc", …` — the first unparsable values of a column. */
export function describeExamples(column: Column): string {
  const examples = column.unparsableExamples ?? [];
  const listed = examples.map((e) => (place(e) ? `${place(e)}: ${quote(e.value)}` : quote(e.value)));
  return `${listed.join(', ')}${column.unparsable > examples.length ? ', …' : ''}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}

function size(c: Column): number {
  return c.storage === 'numeric' ? c.values.length : c.codes.length;
}

/** What a value of this column failed to be. */
function expected(column: Column): string {
  return column.type === 'datetime' ? 'an ISO 8601 date' : 'a number';
}

/**
 * Sentences about how a column was read: values that are not of its type (counted as missing, named
 * per file with their lines) and ISO dates read as numbers under an override.
 */
function readingNotes(sides: readonly (readonly [Column, Table])[]): string[] {
  const notes: string[] = [];
  for (const [column, table] of sides) {
    if (column.unparsable > 0) {
      const verb = column.unparsable === 1 ? 'is' : 'are';
      notes.push(
        `${table.file}: ${plural(column.unparsable, 'value')} ${verb} not ${expected(column)} and counted as missing (${describeExamples(column)}).`,
      );
    }
  }
  const dated = sides.filter(([c]) => c.storage === 'numeric' && (c.datesAsNumbers ?? 0) > 0);
  if (dated.length > 0) {
    const where = dated.length === sides.length ? 'both files' : dated[0][1].file;
    notes.push(`ISO 8601 dates in ${where} read as numbers (Unix milliseconds, UTC).`);
  }
  return notes;
}

/**
 * The error for a column whose every value failed the type the user set.
 */
function overrideError(column: Column, type: ColumnType, table: Table, hints: DriftHints): UserInputError {
  const first = column.unparsableExamples?.[0];
  const what =
    type === 'datetime' ? 'an ISO 8601 date (YYYY-MM-DD[THH:MM:SS])' : 'a number or an ISO 8601 date';
  return new UserInputError(
    `${table.file}${first?.line !== undefined ? `:${first.line}` : ''}: column "${column.name}" is set to type ${type} ` +
      `(${hints.typeOverride(column.name, type)}), but none of its ${plural(column.unparsable, 'value')} is ${what} ` +
      `(${describeExamples(column)}). Remove the override, or set the type to categorical ` +
      `(${hints.typeOverride(column.name, 'categorical')}).`,
    { file: table.file, line: first?.line },
  );
}

/** Distinct values of a dictionary column that are not numbers, and the rows holding them. */
function nonNumbers(column: DictionaryColumn): { values: string[]; rows: number } {
  const bad = column.dictionary.map((v) => Number.isNaN(parseNumberCell(v)));
  let rows = 0;
  for (let i = 0; i < column.codes.length; i++) {
    const c = column.codes[i];
    if (c >= 0 && bad[c]) {
      rows++;
    }
  }
  return { values: column.dictionary.filter((_, i) => bad[i]), rows };
}

/**
 * Tests the columns of two loaded tables.
 * Columns: `options.columns`, else every column of the reference that the current table also has.
 * Datetime columns are tested (as numbers) only when a column rule names a method or sets the type;
 * text columns are not tested. Values that could not be read as their column's type are named (file,
 * line, value) in the column's `note`.
 * @param hints how messages spell a type override (default: `xlens.yaml` terms).
 * @param release when true the tables give up their columns (`table.columns` is emptied) and each
 *   column is dropped once tested, so a comparison of very wide files holds the data or the report
 *   at its largest, never both whole (`runDrift`, which loads the tables for this call only).
 * @throws UserInputError when a rule asks a numeric-only method of a categorical column, or when a
 *   column set to `numerical` or `datetime` has no value of that type in a file.
 */
export function compareTables(
  reference: Table,
  current: Table,
  options: DriftOptions,
  hints: DriftHints = YAML_HINTS,
  release = false,
): DriftComparison {
  const byName = (table: Table): Map<string, Column> => new Map(table.columns.map((c) => [c.name, c]));
  const refColumns = byName(reference);
  const curColumns = byName(current);
  // A column named twice is tested once.
  const names = new Set(options.columns ?? reference.columns.map((c) => c.name));
  if (release) {
    reference.columns = [];
    current.columns = [];
  }
  const columns: ColumnDrift[] = [];
  const skipped: SkippedColumn[] = [];
  for (const name of names) {
    const ref = refColumns.get(name);
    const cur = curColumns.get(name);
    if (!ref || !cur) {
      const type = (ref ?? cur)?.type ?? 'categorical';
      skipped.push({
        name,
        type,
        reason: `only in the ${ref ? 'reference' : 'current'} file (${ref ? reference.file : current.file})`,
      });
      continue;
    }
    // Columns handled are dropped from the maps: what stays of the current one is only in that file.
    refColumns.delete(name);
    curColumns.delete(name);
    const outcome = columnDrift(ref, cur, { reference, current }, options, hints);
    if (!isTested(outcome)) {
      skipped.push(outcome);
    } else {
      const notes = readingNotes([
        [ref, reference],
        [cur, current],
      ]);
      if (notes.length > 0) {
        outcome.note = [...notes, ...(outcome.note ? [outcome.note] : [])].join(' ');
      }
      columns.push(outcome);
    }
  }
  for (const cur of curColumns.values()) {
    if (!options.columns) {
      skipped.push({ name: cur.name, type: cur.type, reason: `only in the current file (${current.file})` });
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

function columnDrift(
  ref: Column,
  cur: Column,
  tables: { reference: Table; current: Table },
  options: DriftOptions,
  hints: DriftHints,
): ColumnDrift | SkippedColumn {
  const rule = ownValue(options.perColumn, ref.name);
  const sides = [
    [ref, tables.reference],
    [cur, tables.current],
  ] as const;
  if (rule?.type === 'numerical' || rule?.type === 'datetime') {
    for (const [column, table] of sides) {
      if (column.unparsable > 0 && column.missing === size(column)) {
        throw overrideError(column, rule.type, table, hints);
      }
    }
  }
  if (ref.type === 'text' || cur.type === 'text') {
    return {
      name: ref.name,
      type: 'text',
      reason:
        'text or identifier values (mostly distinct) are not tested; set its type to categorical to compare them ' +
        `(${hints.typeOverride(ref.name, 'categorical')})`,
    };
  }
  for (const [column, table] of sides) {
    if (column.missing === size(column)) {
      return {
        name: ref.name,
        type: ref.type,
        reason: `all ${plural(size(column), 'value')} are missing in ${table.file}`,
      };
    }
  }
  if (ref.storage !== cur.storage) {
    const [numeric, strings, table]: [Column, DictionaryColumn, Table] =
      ref.storage === 'numeric'
        ? [ref, cur as DictionaryColumn, tables.current]
        : [cur, ref, tables.reference];
    const other = strings === ref ? tables.current : tables.reference;
    const bad = nonNumbers(strings);
    const examples = bad.values.slice(0, 3).map(quote).join(', ');
    return {
      name: ref.name,
      type: ref.type,
      reason:
        `${numeric.type} in ${other.file}, but ${plural(bad.rows, 'value')} of ${formatNumber(size(strings))} in ` +
        `${table.file} ${bad.rows === 1 ? 'is' : 'are'} not ${numeric.type === 'datetime' ? 'dates' : 'numbers'} ` +
        `(${examples}${bad.values.length > 3 ? ', …' : ''}); fix them, or set the type to ${numeric.type} ` +
        `(${hints.typeOverride(ref.name, numeric.type)}) to count them as missing and list their lines, ` +
        `or to categorical (${hints.typeOverride(ref.name, 'categorical')}) to compare the values as categories`,
    };
  }
  if (ref.storage === 'numeric' && cur.storage === 'numeric') {
    const datetime = ref.type === 'datetime' || cur.type === 'datetime';
    if (datetime && !rule?.method && rule?.type !== 'numerical') {
      return {
        name: ref.name,
        type: 'datetime',
        reason:
          'datetime columns are not tested by default; give the column a method (e.g. wasserstein) ' +
          `or set its type to numerical (${hints.typeOverride(ref.name, 'numerical')}) to test it as numbers`,
      };
    }
    const outcome = numericColumnDrift(ref, cur, options);
    const instants = (c: NumericColumn): boolean => c.type === 'datetime' || (c.datesAsNumbers ?? 0) > 0;
    if (isTested(outcome) && instants(ref) && instants(cur)) {
      outcome.valueUnit = 'unix-ms';
    }
    return outcome;
  }
  return categoricalColumnDrift(ref as DictionaryColumn, cur as DictionaryColumn, options);
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
  /** How messages spell overrides (default: `xlens.yaml` terms). */
  hints?: DriftHints;
  signal?: AbortSignal;
}

/**
 * Loads both files and computes the report.
 * @throws UserInputError for unreadable files, missing columns or invalid rules; CancelledError on abort.
 */
export async function runDrift(request: DriftRequest): Promise<DriftReport> {
  const started = performance.now();
  const { options } = request;
  const types = dict<ColumnType>();
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
  const comparison = compareTables(reference, current, options, request.hints, true);
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
