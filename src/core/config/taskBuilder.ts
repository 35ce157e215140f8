/**
 * Builds one {@link TaskConfig} from the schema-valid data of a task in `xlens.yaml`, running the
 * checks a JSON Schema cannot express: params files, `${params.x}` and `${runs.<task>.latest}`
 * placeholders, durations, stdout patterns, layer shapes. Problems are collected in `errors`.
 */
import { extname, resolve } from 'node:path';
import { UserInputError } from '../base/errors';
import { NotRegularFileError } from '../base/fileTail';
import { readRegularFileSync } from '../base/regularFile';
import { decodeUtf8 } from '../base/utf8';
import { compileStdoutPattern } from '../metrics/stdout/stdoutPattern';
import type { ParamValue } from '../runs/types';
import { MAX_TIMEOUT_MS, parseDuration } from './duration';
import { commandPlaceholders } from './commandScan';
import { findPlaceholders, flattenParams } from './params';
import { parseDriftOptions, thresholdProblems } from '../drift/options';
import { evalTaskFields } from './evalTaskFields';
import { earlyStoppingField } from './earlyStopping';
import { monitorDataFiles, monitorFieldProblems, monitorTaskFields } from './monitorTaskFields';
import { describeField } from './schemaErrors';
import { closest, didYouMean } from './suggest';
import { taskChecks } from './checksConfig';
import { readExecutor } from './executorConfig';
import type {
  ExecutorConfig,
  LayerSpec,
  MetricSourceSpec,
  OptimizerSpec,
  SourceRange,
  TaskConfig,
} from './types';
import { YamlSource, type YamlPath } from './yamlSource';
import { dict } from '../../shared/dict';

/** Defaults of the built-in trainer, as documented in the README. */
export const TFJS_TRAIN_DEFAULTS = {
  epochs: 50,
  batchSize: 32,
  validationSplit: 0.2,
  seed: 42,
  optimizer: { adam: { learning_rate: 0.001 } } as OptimizerSpec,
  model: { layers: [{ dense: 32, activation: 'relu' }] as LayerSpec[] },
};

function asList(value: unknown): string[] {
  if (value === undefined || value === null) {
    return [];
  }
  return Array.isArray(value) ? (value as string[]).map(String) : [value as string];
}

/** Builds one task from schema-valid data, collecting the checks the schema cannot express. */
export class TaskBuilder {
  readonly errors: UserInputError[] = [];
  private readonly path: YamlPath;
  private params = dict<ParamValue>();

  constructor(
    private readonly name: string,
    private readonly raw: Record<string, unknown>,
    private readonly source: YamlSource,
    private readonly root: string,
    private readonly taskNames: string[],
    /** The file's top-level `executor:`, for command tasks without their own. */
    private readonly defaultExecutor?: ExecutorConfig,
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
      ...taskChecks(raw, this.source, this.path, this.taskNames, this.errors),
    };
    this.checkPlaceholders();
    switch (kind) {
      case 'command': {
        const executor =
          readExecutor(raw.executor, this.source, this.at('executor'), this.errors) ?? this.defaultExecutor;
        return { ...base, kind, run: String(raw.run), ...(executor ? { executor } : {}) };
      }
      case 'tfjs-train':
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
          ...earlyStoppingField(raw.early_stopping),
        };
      case 'tfjs-eval':
        return {
          ...base,
          kind,
          model: String(raw.model),
          dataFile: String(raw.data),
          ...(raw.predictions === true ? { predictions: true } : {}),
        };
      case 'eval':
        return { ...base, kind, ...evalTaskFields(raw) };
      case 'monitor':
        this.checkDriftThresholds();
        for (const problem of monitorFieldProblems(raw)) {
          this.errors.push(this.source.error(problem.message, this.at(problem.key)));
        }
        return { ...base, kind, data: monitorDataFiles(raw), ...monitorTaskFields(raw) };
      case 'drift':
        this.checkDriftThresholds();
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

