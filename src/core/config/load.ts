/**
 * Loads `xlens.yaml`: YAML with positions, JSON Schema validation (`schemas/xlens.schema.json`),
 * params files, placeholder checks, and the typed {@link ProjectConfig}. Every problem of the file is
 * returned at once, each naming `file:line:col` and the fix, so the editor can show them all.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { UserInputError, formatLocation } from '../base/errors';
import { compileStdoutPattern } from '../metrics/stdoutPattern';
import type { ParamValue } from '../runs/types';
import { parseDuration } from './duration';
import { findPlaceholders, flattenParams } from './params';
import { schemaErrors, describeField, tasksWithErrors } from './schemaErrors';
import { closest, didYouMean } from './suggest';
import type {
  LayerSpec,
  MetricSourceSpec,
  OptimizerSpec,
  ProjectConfig,
  SourceRange,
  TaskConfig,
} from './types';
import { YamlSource, type YamlPath } from './yamlSource';

/** The config file name, at the workspace root. */
export const CONFIG_FILE = 'xlens.yaml';

/** Defaults of the built-in trainer, as documented in the README. */
export const TFJS_TRAIN_DEFAULTS = {
  epochs: 50,
  batchSize: 32,
  validationSplit: 0.2,
  seed: 42,
  optimizer: { adam: { learning_rate: 0.001 } } as OptimizerSpec,
  model: { layers: [{ dense: 32, activation: 'relu' }] as LayerSpec[] },
};

/** The outcome of loading a config: the config when the file could be read, and every problem found. */
export interface LoadResult {
  /**
   * Present when the file parsed as YAML and has a `tasks` map. Tasks with errors are left out, so
   * the editor can still offer the good ones; the CLI refuses to run when `errors` is not empty.
   */
  config?: ProjectConfig;
  /** All problems, sorted by position. Each message starts with `file:line:col: `. */
  errors: UserInputError[];
}

/**
 * Walks up from `start` to the nearest folder holding `xlens.yaml`.
 * @returns the folder, or undefined when there is none up to the filesystem root.
 */
export function findProjectRoot(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, CONFIG_FILE))) {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      return undefined;
    }
    dir = parent;
  }
}

/** Reads and checks `<root>/xlens.yaml`. Never throws for bad input: problems are in `errors`. */
export async function loadProject(root: string): Promise<LoadResult> {
  const file = join(resolve(root), CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'not found; run `xlens init` to create a starter file' : `cannot be read (${code})`;
    return { errors: [new UserInputError(`${file}: ${why}.`, file)] };
  }
  return parseProject(file, text);
}

/**
 * Like {@link loadProject} but throws the first problem.
 * @throws UserInputError naming `file:line:col` (its message adds how many more problems there are).
 */
export async function loadProjectOrThrow(root: string): Promise<ProjectConfig> {
  const { config, errors } = await loadProject(root);
  throwIfErrors(errors);
  return config!;
}

/** Throws the first error (mentioning the count of the others), if any. */
export function throwIfErrors(errors: readonly UserInputError[]): void {
  const first = errors[0];
  if (!first) {
    return;
  }
  if (errors.length === 1) {
    throw first;
  }
  const more = errors.length - 1;
  throw new UserInputError(
    `${first.message}\n(and ${more} more problem${more === 1 ? '' : 's'} in ${first.file ?? CONFIG_FILE}:\n${errors
      .slice(1)
      .map((e) => `  ${e.message}`)
      .join('\n')})`,
    first.file,
    first.line,
    first.column,
    first.endLine,
    first.endColumn,
  );
}

