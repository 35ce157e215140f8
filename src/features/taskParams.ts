/**
 * The params a run of a task can override with `--set`: the task's own params and, for the built-in
 * trainer, its hyperparameters (epochs, batch_size, learning_rate...). No `vscode` import.
 */
import type { TaskConfig } from '../core/config/types';
import { TRAIN_PARAMS, trainerParams } from '../core/runner/resolveTask';
import type { ParamValue } from '../core/runs/types';

/** Every param `--set` accepts for `task`, with its current value, the task's own params first. */
export function settableParams(task: TaskConfig): Record<string, ParamValue> {
  if (task.kind !== 'tfjs-train') {
    return { ...task.params };
  }
  const trainer = trainerParams(task);
  const hyper = Object.fromEntries(TRAIN_PARAMS.map((key) => [key, trainer[key] ?? null]));
  return { ...task.params, ...hyper };
}