  /**
   * Drift thresholds that cannot mean what they say (a p-value level of 1 or more), at their position;
   * other problems of `options:` are the schema's or the drift job's to report.
   */
  private checkDriftThresholds(): void {
    let options;
    try {
      options = parseDriftOptions(
        this.raw.options as Record<string, unknown> | undefined,
        undefined,
        'options',
        undefined,
        false,
      );
    } catch {
      return;
    }
    for (const problem of thresholdProblems(options)) {
      const path =
        problem.column !== undefined
          ? this.at('options', 'per_column', problem.column, 'threshold')
          : this.at('options', 'threshold');
      this.errors.push(this.source.error(`threshold ${problem.threshold}: ${problem.message}`, path));
    }
  }

  private at(...rest: (string | number)[]): YamlPath {
    return [...this.path, ...rest];
  }

  private loadParams(): { params: Record<string, ParamValue>; paramFiles: string[]; paramSources: string[] } {
    const params = dict<ParamValue>();
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

  /**
   * The folder the task's relative paths resolve against: its `cwd`, like its command. A `cwd` with
   * placeholders is known only at run time; its params files are read from the workspace root.
   */
  private baseDir(): string {
    const cwd = this.raw.cwd;
    return typeof cwd === 'string' && !cwd.includes('${') ? resolve(this.root, cwd) : this.root;
  }

  private readParamFile(relative: string, path: YamlPath): Record<string, ParamValue> | undefined {
    const file = resolve(this.baseDir(), relative);
    let text: string;
    try {
      text = decodeUtf8(readRegularFileSync(file), file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why =
        error instanceof UserInputError
          ? undefined
          : code === 'EISDIR'
            ? `params file "${relative}" is a folder; name a YAML or JSON file.`
            : error instanceof NotRegularFileError
              ? `params file "${relative}": ${error.message}. Name a YAML or JSON file.`
              : code === 'ENOENT'
                ? `params file "${relative}" not found (looked for ${file}). Create it or fix the path; inline params are written as a map.`
                : `params file "${relative}" cannot be read (${code ?? String(error)}: ${file}). Check its permissions.`;
      this.errors.push(why === undefined ? (error as UserInputError) : this.source.error(why, path));
      return undefined;
    }
    const paramSource = new YamlSource(file, text);
    const syntax = paramSource.syntaxErrors();
    if (syntax.length > 0) {
      this.errors.push(...syntax);
      return undefined;
    }
    let value: unknown;
    try {
      value = paramSource.toJS();
    } catch (error) {
      if (!(error instanceof UserInputError)) {
        throw error;
      }
      this.errors.push(error);
      return undefined;
    }
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
      return undefined;
    }
    if (ms > MAX_TIMEOUT_MS) {
      this.errors.push(
        this.source.error(
          `timeout ${JSON.stringify(raw)} is longer than a year${typeof raw === 'number' ? ' (a number means seconds)' : ''}; the longest is 365d. Write a shorter duration, or leave out \`timeout:\` for no limit.`,
          this.at('timeout'),
        ),
      );
      return undefined;
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
    const ranges = dict<SourceRange>();
    for (const [key, value] of Object.entries(this.raw)) {
      ranges[key] = this.source.rangeOf(this.at(key));
      if (Array.isArray(value)) {
        value.forEach((_, i) => (ranges[`${key}.${i}`] = this.source.rangeOf(this.at(key, i))));
      }
    }
    return ranges;
  }

  /** Placeholders of `run:` where no value can be placed safely, at their line and column. */
  private checkCommandPlaceholders(): void {
    const run = this.raw.run;
    if (typeof run !== 'string') {
      return;
    }
    for (const use of commandPlaceholders(run)) {
      if (use.form === 'refused' && !use.placeholder.misspelt) {
        const same = run.slice(0, use.index).split(use.placeholder.text).length - 1;
        const range = this.source.rangeWithin(this.at('run'), use.placeholder.text, same);
        this.errors.push(this.source.errorAt(`${use.problem!}.`, range));
      }
    }
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
    this.checkCommandPlaceholders();
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
