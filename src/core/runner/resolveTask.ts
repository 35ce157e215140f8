/**
 * Turns a task from `xlens.yaml` into what one run executes: params with `--set` overrides applied,
 * `${params.x}` and `${runs.<task>.latest}` interpolated in the command, paths and env, and inputs
 * checked to exist. Every problem is a {@link UserInputError} naming the config line, raised before
 * any run is created.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserInputError, formatLocation } from '../base/errors';
import { bindCommand } from '../config/commandParams';
import { interpolate, paramText, type Placeholder } from '../config/params';
import { closest, didYouMean } from '../config/suggest';
import type { LayerSpec, ProjectConfig, SourceRange, TaskConfig, TfjsTrainTask } from '../config/types';
import type { RunStore } from '../runs/store';
import type { ParamValue } from '../runs/types';
import { firstLine } from '../data/separator';
import { fileKind } from '../base/regularFile';
import { trainerDataProblem } from '../train/dataFile';
import { dict } from '../../shared/dict';

/** A task ready to run. */
export interface ResolvedTask {
  task: TaskConfig;
  /** Params recorded with the run (declared params, then for tfjs-train its hyperparameters). */
  params: Record<string, ParamValue>;
  paramSources: string[];
  /**
   * What `run.json` shows as the command: for `run:`, the command as written with the values put in
   * (shell-quoted for reading; what runs is `task.run` with {@link paramEnv}).
   */
  command: string;
  /**
   * `XLENS_PARAM_*` / `XLENS_RUNS_*` variables the `run:` command expands (name → value), given to
   * the child on top of its environment; empty for built-in jobs.
   */
  paramEnv: Record<string, string>;
  /**
   * Absolute working directory (also in `task.cwd`): the command runs there, and the task's relative
   * paths (`data`, `outputs`, metric sources, `model`) resolve against it.
   */
  cwd: string;
}

/** Hyperparameters of the built-in trainer that are recorded as params and can be set with `--set`. */
export const TRAIN_PARAMS = [
  'epochs',
  'batch_size',
  'validation_split',
  'holdout_split',
  'seed',
  'learning_rate',
] as const;

/**
 * Resolves `task` for a run.
 * @param overrides `--set key=value` pairs: a declared param, or a hyperparameter of a tfjs-train task.
 * @throws UserInputError for an unknown param, a `${runs.<task>.latest}` with no succeeded run, a
 *   placeholder where `run:` cannot take a value safely (see `commandPlaceholders`), a missing input
 *   or working directory.
 */
