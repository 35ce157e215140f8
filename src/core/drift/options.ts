/**
 * Drift options from `xlens.yaml` (a `kind: drift` task's `columns:` and `options:`) and from
 * `xlens drift` flags, validated into `DriftOptions`.
 *
 * ```yaml
 * weather-drift:
 *   kind: drift
 *   reference: data/weather-2012.csv
 *   current: data/weather-2015.csv
 *   columns: [temp_max, temp_min, weather]   # default: every shared column
 *   options:
 *     method: psi            # every column (default: Evidently's table, see rules.ts)
 *     threshold: 0.2         # every column (default: 0.05 for p-values, 0.1 for distances)
 *     drift_share: 0.5       # dataset drift when drifted/tested ≥ this
 *     small_sample_rows: 1000
 *     max_rows: 200000       # sample each file to at most this many rows (seeded)
 *     seed: 42
 *     per_column:
 *       temp_max: { method: ks, threshold: 0.01 }
 *       date: { type: numerical, method: wasserstein }
 * ```
 */
import { UserInputError } from '../base/errors';
import { splitNameList } from '../compare/nameList';
import { COLUMN_TYPES, type ColumnType } from '../data/types';
import { defaultDriftOptions, SCORE_KINDS } from './rules';
import { DRIFT_METHODS, type ColumnRule, type DriftMethod, type DriftOptions } from './types';
import { asDict, ownValue } from '../../shared/dict';

const OPTION_KEYS = [
  'method',
  'threshold',
  'drift_share',
  'small_sample_rows',
  'max_rows',
  'seed',
  'per_column',
];
const RULE_KEYS = ['method', 'threshold', 'type'];

function fail(where: string, message: string, file?: string): never {
  throw new UserInputError(`${where}: ${message}`, { file });
}

/** A drift method name. @throws UserInputError naming `where` and listing the methods. */
export function parseMethod(value: unknown, where: string, file?: string): DriftMethod {
  if (typeof value !== 'string' || !DRIFT_METHODS.includes(value as DriftMethod)) {
    fail(where, `unknown method ${JSON.stringify(value)}; use one of ${DRIFT_METHODS.join(', ')}.`, file);
  }
  return value as DriftMethod;
}

/** A column type. @throws UserInputError naming `where`. */
export function parseColumnType(value: unknown, where: string, file?: string): ColumnType {
  if (typeof value !== 'string' || !COLUMN_TYPES.includes(value as ColumnType)) {
    fail(where, `unknown type ${JSON.stringify(value)}; use one of ${COLUMN_TYPES.join(', ')}.`, file);
  }
  return value as ColumnType;
}

function parseNumber(value: unknown, where: string, min: number, max: number, file?: string): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max) {
    fail(where, `expected a number from ${min} to ${max}, got ${JSON.stringify(value)}.`, file);
  }
  return n;
}

function parseInteger(value: unknown, where: string, min: number, file?: string): number {
  const n = parseNumber(value, where, min, Number.MAX_SAFE_INTEGER, file);
  if (!Number.isInteger(n)) {
    fail(where, `expected a whole number, got ${JSON.stringify(value)}.`, file);
  }
  return n;
}

/** A threshold: p-value levels and distances are both positive; PSI and normed distances may exceed 1. */
export function parseThreshold(value: unknown, where: string, file?: string): number {
  const n = parseNumber(value, where, 0, 1e6, file);
  if (n === 0) {
    fail(where, 'a threshold of 0 would call every column drifted (or none); use a positive number.', file);
  }
  return n;
}

/** A threshold that cannot mean what it says for the test it applies to. */
export interface ThresholdProblem {
  /** The column of a per-column threshold; absent for the threshold of every column. */
  column?: string;
  /** The threshold itself. */
  threshold: number;
  /** What is wrong and the fix. */
  message: string;
}

/**
 * Why `threshold` does not fit `method` (undefined: the default tests), or undefined when it fits. A
 * p-value test drifts when p < threshold, so its level must be below 1. The default tests use p-values
 * for small references and distances otherwise, so a threshold of 1 or more without a method is a
 * p-value level that means nothing for the small ones (and for Jensen–Shannon, at most 1, a distance
 * that never drifts).
 */