/** The message of a positioned error without its `file:line:col: ` prefix (for editor diagnostics). */
export function diagnosticMessage(error: UserInputError): string {
  if (error.file === undefined) {
    return error.message;
  }
  const prefix = `${formatLocation(error.file, error.line, error.column)}: `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

/**
 * Checks the text of an `xlens.yaml` (the editor passes unsaved buffers here).
 * @param file absolute path of the file; its folder is the workspace root (params files are read
 *   relative to it).
 */
export function parseProject(file: string, text: string): LoadResult {
  const source = new YamlSource(file, text);
  const syntax = source.syntaxErrors();
  if (syntax.length > 0) {
    return { errors: syntax };
  }
  const value = source.toJS();
  const errors = schemaErrors(value, source);
  const root = dirname(file);
  const rawTasks =
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>).tasks
      : undefined;
  if (rawTasks === null || typeof rawTasks !== 'object' || Array.isArray(rawTasks)) {
    return { errors: sortErrors(errors) };
  }
  const broken = tasksWithErrors(value);
  const taskNames = Object.keys(rawTasks);
  const tasks = new Map<string, TaskConfig>();
  for (const [name, raw] of Object.entries(rawTasks as Record<string, Record<string, unknown>>)) {
    const builder = new TaskBuilder(name, raw, source, root, taskNames);
    if (broken.has(name)) {
      // Still report what else is wrong (unknown params, bad paths), as far as the shape allows.
      try {
        builder.build();
      } catch {
        // The shape is too broken for further checks; the schema errors say why.
      }
      errors.push(...builder.errors);
      continue;
    }
    const task = builder.build();
    errors.push(...builder.errors);
    if (task && builder.errors.length === 0) {
      tasks.set(name, task);
    }
  }
  return { config: { version: 1, file, root, tasks }, errors: sortErrors(errors) };
}

