/** The fields of a `kind: eval` task from schema-valid YAML data (see `schemas/xlens.schema.json`). */
import type { EvalTask } from './types';

/** A scalar from YAML as text (`pos_label: 1` is the class "1"). */
function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `data`, `target`, `pred`, `proba`, `pos_label`, `problem`, `calibration`, `drop_missing`. */
export function evalTaskFields(raw: Record<string, unknown>): Omit<EvalTask, keyof TaskBaseKeys | 'kind'> {
  const calibration = raw.calibration as EvalTask['calibration'];
  return {
    dataFile: text(raw.data),
    ...(raw.target !== undefined ? { target: text(raw.target) } : {}),
    ...(raw.pred !== undefined ? { pred: text(raw.pred) } : {}),
    ...(raw.proba !== undefined
      ? { proba: Array.isArray(raw.proba) ? raw.proba.map(text) : text(raw.proba) }
      : {}),
    ...(raw.pos_label !== undefined ? { posLabel: text(raw.pos_label) } : {}),
    ...(raw.problem ? { problem: raw.problem as EvalTask['problem'] } : {}),
    ...(calibration ? { calibration } : {}),
    ...(raw.drop_missing !== undefined ? { dropMissing: raw.drop_missing === true } : {}),
  };
}

type TaskBaseKeys = Omit<
  EvalTask,
  'kind' | 'dataFile' | 'target' | 'pred' | 'proba' | 'posLabel' | 'problem' | 'calibration' | 'dropMissing'
>;