function thresholdMismatch(
  threshold: number,
  method: DriftMethod | undefined,
  column?: string,
): string | undefined {
  if (threshold < 1) {
    return undefined;
  }
  if (method !== undefined && SCORE_KINDS[method] === 'distance') {
    return undefined;
  }
  const on = column !== undefined ? ` (column "${column}")` : '';
  if (method !== undefined) {
    return (
      `a p-value level must be between 0 and 1: ${method}${on} is a p-value test, drift when p < threshold. ` +
      'Use e.g. 0.05, or a distance method (wasserstein, jensenshannon, psi) for a distance threshold.'
    );
  }
  return (
    `a p-value level must be between 0 and 1${on}: the default tests use p-values (KS, chi-squared, Z: ` +
    'drift when p < threshold) for a reference of up to 1000 rows, and distances (Wasserstein, ' +
    'Jensen–Shannon: drift when distance >= threshold) above. Use a level such as 0.05, or name a ' +
    'distance method with a distance threshold (e.g. method wasserstein, threshold 1.5).'
  );
}

/**
 * Thresholds that do not fit the tests they apply to (see {@link thresholdMismatch}): the threshold of
 * every column against the method of every column and each per-column method, and each per-column
 * threshold against its column's method.
 */
export function thresholdProblems(options: DriftOptions): ThresholdProblem[] {
  const problems: ThresholdProblem[] = [];
  const add = (threshold: number | undefined, method: DriftMethod | undefined, column?: string): void => {
    const message = threshold !== undefined ? thresholdMismatch(threshold, method, column) : undefined;
    if (threshold !== undefined && message !== undefined) {
      problems.push({ ...(column !== undefined ? { column } : {}), threshold, message });
    }
  };
  add(options.threshold, options.method);
  let globalReported = problems.length > 0;
  for (const [column, rule] of Object.entries(options.perColumn)) {
    const method = rule.method ?? options.method;
    if (rule.threshold !== undefined) {
      add(rule.threshold, method, column);
    } else if (rule.method !== undefined && options.threshold !== undefined && !globalReported) {
      // The threshold of every column, applied to this column's own method.
      const message = thresholdMismatch(options.threshold, rule.method, column);
      if (message !== undefined) {
        problems.push({ threshold: options.threshold, message });
        globalReported = true;
      }
    }
  }
  return problems;
}

