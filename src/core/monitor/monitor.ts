/**
 * Model-decay monitoring: a predictions file cut into time windows (`windows.ts`); per window the
 * evaluation of its rows exactly as `xlens eval` would evaluate a file holding only those rows
 * (`core/eval`), and the drift of the feature columns against a reference (`core/drift`'s
 * `compareTables`); checks marked on the windows where they fail (`checks.ts`).
 *
 * The whole file is prepared once first, so a bad file (a missing value, labels of different kinds, a
 * class without a probability column) is refused naming its row in the file, and the problem kind and
 * positive class are decided once for every window.
 */
import { UserInputError } from '../base/errors';
import { loadTable } from '../data/load';
import type { ColumnType, Table } from '../data/types';
import { compareTables, YAML_HINTS, type DriftHints } from '../drift/engine';
import type { DriftOptions } from '../drift/types';
import { evaluateClassification } from '../eval/classification';
import { chooseColumns, type ColumnChoice, type ColumnRequest } from '../eval/columnChoice';
import { rowLocator } from '../eval/evaluateFile';
import { evaluationMetrics } from '../eval/present';
import { evaluateRegression } from '../eval/regression';
import { prepareInput, type PrepareOptions, type PreparedInput } from '../eval/tableInput';
import type { EvaluationResult } from '../eval/types';
import { dict } from '../../shared/dict';
import { formatNumber } from '../../shared/formatting';
import { windowChecks } from './checks';
import type { ReferenceSpec } from './reference';
import { subTable, timeValues } from './tableRows';
import type { MonitorReport, MonitorWindowResult } from './types';
import { cutWindows, timeOrder, type TimeWindow, type WindowSpec } from './windows';

/** What to monitor and how. */
export interface MonitorRequest extends ColumnRequest, PrepareOptions {
  /** The predictions file (absolute, or relative to the process cwd). */
  path: string;
  /** Its name in messages and the report (default: `path`). */
  displayName?: string;
  time: string;
  window: WindowSpec;
  reference: ReferenceSpec;
  /** Name of a reference file in messages (default: its path). */
  referenceName?: string;
  /** Feature columns to test for drift (default: every column but time, labels and probabilities). */
  features?: string[];
  drift: DriftOptions;
  /** Checks as written (`monitor/f1_macro >= 0.8`), marked per window. */
  checks?: string[];
  /** A window with fewer rows (but some) is evaluated with a warning (default 20). */
  minRows?: number;
  /** How settings are named in messages (`--time` or `tasks.m.time`). */
  names?: { time: string; window: string; reference: string };
  hints?: DriftHints;
  signal?: AbortSignal;
}

/** Default of {@link MonitorRequest.minRows}. */
export const DEFAULT_MIN_ROWS = 20;

const iso = (ms: number): string => new Date(ms).toISOString();

/** The metrics of one evaluation under the `monitor/` prefix. */
function windowMetrics(
  evaluation: EvaluationResult | undefined,
  drift: number | null,
  rows: number,
): Record<string, number> {
  const out = evaluation ? evaluationMetrics(evaluation, 'monitor/') : dict<number>();
  if (drift !== null) {
    out['monitor/drift_share'] = drift;
  }
  out['monitor/rows'] = rows;
  return out;
}

