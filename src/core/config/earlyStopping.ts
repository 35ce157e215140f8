/** The `early_stopping:` map of a `kind: tfjs-train` task, from schema-valid YAML data. */
import type { TfjsTrainTask } from './types';

/**
 * `early_stopping: {patience, min_delta?, monitor?, mode?}` as the task's `earlyStopping` field, or
 * nothing when the task has none (see `schemas/xlens.schema.json` and the trainer's early stopping).
 */
export function earlyStoppingField(raw: unknown): Pick<TfjsTrainTask, 'earlyStopping'> {
  const stopping = raw as
    { patience: number; min_delta?: number; monitor?: string; mode?: 'min' | 'max' | 'auto' } | undefined;
  if (!stopping) {
    return {};
  }
  return {
    earlyStopping: {
      patience: stopping.patience,
      ...(stopping.min_delta !== undefined ? { minDelta: stopping.min_delta } : {}),
      ...(stopping.monitor !== undefined ? { monitor: stopping.monitor } : {}),
      ...(stopping.mode !== undefined ? { mode: stopping.mode } : {}),
    },
  };
}
