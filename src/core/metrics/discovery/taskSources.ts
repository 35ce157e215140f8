/**
 * The metric sources tasks name under `metrics:` in `xlens.yaml` (TensorBoard logdirs, MLflow stores,
 * DVCLive folders, CSV and JSONL files), resolved to readable {@link SourceSpec}s. Discovery adds them
 * to what the workspace scan finds, so a log the scan's globs would miss is still imported, and runs
 * found in a task's source are labelled with that task.
 */
import { basename, isAbsolute, resolve } from 'node:path';
import { loadProject } from '../../config/load';
import { interpolate, paramText } from '../../config/params';
import type { MetricSourceSpec, TaskConfig } from '../../config/types';
import { classifyCsv } from '../csv/classify';
import type { SourceSpec } from '../readers';

/** A source named by a task. */
export interface TaskSource {
  /** The task's name (its key under `tasks:`). */
  task: string;
  source: SourceSpec;
}

/**
 * The sources a task names under `metrics:`, with paths resolved against the task's working folder.
 * `stdout` patterns are not files and are left out; a `csv` source is classified by its header
 * (Keras when unreadable yet, since a run may create it later). `${params.x}` is replaced by the
 * task's default param value; `${runs.<task>.latest}` is left as written (known only at run time).
 */
export async function sourcesFromTask(task: TaskConfig, root: string): Promise<SourceSpec[]> {
  const base = resolve(root, task.cwd ?? '.');
  const out: SourceSpec[] = [];
  for (const spec of task.metrics) {
    const source = await sourceFromSpec(withParams(spec, task), base);
    if (source) {
      out.push(source);
    }
  }
  return out;
}

/**
 * The sources named by every task of `<root>/xlens.yaml`, in task order. A missing config gives none;
 * a config with errors gives the sources of its valid tasks (the errors are the config loader's to
 * report, in the editor and on `xlens run`).
 */
export async function projectTaskSources(root: string): Promise<TaskSource[]> {
  const { config } = await loadProject(root);
  const out: TaskSource[] = [];
  for (const [name, task] of config?.tasks ?? []) {
    for (const source of await sourcesFromTask(task, config!.root)) {
      out.push({ task: name, source });
    }
  }
  return out;
}

/** The spec with `${params.x}` replaced by the task's param `x` (an unknown param is left as written). */
function withParams(spec: MetricSourceSpec, task: TaskConfig): MetricSourceSpec {
  const [kind, value] = Object.entries(spec)[0] as [keyof MetricSourceSpec, string];
  if (kind === 'stdout') {
    return spec;
  }
  const text = interpolate(value, (p) =>
    p.namespace === 'params' && p.key in task.params ? paramText(task.params[p.key]) : p.text,
  );
  return { [kind]: text } as MetricSourceSpec;
}

async function sourceFromSpec(spec: MetricSourceSpec, base: string): Promise<SourceSpec | undefined> {
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(base, p));
  if ('tensorboard' in spec) {
    return { format: 'tensorboard', path: abs(spec.tensorboard) };
  }
  if ('mlflow' in spec) {
    return { format: 'mlflow', path: abs(spec.mlflow) };
  }
  if ('dvclive' in spec) {
    return { format: 'dvclive', path: abs(spec.dvclive) };
  }
  if ('csv' in spec) {
    const path = abs(spec.csv);
    return {
      format: (await classifyCsv(path)) ?? (basename(path) === 'metrics.csv' ? 'lightning-csv' : 'keras-csv'),
      path,
    };
  }
  if ('jsonl' in spec) {
    return { format: 'jsonl', path: abs(spec.jsonl) };
  }
  if ('wandb' in spec) {
    return { format: 'wandb', path: abs(spec.wandb) };
  }
  return undefined;
}