export async function resolveTask(
  project: ProjectConfig,
  task: TaskConfig,
  store: RunStore,
  overrides: Record<string, ParamValue> = dict(),
): Promise<ResolvedTask> {
  const where = (key: string): string => {
    const range: SourceRange | undefined = task.fieldRanges?.[key] ?? task.range;
    return formatLocation(project.file, range?.line, range?.column);
  };
  const fail = (key: string, message: string): never => {
    const range = task.fieldRanges?.[key] ?? task.range;
    throw new UserInputError(`${where(key)}: ${message}`, {
      file: project.file,
      line: range?.line,
      column: range?.column,
      endLine: range?.endLine,
      endColumn: range?.endColumn,
    });
  };

  const params = { ...task.params };
  const paramSources = [...(task.paramSources ?? [])];
  let resolvedTask: TaskConfig = { ...task };
  const trainParams = task.kind === 'tfjs-train' ? trainerParams(task) : {};
  const setKeys = Object.keys(overrides);
  for (const [key, value] of Object.entries(overrides)) {
    if (Object.hasOwn(params, key)) {
      params[key] = value;
    } else if (Object.hasOwn(trainParams, key)) {
      resolvedTask = applyTrainerParam(resolvedTask as TfjsTrainTask, key, value);
    } else {
      const known = [...Object.keys(params), ...Object.keys(trainParams)];
      throw new UserInputError(
        `--set ${key}: task "${task.name}" has no param "${key}".${didYouMean(key, known)}${
          known.length > 0
            ? ` Params: ${known.join(', ')}.`
            : ` Declare it under \`params:\` in ${project.file}.`
        }`,
      );
    }
  }
  if (setKeys.length > 0) {
    paramSources.push('--set');
  }

  // ${runs.<task>.latest} lookups are memoised: one task may name the same run several times.
  const latest = new Map<string, string>();
  const runsLatest = async (key: string, field: string): Promise<void> => {
    const name = key.slice(0, key.lastIndexOf('.'));
    if (latest.has(key)) {
      return;
    }
    const run = await store.latest(name, 'succeeded');
    if (!run) {
      fail(
        field,
        `\${runs.${key}}: task "${name}" has no succeeded run yet. Run \`xlens run ${name}\` first.`,
      );
    }
    latest.set(key, store.runDir(run!.id));
  };
  const fieldsWithText = stringFields(resolvedTask);
  for (const [field, text] of fieldsWithText) {
    for (const m of text.matchAll(/\$\{\s*runs\.([^}\s]+)\s*\}/g)) {
      await runsLatest(m[1], field);
    }
  }
  const lookup =
    (field: string) =>
    (p: Placeholder): string => {
      if (p.namespace === 'runs') {
        return latest.get(p.key) ?? p.text;
      }
      if (!(p.key in params)) {
        fail(field, `unknown param "${p.key}" in ${p.text}.${didYouMean(p.key, Object.keys(params))}`);
      }
      return paramText(params[p.key]);
    };
  const sub = (field: string, text: string): string => interpolate(text, lookup(field));
  const subList = (field: string, list: string[]): string[] => list.map((t, i) => sub(`${field}.${i}`, t));

  const base = {
    data:
      task.kind === 'monitor'
        ? resolvedTask.data.map((t, i) => sub(i === 0 ? 'data' : 'reference', t))
        : task.kind === 'drift' ||
            task.kind === 'tfjs-train' ||
            task.kind === 'tfjs-eval' ||
            task.kind === 'eval'
          ? resolvedTask.data.map((t) => sub(dataField(task), t))
          : subList('data', resolvedTask.data),
    outputs: subList('outputs', resolvedTask.outputs),
    env: Object.fromEntries(Object.entries(resolvedTask.env).map(([k, v]) => [k, sub('env', v)])),
    metrics: resolvedTask.metrics.map((m) => {
      const [kind, value] = Object.entries(m)[0];
      return (kind === 'stdout' ? m : { [kind]: sub('metrics', value) }) as typeof m;
    }),
    ...(resolvedTask.cwd !== undefined ? { cwd: sub('cwd', resolvedTask.cwd) } : {}),
  };
  let command: string;
  let paramEnv: Record<string, string> = dict();
  switch (resolvedTask.kind) {
    case 'command': {
      // Normally refused earlier, at the placeholder's position, when xlens.yaml is loaded.
      const bound = bindCommand(resolvedTask.run, lookup('run'), (use) => fail('run', use.problem!));
      resolvedTask = { ...resolvedTask, ...base, run: bound.run };
      command = bound.display;
      paramEnv = bound.env;
      break;
    }
    case 'tfjs-train':
      resolvedTask = { ...resolvedTask, ...base, dataFile: sub('data', resolvedTask.dataFile) };
      command = `built-in trainer (tfjs-train) on ${resolvedTask.dataFile}, target ${resolvedTask.target}`;
      break;
    case 'tfjs-eval':
      resolvedTask = {
        ...resolvedTask,
        ...base,
        model: sub('model', resolvedTask.model),
        dataFile: sub('data', resolvedTask.dataFile),
      };
      command = `built-in evaluation (tfjs-eval) of ${resolvedTask.model} on ${resolvedTask.dataFile}`;
      break;
    case 'eval':
      resolvedTask = { ...resolvedTask, ...base, dataFile: sub('data', resolvedTask.dataFile) };
      command = `built-in evaluation of the predictions in ${resolvedTask.dataFile}`;
      break;
    case 'monitor':
      resolvedTask = {
        ...resolvedTask,
        ...base,
        dataFile: sub('data', resolvedTask.dataFile),
        ...(resolvedTask.reference !== undefined
          ? { reference: sub('reference', resolvedTask.reference) }
          : {}),
      };
      command = `built-in monitoring of ${resolvedTask.dataFile} per ${resolvedTask.window} window`;
      break;
    case 'drift':
      resolvedTask = {
        ...resolvedTask,
        ...base,
        reference: sub('reference', resolvedTask.reference),
        current: sub('current', resolvedTask.current),
      };
      command = `built-in drift report: ${resolvedTask.current} against ${resolvedTask.reference}`;
      break;
  }

  const cwd = resolve(project.root, resolvedTask.cwd ?? '.');
  if (!existsSync(cwd) || !statSync(cwd).isDirectory()) {
    fail('cwd', `working directory "${resolvedTask.cwd}" does not exist (${cwd}).`);
  }
  // Paths of a task resolve against its working folder, as its command's do. task.json carries the
  // absolute folder, so a built-in job resolves them the same way whatever its process cwd.
  resolvedTask.cwd = cwd;
  resolvedTask.data.forEach((path, i) => {
    const field =
      task.kind === 'drift'
        ? i === 0
          ? 'reference'
          : 'current'
        : task.kind === 'monitor'
          ? i === 0
            ? 'data'
            : 'reference'
          : task.kind === 'command'
            ? `data.${i}`
            : 'data';
    const problem = inputProblem(resolve(cwd, path), path);
    if (problem !== undefined) {
      fail(field, problem);
    }
  });
  if (resolvedTask.kind === 'tfjs-train' || resolvedTask.kind === 'tfjs-eval') {
    const problem = trainerDataProblem(resolve(cwd, resolvedTask.dataFile), resolvedTask.dataFile);
    if (problem !== undefined) {
      fail('data', problem);
    }
  }
  if (resolvedTask.kind === 'tfjs-train') {
    const train = resolvedTask;
    const header = csvHeader(resolve(cwd, train.dataFile));
    if (header !== undefined) {
      const wanted: [string, string, string][] = [['target', 'target', train.target]];
      (train.features ?? []).forEach((name, i) => wanted.push([`features.${i}`, 'feature', name]));
      for (const [field, role, name] of wanted) {
        if (!header.includes(name)) {
          const match = closest(name, header);
          fail(
            task.fieldRanges?.[field] ? field : role === 'target' ? 'target' : 'features',
            `${role} column "${name}" is not in the header of ${train.dataFile}` +
              `${match === undefined ? '' : `; did you mean "${match}"?`} Columns: ${header.join(', ')}.`,
          );
        }
      }
    }
  }
  if (resolvedTask.kind === 'tfjs-eval' && !existsSync(resolve(cwd, resolvedTask.model))) {
    fail('model', `model folder "${resolvedTask.model}" not found (${resolve(cwd, resolvedTask.model)}).`);
  }
  const recorded =
    resolvedTask.kind === 'tfjs-train' ? { ...params, ...trainerParams(resolvedTask) } : params;
  return { task: resolvedTask, params: recorded, paramSources, command, paramEnv, cwd };
}