function checkKeys(raw: Record<string, unknown>, allowed: string[], where: string, file?: string): void {
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) {
      fail(`${where}.${key}`, `unknown option; allowed: ${allowed.join(', ')}.`, file);
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates a drift task's `options:` (and `columns:`) into `DriftOptions`.
 * @param where field path for messages, e.g. `tasks.weather-drift.options`; `file` the config file.
 * @param checkThresholds false to leave {@link thresholdProblems} to the caller (the config loader
 *   reports them at their YAML position).
 * @throws UserInputError naming the field and the fix.
 */
export function parseDriftOptions(
  raw: Record<string, unknown> | undefined,
  columns: string[] | undefined,
  where = 'options',
  file?: string,
  checkThresholds = true,
): DriftOptions {
  const options = defaultDriftOptions();
  if (columns && columns.length > 0) {
    options.columns = [...columns];
  }
  if (raw === undefined || raw === null) {
    return options;
  }
  if (!isRecord(raw)) {
    fail(where, 'expected a map of drift options.', file);
  }
  checkKeys(raw, OPTION_KEYS, where, file);
  if (raw.method !== undefined) {
    options.method = parseMethod(raw.method, `${where}.method`, file);
  }
  if (raw.threshold !== undefined) {
    options.threshold = parseThreshold(raw.threshold, `${where}.threshold`, file);
  }
  if (raw.drift_share !== undefined) {
    options.driftShare = parseNumber(raw.drift_share, `${where}.drift_share`, 0, 1, file);
  }
  if (raw.small_sample_rows !== undefined) {
    options.smallSampleRows = parseInteger(raw.small_sample_rows, `${where}.small_sample_rows`, 0, file);
  }
  if (raw.max_rows !== undefined && raw.max_rows !== null) {
    options.maxRows = parseInteger(raw.max_rows, `${where}.max_rows`, 1, file);
  }
  if (raw.seed !== undefined) {
    options.seed = parseInteger(raw.seed, `${where}.seed`, 0, file);
  }
  if (raw.per_column !== undefined) {
    if (!isRecord(raw.per_column)) {
      fail(`${where}.per_column`, 'expected a map from column name to { method, threshold, type }.', file);
    }
    for (const [column, value] of Object.entries(raw.per_column)) {
      const at = `${where}.per_column.${column}`;
      if (!isRecord(value)) {
        fail(at, 'expected a map like { method: ks, threshold: 0.01 }.', file);
      }
      checkKeys(value, RULE_KEYS, at, file);
      const rule: ColumnRule = {};
      if (value.method !== undefined) {
        rule.method = parseMethod(value.method, `${at}.method`, file);
      }
      if (value.threshold !== undefined) {
        rule.threshold = parseThreshold(value.threshold, `${at}.threshold`, file);
      }
      if (value.type !== undefined) {
        rule.type = parseColumnType(value.type, `${at}.type`, file);
      }
      options.perColumn[column] = rule;
    }
  }
  const [problem] = checkThresholds ? thresholdProblems(options) : [];
  if (problem !== undefined) {
    const at =
      problem.column !== undefined ? `${where}.per_column.${problem.column}.threshold` : `${where}.threshold`;
    fail(`${at} ${problem.threshold}`, problem.message, file);
  }
  return options;
}

/** `xlens drift` flags that change the options; repeatable ones are lists. */
export interface DriftFlags {
  /** Column names separated by commas, a name holding a comma quoted: `a,"income, usd"` (`splitNameList`). */
  columns?: string;
  /** `psi` (every column) or `col=psi`. */
  method?: string[];
  /** `0.2` (every column) or `col=0.2`. */
  threshold?: string[];
  /** `col=categorical`. */
  type?: string[];
  driftShare?: string;
  maxRows?: string;
  seed?: string;
}

function splitAssignment(text: string): [string | undefined, string] {
  const at = text.lastIndexOf('=');
  return at > 0 ? [text.slice(0, at), text.slice(at + 1)] : [undefined, text];
}

/**
 * Applies CLI flags on top of options (flags win).
 * @throws UserInputError naming the flag and the fix.
 */
export function applyDriftFlags(base: DriftOptions, flags: DriftFlags): DriftOptions {
  const options: DriftOptions = { ...base, perColumn: asDict({ ...base.perColumn }) };
  const rule = (column: string): ColumnRule =>
    (options.perColumn[column] = { ...ownValue(options.perColumn, column) });
  if (flags.columns !== undefined) {
    // Names from data may hold commas: quoted as in `xlens runs --columns` (`"income, usd"`).
    options.columns = splitNameList(flags.columns, '--columns');
  }
  for (const text of flags.method ?? []) {
    const [column, value] = splitAssignment(text);
    if (column === undefined) {
      options.method = parseMethod(value, '--method');
    } else {
      rule(column).method = parseMethod(value, `--method ${column}=`);
    }
  }
  /** How each threshold was written, for messages: `--threshold 5`, `--threshold col=5`. */
  const written = new Map<string | undefined, string>();
  for (const text of flags.threshold ?? []) {
    const [column, value] = splitAssignment(text);
    if (column === undefined) {
      options.threshold = parseThreshold(value, '--threshold');
    } else {
      rule(column).threshold = parseThreshold(value, `--threshold ${column}=`);
    }
    written.set(column, `--threshold ${text}`);
  }
  for (const text of flags.type ?? []) {
    const [column, value] = splitAssignment(text);
    if (column === undefined) {
      fail('--type', `expected column=type, e.g. --type zip=categorical, got "${text}".`);
    }
    rule(column).type = parseColumnType(value, `--type ${column}=`);
  }
  if (flags.driftShare !== undefined) {
    options.driftShare = parseNumber(flags.driftShare, '--drift-share', 0, 1);
  }
  if (flags.maxRows !== undefined) {
    options.maxRows = parseInteger(flags.maxRows, '--max-rows', 1);
  }
  if (flags.seed !== undefined) {
    options.seed = parseInteger(flags.seed, '--seed', 0);
  }
  const [problem] = thresholdProblems(options);
  if (problem !== undefined) {
    fail(written.get(problem.column) ?? `threshold ${problem.threshold}`, problem.message);
  }
  return options;
}