/** Evaluates one window's rows as a file of those rows would be; problems become window warnings. */
async function evaluateWindow(
  table: Table,
  path: string,
  window: TimeWindow,
  columns: ColumnChoice,
  whole: PreparedInput,
  request: MonitorRequest,
  said: { warnings: string[]; notes: string[] },
): Promise<EvaluationResult | undefined> {
  const { warnings, notes } = said;
  const rows = subTable(table, window.rows);
  const locateInFile = rowLocator(path, table);
  const options: PrepareOptions = { ...request, problem: whole.problem };
  if (whole.problem === 'classification' && whole.input.positive !== undefined) {
    options.posLabel = whole.input.labels[whole.input.positive];
  }
  let prepared: PreparedInput;
  try {
    prepared = await prepareInput(rows, columns, (row) => locateInFile(window.rows[row]), options);
  } catch (error) {
    if (error instanceof UserInputError) {
      warnings.push(`not evaluated: ${error.message}`);
      return undefined;
    }
    throw error;
  }
  if (prepared.problem === 'regression') {
    const evaluation = evaluateRegression(prepared.actual, prepared.predicted);
    notes.push(...evaluation.notes.map((n) => `${n.metric}: ${n.message}`));
    return evaluation;
  }
  if (whole.problem === 'classification') {
    const present = new Set<number>();
    const actual = prepared.input.actual;
    for (let i = 0; i < actual.length; i++) {
      present.add(actual[i]);
    }
    const absent = whole.input.labels.filter((l) => !present.has(prepared.input.labels.indexOf(l)));
    if (absent.length > 0) {
      warnings.push(
        `${absent.length === 1 ? 'class' : 'classes'} ${absent.map((l) => `"${l}"`).join(', ')} absent from the true labels ` +
          `(${absent.length === 1 ? 'its' : 'their'} recall is not defined here; macro averages cover the classes present or predicted)`,
      );
    }
  }
  const evaluation = evaluateClassification(prepared.input);
  notes.push(...evaluation.notes.map((n) => `${n.metric}: ${n.message}`));
  return evaluation;
}

/** Loads the reference rows: a file (feature columns only), or rows of the predictions table. */
async function referenceTable(
  request: MonitorRequest,
  table: Table,
  times: Float64Array,
  windows: TimeWindow[],
  features: string[],
): Promise<{ table: Table; kind: 'file' | 'window' | 'range'; name: string }> {
  const spec = request.reference;
  if (spec.kind === 'file') {
    const types: Record<string, ColumnType> = dict();
    for (const f of features) {
      const column = table.columns.find((c) => c.name === f);
      if (column?.type === 'datetime') {
        types[f] = 'datetime';
      }
    }
    const name = request.referenceName ?? spec.path;
    const ref = await loadTable(spec.path, {
      displayName: name,
      types,
      maxRows: request.drift.maxRows,
      seed: request.drift.seed,
      signal: request.signal,
    });
    return { table: ref, kind: 'file', name };
  }
  if (spec.kind === 'window') {
    return {
      table: subTable(table, windows[0].rows, `${table.file} (${windows[0].label})`),
      kind: 'window',
      name: windows[0].label,
    };
  }
  const rows = timeOrder(times).filter((i) => times[i] >= spec.from && times[i] <= spec.to);
  if (rows.length === 0) {
    throw new UserInputError(
      `${request.names?.reference ?? '--reference'} ${spec.text}: no row of ${table.file} falls in this span ` +
        `(its times run from ${iso(times[timeOrder(times)[0]]).slice(0, 10)}).`,
    );
  }
  return { table: subTable(table, rows, `${table.file} (${spec.text})`), kind: 'range', name: spec.text };
}

/** Feature columns: asked for, or every column but time, labels and probabilities (in file order). */
function featureColumns(request: MonitorRequest, table: Table, columns: ColumnChoice): string[] {
  const used = new Set([
    request.time,
    columns.target,
    ...(columns.pred ? [columns.pred] : []),
    ...columns.proba.map((p) => p.column),
  ]);
  if (request.features) {
    for (const f of request.features) {
      if (!table.fileColumns.includes(f)) {
        throw new UserInputError(
          `${table.file}: no feature column "${f}". Columns: ${table.fileColumns.join(', ')}.`,
          {
            file: table.file,
          },
        );
      }
    }
    return request.features.filter((f) => !used.has(f));
  }
  return table.fileColumns.filter((c) => !used.has(c));
}

/**
 * Monitors a predictions file.
 * @throws UserInputError for a bad file, time column, window, reference or check (naming file, row and
 *   column); CancelledError on abort.
 */