/**
 * The header row of a CSV file (as the trainer reads it: optional BOM, cells trimmed), read from its
 * first bytes only (`FIRST_LINE_BYTES`); undefined when it cannot be read that cheaply or holds
 * quotes (the trainer then checks the columns itself). No CSV library: this module loads at editor
 * activation, which evaluates no library.
 */
export function csvHeader(file: string): string[] | undefined {
  const line = firstLine(file, { complete: true })?.replace(/^\uFEFF/, '');
  if (line === undefined) {
    return undefined;
  }
  if (line.trim() === '' || line.includes('"')) {
    // No complete first line (a blank line the parser would skip, quoting): the trainer decides.
    return undefined;
  }
  // Without quotes a CSV row is its cells between commas (RFC 4180), trimmed as the trainer trims them.
  return line.split(',').map((cell) => cell.trim());
}

function dataField(task: TaskConfig): string {
  return task.kind === 'drift' ? 'reference' : 'data';
}

/** The strings of a task that may hold placeholders, keyed by field (for error positions). */
function stringFields(task: TaskConfig): [string, string][] {
  const out: [string, string][] = [];
  task.data.forEach((t, i) => out.push([task.kind === 'command' ? `data.${i}` : dataField(task), t]));
  task.outputs.forEach((t, i) => out.push([`outputs.${i}`, t]));
  Object.values(task.env).forEach((t) => out.push(['env', t]));
  task.metrics.forEach((m) => {
    const [kind, value] = Object.entries(m)[0] ?? [];
    if (kind !== undefined && kind !== 'stdout' && typeof value === 'string') {
      out.push(['metrics', value]);
    }
  });
  if (task.cwd !== undefined) {
    out.push(['cwd', task.cwd]);
  }
  if (task.kind === 'command') {
    out.push(['run', task.run]);
  }
  if (task.kind === 'tfjs-eval') {
    out.push(['model', task.model], ['data', task.dataFile]);
  }
  if (task.kind === 'tfjs-train') {
    out.push(['data', task.dataFile]);
  }
  if (task.kind === 'eval') {
    out.push(['data', task.dataFile]);
  }
  if (task.kind === 'monitor') {
    out.push(
      ['data', task.dataFile],
      ...(task.reference ? [['reference', task.reference] as [string, string]] : []),
    );
  }
  if (task.kind === 'drift') {
    out.push(['reference', task.reference], ['current', task.current]);
  }
  return out;
}

