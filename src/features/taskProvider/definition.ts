/**
 * The mapping between `xlens.yaml` tasks and VS Code task definitions of type `xlens`
 * (package.json `taskDefinitions`): `{ "type": "xlens", "task": "train", "params": { "epochs": 5 } }`.
 * No `vscode` import.
 */
import type { TaskConfig } from '../../core/config/types';
import type { ParamValue } from '../../core/runs/types';
import { TASK_TYPE } from '../ids';
import { overrideText } from '../../core/runner/launcher';
import { dict } from '../../shared/dict';

/** A task definition as written in tasks.json or provided by the extension. */
export interface XlensTaskDefinition {
  type: typeof TASK_TYPE;
  /** Task name in `xlens.yaml`. */
  task: string;
  /** Params to override (`--set key=value`). */
  params?: Record<string, ParamValue>;
}

/** The definition the provider gives for a task of `xlens.yaml` (no overrides). */
export function definitionOf(task: Pick<TaskConfig, 'name'>): XlensTaskDefinition {
  return { type: TASK_TYPE, task: task.name };
}

/**
 * Checks a definition from tasks.json.
 * @returns the definition, or a message naming the field and the fix.
 */
export function parseDefinition(value: unknown): XlensTaskDefinition | string {
  if (typeof value !== 'object' || value === null) {
    return 'an xlens task definition must be an object like { "type": "xlens", "task": "train" }.';
  }
  const { type, task, params } = value as { type?: unknown; task?: unknown; params?: unknown };
  if (type !== TASK_TYPE) {
    return `"type" must be "${TASK_TYPE}".`;
  }
  if (typeof task !== 'string' || task.trim() === '') {
    return '"task" must name a task of xlens.yaml, e.g. "task": "train".';
  }
  if (params === undefined) {
    return { type: TASK_TYPE, task };
  }
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    return '"params" must be an object of param names and values, e.g. { "epochs": 5 }.';
  }
  const checked: Record<string, ParamValue> = dict();
  for (const [key, v] of Object.entries(params)) {
    if (v !== null && !['string', 'number', 'boolean'].includes(typeof v)) {
      return `"params.${key}" must be a string, number, boolean or null.`;
    }
    checked[key] = v as ParamValue;
  }
  return { type: TASK_TYPE, task, params: checked };
}

/** The name shown under Terminal › Run Task: the task, with its overrides when there are any. */
export function taskLabel(definition: XlensTaskDefinition): string {
  const overrides = Object.entries(definition.params ?? {});
  if (overrides.length === 0) {
    return definition.task;
  }
  return `${definition.task} (${overrides.map(([k, v]) => `${k}=${overrideText(v)}`).join(', ')})`;
}

/** One line telling what the task runs (the Run Task picker's detail). */
export function taskDetail(task: TaskConfig): string {
  switch (task.kind) {
    case 'command':
      return task.run;
    case 'tfjs-train':
      return `built-in trainer: ${task.dataFile} → ${task.target}, ${task.epochs} epochs`;
    case 'tfjs-eval':
      return `built-in evaluation of ${task.model} on ${task.dataFile}`;
    case 'drift':
      return `drift check: ${task.reference} vs ${task.current}`;
    case 'eval':
      return `evaluation of the predictions in ${task.dataFile}`;
    case 'monitor':
      return `monitoring of ${task.dataFile} per ${task.window} window`;
  }
}