export async function monitorFile(request: MonitorRequest): Promise<MonitorReport> {
  const names = request.names ?? { time: '--time', window: '--window', reference: '--reference' };
  const file = request.displayName ?? request.path;
  const types: Record<string, ColumnType> = dict();
  types[request.time] = 'datetime';
  const table = await loadTable(request.path, { displayName: file, types, signal: request.signal });
  const times = timeValues(table, request.time, names.time);
  const windows = cutWindows(times, request.window, names.window);
  const columns = chooseColumns(
    file,
    table.fileColumns.filter((c) => c !== request.time),
    request,
  );
  const whole = await prepareInput(table, columns, rowLocator(request.path, table), request);
  const said = [...whole.said];
  const warnings = [...whole.warnings];
  const missingTimes = table.columns.find((c) => c.name === request.time)!.missing;
  if (missingTimes > 0) {
    const first = times.findIndex((t) => !Number.isFinite(t));
    warnings.push(
      `${file}: ${missingTimes} row${missingTimes === 1 ? ' has' : 's have'} no time in "${request.time}" and ${missingTimes === 1 ? 'belongs' : 'belong'} to no window, ` +
        `the first at ${await rowLocator(request.path, table)(first)}.`,
    );
  }
  let features = featureColumns(request, table, columns);
  const reference = await referenceTable(request, table, times, windows, features);
  if (reference.kind === 'file') {
    const inRef = new Set(reference.table.fileColumns);
    const absent = features.filter((f) => !inRef.has(f));
    if (absent.length > 0) {
      said.push(`not in the reference ${reference.name}, so not tested for drift: ${absent.join(', ')}`);
    }
    features = features.filter((f) => inRef.has(f));
  }
  said.push(
    `drift of ${features.length > 0 ? features.join(', ') : '(no feature column)'} against ` +
      `${reference.kind === 'file' ? reference.name : `the rows of ${reference.name}`} (${formatNumber(reference.table.rows)} rows)`,
  );
  const driftOptions: DriftOptions = { ...request.drift, columns: features };
  const minRows = request.minRows ?? DEFAULT_MIN_ROWS;
  const results: MonitorWindowResult[] = [];
  for (const w of windows) {
    const notes: string[] = [];
    const evalNotes: string[] = [];
    let evaluation: EvaluationResult | undefined;
    let drift: MonitorWindowResult['drift'] = null;
    if (w.rows.length === 0) {
      notes.push('no rows: not evaluated');
    } else {
      if (w.rows.length < minRows) {
        notes.push(
          `only ${w.rows.length} row${w.rows.length === 1 ? '' : 's'} (fewer than ${minRows}): its numbers are uncertain`,
        );
      }
      evaluation = await evaluateWindow(table, request.path, w, columns, whole, request, {
        warnings: notes,
        notes: evalNotes,
      });
      if (features.length > 0) {
        const current = subTable(table, w.rows, `${file} (${w.label})`);
        const comparison = compareTables(reference.table, current, driftOptions, request.hints ?? YAML_HINTS);
        if (comparison.dataset.columns === 0) {
          notes.push(
            `no column could be tested for drift (${comparison.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')})`,
          );
        } else {
          drift = {
            tested: comparison.dataset.columns,
            drifted: comparison.dataset.drifted,
            share: comparison.dataset.share,
            columns: comparison.columns.map((c) => ({
              name: c.name,
              method: c.method,
              statistic: c.statistic,
              ...(c.pValue !== undefined ? { pValue: c.pValue } : {}),
              threshold: c.threshold,
              drifted: c.drifted,
            })),
          };
        }
      }
    }
    results.push({
      index: w.index,
      label: w.label,
      start: iso(w.start),
      end: iso(w.end),
      rows: w.rows.length,
      metrics:
        w.rows.length === 0 ? dict<number>() : windowMetrics(evaluation, drift?.share ?? null, w.rows.length),
      drift,
      failedChecks: [],
      warnings: notes,
      notes: evalNotes,
    });
  }
  const { checks, deferred } = windowChecks(request.checks ?? [], results);
  if (deferred.length > 0) {
    said.push(
      `checks against the baseline are evaluated for the whole run, not per window: ${deferred.join('; ')}`,
    );
  }
  const metricNames: string[] = [];
  for (const w of results) {
    for (const name of Object.keys(w.metrics)) {
      if (!metricNames.includes(name)) {
        metricNames.push(name);
      }
    }
  }
  return {
    schema: 1,
    createdAt: new Date().toISOString(),
    file,
    rows: table.rows,
    time: request.time,
    window: request.window.text,
    windowKind: request.window.kind,
    reference: { kind: reference.kind, name: reference.name, rows: reference.table.rows },
    problem: whole.problem,
    columns,
    driftShare: request.drift.driftShare,
    features,
    metricNames,
    windows: results,
    checks,
    said,
    warnings,
  };
}