/** The hyperparameters of a tfjs-train task as flat params (recorded with the run, settable with `--set`). */
export function trainerParams(task: TfjsTrainTask): Record<string, ParamValue> {
  const [optimizer, options] = Object.entries(task.optimizer)[0] ?? ['adam', {}];
  const learningRate = (options as { learning_rate?: number } | undefined)?.learning_rate;
  return {
    epochs: task.epochs,
    batch_size: task.batchSize,
    validation_split: task.validationSplit,
    holdout_split: task.holdoutSplit ?? 0,
    seed: task.seed,
    optimizer,
    learning_rate: learningRate ?? null,
    layers: task.model.layers.map(describeLayer).join(' '),
  };
}

function describeLayer(layer: LayerSpec): string {
  if ('dense' in layer) {
    return `dense${layer.dense}${layer.activation ? `-${layer.activation}` : ''}`;
  }
  if ('dropout' in layer) {
    return `dropout${layer.dropout}`;
  }
  return 'batchnorm';
}

function applyTrainerParam(task: TfjsTrainTask, key: string, value: ParamValue): TfjsTrainTask {
  const numeric = typeof value === 'number' ? value : Number.NaN;
  const need = (ok: boolean, what: string): void => {
    if (!ok) {
      throw new UserInputError(`--set ${key}=${String(value)}: ${key} must be ${what}.`);
    }
  };
  if (!(TRAIN_PARAMS as readonly string[]).includes(key)) {
    throw new UserInputError(
      `--set ${key}: "${key}" of the built-in trainer is set in xlens.yaml, not with --set.`,
    );
  }
  switch (key) {
    case 'epochs':
      need(Number.isInteger(numeric) && numeric >= 1, 'an integer >= 1');
      return { ...task, epochs: numeric };
    case 'batch_size':
      need(Number.isInteger(numeric) && numeric >= 1, 'an integer >= 1');
      return { ...task, batchSize: numeric };
    case 'validation_split':
      need(numeric >= 0 && numeric < 1, 'a number in [0, 1)');
      return { ...task, validationSplit: numeric };
    case 'holdout_split':
      need(numeric >= 0 && numeric < 1, 'a number in [0, 1)');
      return { ...task, holdoutSplit: numeric };
    case 'seed':
      need(Number.isInteger(numeric), 'an integer');
      return { ...task, seed: numeric };
    default: {
      need(numeric > 0, 'a number > 0');
      const [name, options] = Object.entries(task.optimizer)[0] ?? ['adam', {}];
      return {
        ...task,
        optimizer: { [name]: { ...(options ?? {}), learning_rate: numeric } },
      };
    }
  }
}

/**
 * Why an input (`data:`, `reference:`, `current:`) cannot be fingerprinted, or undefined when it can:
 * missing, not a regular file or folder (a FIFO would block the reader forever), or unreadable.
 * The fingerprinter opens files without blocking too (see `openRegularFile`), should one be swapped
 * for a FIFO after this check.
 */
function inputProblem(file: string, written: string): string | undefined {
  let info;
  try {
    info = statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR'
      ? `input "${written}" not found (${file}). Fix the path or create the file.`
      : `input "${written}" cannot be read (${code ?? String(error)}: ${file}). Check its permissions.`;
  }
  if (!info.isFile() && !info.isDirectory()) {
    return `input "${written}" is a ${fileKind(info)}, not a regular file or folder (${file}); only files and folders are fingerprinted. Name a file or a folder.`;
  }
  try {
    accessSync(file, info.isDirectory() ? constants.R_OK | constants.X_OK : constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return `input "${written}" cannot be read (${code}: ${file}). Give yourself read permission (chmod u+r) or fix the path.`;
  }
  return undefined;
}