/** Sorts by position and keeps one error per position (the schema's, which comes first). */
function sortErrors(errors: UserInputError[]): UserInputError[] {
  const seen = new Set<string>();
  const unique = errors.filter((e) => {
    const key = `${e.file}:${e.line}:${e.column}`;
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
  return unique.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

function asList(value: unknown): string[] {
  if (value === undefined || value === null) {
    return [];
  }
  return Array.isArray(value) ? (value as string[]).map(String) : [value as string];
}

/** Builds one task from schema-valid data, collecting the checks the schema cannot express. */
class TaskBuilder {
  readonly errors: UserInputError[] = [];
  private readonly path: YamlPath;
  private params: Record<string, ParamValue> = {};

  constructor(
    private readonly name: string,
    private readonly raw: Record<string, unknown>,
    private readonly source: YamlSource,
    private readonly root: string,
    private readonly taskNames: string[],
  ) {
    this.path = ['tasks', name];
  }

  build(): TaskConfig | undefined {
    const raw = this.raw;
    const { params, paramFiles, paramSources } = this.loadParams();
    this.params = params;
    const kind = (raw.kind as TaskConfig['kind'] | undefined) ?? 'command';
    const timeoutMs = this.timeout();
    const base = {
      name: this.name,
      params,
      paramFiles,
      paramSources,
      data: kind === 'drift' ? [String(raw.reference), String(raw.current)] : asList(raw.data),
      metrics: this.metricSources(),
      outputs: asList(raw.outputs),
      env: Object.fromEntries(
        Object.entries((raw.env as Record<string, string | number | boolean>) ?? {}).map(([k, v]) => [
          k,
          String(v),
        ]),
      ),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(typeof raw.cwd === 'string' ? { cwd: raw.cwd } : {}),
      ...(typeof raw.description === 'string' ? { description: raw.description } : {}),
      range: this.source.rangeOf(this.path, 'key'),
      fieldRanges: this.fieldRanges(),
    };
    this.checkPlaceholders();
    switch (kind) {
      case 'command':
        return { ...base, kind, run: String(raw.run) };
      case 'tfjs-train': {
        const stopping = raw.early_stopping as
          { patience: number; min_delta?: number; monitor?: string } | undefined;
        return {
          ...base,
          kind,
          dataFile: String(raw.data),
          target: String(raw.target),
          ...(raw.problem ? { problem: raw.problem as 'classification' | 'regression' } : {}),
          ...(raw.features ? { features: (raw.features as unknown[]).map(String) } : {}),
          model: raw.model ? { layers: this.layers() } : TFJS_TRAIN_DEFAULTS.model,
          epochs: (raw.epochs as number | undefined) ?? TFJS_TRAIN_DEFAULTS.epochs,
          batchSize: (raw.batch_size as number | undefined) ?? TFJS_TRAIN_DEFAULTS.batchSize,
          optimizer: this.optimizer(),
          validationSplit:
            (raw.validation_split as number | undefined) ?? TFJS_TRAIN_DEFAULTS.validationSplit,
          ...(raw.holdout_split !== undefined ? { holdoutSplit: raw.holdout_split as number } : {}),
          seed: (raw.seed as number | undefined) ?? TFJS_TRAIN_DEFAULTS.seed,
          ...(stopping
            ? {
                earlyStopping: {
                  patience: stopping.patience,
                  ...(stopping.min_delta !== undefined ? { minDelta: stopping.min_delta } : {}),
                  ...(stopping.monitor !== undefined ? { monitor: stopping.monitor } : {}),
                },
              }
            : {}),
        };
      }
      case 'tfjs-eval':
        return { ...base, kind, model: String(raw.model), dataFile: String(raw.data) };
      case 'drift':
        return {
          ...base,
          kind,
          reference: String(raw.reference),
          current: String(raw.current),
          ...(raw.columns ? { columns: (raw.columns as unknown[]).map(String) } : {}),
          ...(raw.options ? { options: raw.options as Record<string, unknown> } : {}),
        };
    }
  }

  private at(...rest: (string | number)[]): YamlPath {
    return [...this.path, ...rest];
  }

  private loadParams(): { params: Record<string, ParamValue>; paramFiles: string[]; paramSources: string[] } {
    const params: Record<string, ParamValue> = {};
    const paramFiles: string[] = [];
    const paramSources: string[] = [];
    const raw = this.raw.params;
    if (raw === undefined || raw === null) {
      return { params, paramFiles, paramSources };
    }
    const entries: [unknown, YamlPath][] = Array.isArray(raw)
      ? raw.map((entry, i) => [entry, this.at('params', i)])
      : [[raw, this.at('params')]];
    for (const [entry, path] of entries) {
      if (typeof entry === 'string') {
        const loaded = this.readParamFile(entry, path);
        if (loaded) {
          Object.assign(params, loaded);
          paramFiles.push(entry);
          paramSources.push(entry);
        }
      } else if (entry !== null && typeof entry === 'object') {
        Object.assign(params, flattenParams(entry));
        paramSources.push('inline');
      }
    }
    return { params, paramFiles, paramSources };
  }

  private readParamFile(relative: string, path: YamlPath): Record<string, ParamValue> | undefined {
    const file = resolve(this.root, relative);
    let text: string;
    try {
      if (statSync(file).isDirectory()) {
        this.errors.push(
          this.source.error(`params file "${relative}" is a folder; name a YAML or JSON file.`, path),
        );
        return undefined;
      }
      text = readFileSync(file, 'utf8');
    } catch {
      this.errors.push(
        this.source.error(
          `params file "${relative}" not found (looked for ${file}). Create it or fix the path; inline params are written as a map.`,
          path,
        ),
      );
      return undefined;
    }
    const paramSource = new YamlSource(file, text);
    const syntax = paramSource.syntaxErrors();
    if (syntax.length > 0) {
      this.errors.push(...syntax);
      return undefined;
    }
    const value = paramSource.toJS();
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      const kind = extname(file) === '.json' ? 'JSON object' : 'YAML map';
      this.errors.push(
        paramSource.error(`a params file must hold a ${kind} of params (e.g. \`lr: 0.01\`).`, []),
      );
      return undefined;
    }
    return flattenParams(value);
  }

  private timeout(): number | undefined {
    const raw = this.raw.timeout as string | number | undefined;
    if (raw === undefined) {
      return undefined;
    }
    const ms = parseDuration(raw);
    if (ms === undefined) {
      this.errors.push(
        this.source.error(
          `timeout ${JSON.stringify(raw)} is not a positive duration. Write e.g. 90s, 30m, 2h or 1h30m.`,
          this.at('timeout'),
        ),
      );
    }
    return ms;
  }

  private metricSources(): MetricSourceSpec[] {
    const list = (this.raw.metrics as Record<string, string>[] | undefined) ?? [];
    list.forEach((entry, i) => {
      if (entry.stdout !== undefined) {
        try {
          compileStdoutPattern(entry.stdout);
        } catch (error) {
          this.errors.push(this.source.error((error as Error).message, this.at('metrics', i, 'stdout')));
        }
      }
    });
    return list as MetricSourceSpec[];
  }

  private layers(): LayerSpec[] {
    const raw = (this.raw.model as { layers: Record<string, unknown>[] }).layers ?? [];
    const layers: LayerSpec[] = [];
    raw.forEach((layer, i) => {
      const path = this.at('model', 'layers', i);
      const kinds = ['dense', 'dropout', 'batch_normalization', 'batchNormalization'].filter(
        (k) => k in layer,
      );
      if (kinds.length !== 1) {
        this.errors.push(
          this.source.error(
            `${describeField(path)} must be exactly one of {dense: units, activation: relu}, {dropout: rate} or {batch_normalization: true}.`,
            path,
          ),
        );
        return;
      }
      if ('activation' in layer && !('dense' in layer)) {
        this.errors.push(
          this.source.error(`\`activation\` only applies to a dense layer.`, [...path, 'activation'], 'key'),
        );
        return;
      }
      if ('dense' in layer) {
        layers.push({
          dense: layer.dense as number,
          ...(layer.activation !== undefined ? { activation: layer.activation as string } : {}),
        });
      } else if ('dropout' in layer) {
        layers.push({ dropout: layer.dropout as number });
      } else {
        const value = layer.batch_normalization ?? layer.batchNormalization;
        if (value === false) {
          return;
        }
        layers.push({ batchNormalization: true });
      }
    });
    return layers;
  }

  private optimizer(): OptimizerSpec {
    const raw = this.raw.optimizer as string | Record<string, Record<string, number> | null> | undefined;
    if (raw === undefined) {
      return TFJS_TRAIN_DEFAULTS.optimizer;
    }
    if (typeof raw === 'string') {
      return { [raw]: {} };
    }
    const [name, options] = Object.entries(raw)[0];
    return { [name]: options ?? {} };
  }

  private fieldRanges(): Record<string, SourceRange> {
    const ranges: Record<string, SourceRange> = {};
    for (const [key, value] of Object.entries(this.raw)) {
      ranges[key] = this.source.rangeOf(this.at(key));
      if (Array.isArray(value)) {
        value.forEach((_, i) => (ranges[`${key}.${i}`] = this.source.rangeOf(this.at(key, i))));
      }
    }
    return ranges;
  }

  /** Every string that may hold placeholders, with its path. */
  private interpolatedStrings(): [string, YamlPath][] {
    const out: [string, YamlPath][] = [];
    const visit = (value: unknown, path: YamlPath): void => {
      if (typeof value === 'string') {
        out.push([value, path]);
      } else if (Array.isArray(value)) {
        value.forEach((v, i) => visit(v, [...path, i]));
      } else if (value !== null && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
          visit(v, [...path, k]);
        }
      }
    };
    for (const key of ['run', 'data', 'outputs', 'env', 'cwd', 'model', 'reference', 'current', 'metrics']) {
      if (key === 'model' && this.raw.kind === 'tfjs-train') {
        continue;
      }
      visit(this.raw[key], this.at(key));
    }
    return out;
  }

  private checkPlaceholders(): void {
    const known = Object.keys(this.params);
    for (const [text, path] of this.interpolatedStrings()) {
      for (const p of findPlaceholders(text)) {
        const range = this.source.rangeWithin(path, p.text);
        if (p.misspelt) {
          const fixed = `\${${p.namespace}.${p.key}}`;
          this.errors.push(this.source.errorAt(`"${p.text}" is not a placeholder; write "${fixed}".`, range));
        } else if (p.namespace === 'params' && !(p.key in this.params)) {
          const declared =
            known.length === 0
              ? ` Task "${this.name}" declares no params; add \`params:\` (a file or an inline map).`
              : ` Declared params: ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', ...' : ''}.`;
          this.errors.push(
            this.source.errorAt(
              `unknown param "${p.key}" in ${p.text}.${didYouMean(p.key, known)}${declared}`,
              range,
            ),
          );
        } else if (p.namespace === 'runs') {
          const dot = p.key.lastIndexOf('.');
          const task = dot < 0 ? p.key : p.key.slice(0, dot);
          const selector = dot < 0 ? '' : p.key.slice(dot + 1);
          if (!this.taskNames.includes(task)) {
            const near = closest(task, this.taskNames);
            this.errors.push(
              this.source.errorAt(
                `${p.text} names no task "${task}".${near ? ` Did you mean "\${runs.${near}.latest}"?` : ` Tasks: ${this.taskNames.join(', ')}.`}`,
                range,
              ),
            );
          } else if (selector !== 'latest') {
            this.errors.push(
              this.source.errorAt(
                `${p.text}: write \${runs.${task}.latest} (the latest succeeded run of "${task}").`,
                range,
              ),
            );
          }
        }
      }
    }
  }
}
