/** The fields of a `kind: monitor` task from schema-valid YAML data (see `schemas/xlens.schema.json`). */
import { parseReference } from '../monitor/reference';
import { parseWindow } from '../monitor/windows';
import { evalTaskFields } from './evalTaskFields';
import type { MonitorTask } from './types';

/**
 * `data`, `time`, `window`, `reference`, `features`, `min_rows`, `options` (drift options, as a
 * `kind: drift` task's) and the prediction columns of `kind: eval` (`target`, `pred`, `proba`,
 * `pos_label`, `problem`, `drop_missing`).
 */
export function monitorTaskFields(
  raw: Record<string, unknown>,
): Omit<MonitorTask, keyof MonitorBaseKeys | 'kind'> {
  const { calibration: _calibration, ...columns } = evalTaskFields(raw);
  return {
    ...columns,
    time: String(raw.time),
    window: String(raw.window),
    ...(typeof raw.reference === 'string' ? { reference: raw.reference } : {}),
    ...(raw.features ? { features: (raw.features as unknown[]).map(String) } : {}),
    ...(typeof raw.min_rows === 'number' ? { minRows: raw.min_rows } : {}),
    ...(raw.options ? { options: raw.options as Record<string, unknown> } : {}),
  };
}

/** The files a monitor task reads (fingerprinted with its run): the predictions, and a reference file. */
export function monitorDataFiles(raw: Record<string, unknown>): string[] {
  const reference = typeof raw.reference === 'string' ? safeReference(raw.reference) : undefined;
  return [String(raw.data), ...(reference?.kind === 'file' ? [reference.path] : [])];
}

/** Problems of `window:` and `reference:` (key and message), for the loader to place at their lines. */
export function monitorFieldProblems(raw: Record<string, unknown>): { key: string; message: string }[] {
  const problems: { key: string; message: string }[] = [];
  const checks: [string, (value: string) => unknown][] = [
    ['window', (v) => parseWindow(v, 'window:')],
    ['reference', (v) => parseReference(v, 'reference:')],
  ];
  for (const [key, check] of checks) {
    if (raw[key] !== undefined) {
      try {
        check(typeof raw[key] === 'string' ? raw[key] : JSON.stringify(raw[key]));
      } catch (error) {
        problems.push({ key, message: (error as Error).message });
      }
    }
  }
  return problems;
}

function safeReference(text: string): ReturnType<typeof parseReference> | undefined {
  try {
    return parseReference(text);
  } catch {
    return undefined; // reported at the task's line by the builder
  }
}

type MonitorBaseKeys = Omit<
  MonitorTask,
  | 'kind'
  | 'dataFile'
  | 'time'
  | 'window'
  | 'reference'
  | 'features'
  | 'minRows'
  | 'options'
  | 'target'
  | 'pred'
  | 'proba'
  | 'posLabel'
  | 'problem'
  | 'dropMissing'
>;
