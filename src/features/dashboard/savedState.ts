/**
 * Reading back the state a dashboard view saved with `setState` before a window reload. That state
 * comes from the webview, so it is checked like any inbound message before it names a file to tail:
 * the format must be one with a file reader, and the path must lie inside the workspace.
 * No `vscode` import.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import type { MetricSourceKind } from '../../core/metrics/series';
import type { ParamValue } from '../../core/runs/types';
import type { DashboardImportedSource } from '../../protocol/dashboard';
import type { ImportedRunState } from '../../core/runs/importedFollower';
import { dict } from '../../shared/dict';

/** The state a dashboard view saves with `setState`, read back by the serializer after a reload. */
export interface DashboardSavedState {
  runId: string;
}

/**
 * Formats of imported runs a dashboard can follow: every source kind with a file reader
 * (`src/core/metrics/readerFactory.ts`; `stdout` is read from a process). The record makes a new
 * source kind a compile error here until it is decided.
 */
export const FOLLOWABLE_FORMATS: Readonly<Record<Exclude<MetricSourceKind, 'stdout'>, true>> = {
  jsonl: true,
  tensorboard: true,
  mlflow: true,
  dvclive: true,
  'keras-csv': true,
  'lightning-csv': true,
  wandb: true,
};

/** True when `path` (absolute) is `root` or lies below it, compared by path text (symlinks are not followed). */
export function isInsideRoot(root: string, path: string): boolean {
  if (!isAbsolute(path)) {
    return false;
  }
  const rel = relative(resolve(root), resolve(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** What a restored view's state says it showed. */
export type SavedDashboard =
  | { kind: 'run'; runId: string }
  | { kind: 'imported'; run: ImportedRunState }
  /** The state is unusable; `reason` says why (logged, the panel is closed). */
  | { kind: 'invalid'; reason: string };

/**
 * Reads a restored view's state: a run of the store (its id), or an imported run (its source, checked).
 * @param root absolute workspace root; an imported run's source must lie inside it.
 */
export function readSavedDashboard(raw: unknown, root: string): SavedDashboard {
  const state = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const runId = state.runId;
  if (typeof runId !== 'string') {
    return { kind: 'invalid', reason: 'the saved state names no run' };
  }
  const snapshot = asRecord(state.snapshot);
  const header = asRecord(snapshot?.header);
  const imported = header?.imported;
  if (imported === undefined || imported === null) {
    return /^[\w.-]{1,100}$/.test(runId) && runId !== '.' && runId !== '..'
      ? { kind: 'run', runId }
      : { kind: 'invalid', reason: `"${runId}" is not a run id` };
  }
  const source = asRecord(imported);
  const format = source?.format;
  const path = source?.path;
  if (typeof format !== 'string' || !Object.hasOwn(FOLLOWABLE_FORMATS, format)) {
    return { kind: 'invalid', reason: `${JSON.stringify(format)} is not a format of imported runs` };
  }
  if (typeof path !== 'string' || !isInsideRoot(root, path)) {
    return { kind: 'invalid', reason: `${JSON.stringify(path)} is not a path inside the workspace ${root}` };
  }
  const { relativePath, sourceRunId, experiment } = source!;
  if (
    typeof relativePath !== 'string' ||
    typeof sourceRunId !== 'string' ||
    (experiment !== null && typeof experiment !== 'string')
  ) {
    return { kind: 'invalid', reason: 'the saved source lacks its relative path or run id' };
  }
  if (!runId.startsWith(`${format}:${path}#`)) {
    return { kind: 'invalid', reason: `the run key ${runId} does not belong to ${path}` };
  }
  const params: Record<string, ParamValue> = dict();
  const rows = Array.isArray(snapshot?.params) ? (snapshot.params as unknown[]) : [];
  for (const row of rows) {
    const p = asRecord(row);
    if (typeof p?.name === 'string' && isParamValue(p.value)) {
      params[p.name] = p.value;
    }
  }
  const checked: DashboardImportedSource = {
    format,
    path,
    relativePath,
    sourceRunId,
    experiment,
  };
  return {
    kind: 'imported',
    run: {
      key: runId,
      name: savedName(header?.task, experiment, sourceRunId),
      source: checked,
      params,
    },
  };
}

/** The run's name from the saved header title, which reads `<experiment> / <name>` where there is one. */
function savedName(task: unknown, experiment: string | null, fallback: string): string {
  if (typeof task !== 'string' || task === '') {
    return fallback;
  }
  const prefix = experiment !== null ? `${experiment} / ` : '';
  return prefix !== '' && task.startsWith(prefix) ? task.slice(prefix.length) : task;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function isParamValue(value: unknown): value is ParamValue {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}
