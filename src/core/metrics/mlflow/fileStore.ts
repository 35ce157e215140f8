/**
 * Reader for MLflow's file store (`mlruns/`), the layout written by `mlflow.log_*` with a local
 * tracking URI (MLflow `FileStore`, `mlflow/store/tracking/file_store.py`):
 *
 * ```
 * mlruns/<experiment id>/meta.yaml                 name, lifecycle_stage
 * mlruns/<experiment id>/<run id>/meta.yaml        run_id, run_name, status (1–5), start_time, end_time (ms), lifecycle_stage
 * mlruns/<experiment id>/<run id>/metrics/<key>    one line per value: "<timestamp ms> <value> <step>" (old stores: no step)
 * mlruns/<experiment id>/<run id>/params/<key>     the value as text
 * mlruns/<experiment id>/<run id>/tags/<key>       the value as text
 * ```
 * Keys containing `/` are sub-folders. Deleted experiments (`.trash/`, lifecycle_stage `deleted`) and
 * deleted runs are skipped; `models/` (the model registry) is not an experiment.
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ParamValue, RunStatus } from '../../runs/types';
import type { MetricReader, ReadResult, SourceSpec } from '../readers';
import { pushPoint } from '../readers';
import type { MetricPoint, ReadWarning, SeriesRun } from '../series';
import { FileTail } from '../../base/fileTail';
import { parseNumberCell, parseStepCell } from '../values';
import { GIT_COMMIT_TAG, mlflowStatus, msTime, RUN_NAME_TAG } from './common';
import { dict } from '../../../shared/dict';

interface ExperimentState {
  stamp: string;
  name?: string;
  deleted: boolean;
}

interface RunMeta {
  runId: string;
  runName?: string;
  status?: RunStatus;
  startTime?: number;
  endTime?: number;
  deleted: boolean;
}

interface RunState {
  dir: string;
  experimentId: string;
  metaStamp: string;
  meta: RunMeta;
  metricTails: Map<string, FileTail>;
  params: Record<string, ParamValue>;
  tags: Record<string, string>;
  /** Stamp (mtime+size) of each param/tag file already read. */
  stamps: Map<string, string>;
}

/** Only part of a store: one experiment folder, or one run folder (see `layout.ts`). */
export interface FileStoreScope {
  /** The experiment folder's name (its id). */
  experiment: string;
  /** The run folder's name (its id), for one run. */
  run?: string;
  /** The folder named by the user: the reader's source path. */
  path: string;
}

/** Reads an `mlruns/` folder incrementally: each metric file is tailed; meta, params and tags are re-read when they change. */
export class MlflowFileStoreReader implements MetricReader {
  readonly source: SourceSpec;
  private readonly experiments = new Map<string, ExperimentState>();
  private readonly runs = new Map<string, RunState>();
  /** Runs returned by earlier reads and not deleted since. */
  private live = new Set<string>();

  /**
   * @param root absolute path of the `mlruns` folder.
   * @param scope read only one experiment or run of it.
   */
  constructor(
    readonly root: string,
    private readonly scope?: FileStoreScope,
  ) {
    this.source = { format: 'mlflow', path: scope?.path ?? root };
  }

  async read(): Promise<ReadResult> {
    const warnings: ReadWarning[] = [];
    const changed: SeriesRun[] = [];
    const reset: string[] = [];
    const seen = new Set<string>();
    for (const expEntry of await listDirs(this.root, warnings)) {
      if (expEntry.startsWith('.') || expEntry === 'models') {
        continue;
      }
      if (this.scope && expEntry !== this.scope.experiment) {
        continue;
      }
      const expDir = join(this.root, expEntry);
      const experiment = await this.readExperiment(expEntry, expDir, warnings);
      if (!experiment || experiment.deleted) {
        continue;
      }
      for (const runEntry of await listDirs(expDir, warnings)) {
        if (this.scope?.run !== undefined && runEntry !== this.scope.run) {
          continue;
        }
        const runDir = join(expDir, runEntry);
        const metaStamp = await fileStamp(join(runDir, 'meta.yaml'));
        if (metaStamp === undefined) {
          continue;
        }
        let state = this.runs.get(runEntry);
        const isNew = !state;
        let metaChanged = false;
        if (!state || state.metaStamp !== metaStamp) {
          const meta = await readRunMeta(join(runDir, 'meta.yaml'), runEntry, warnings);
          if (!meta) {
            continue;
          }
          metaChanged = true;
          if (!state) {
            state = {
              dir: runDir,
              experimentId: expEntry,
              metaStamp,
              meta,
              metricTails: new Map(),
              params: dict(),
              tags: dict(),
              stamps: new Map(),
            };
            this.runs.set(runEntry, state);
          } else {
            state.meta = meta;
            state.metaStamp = metaStamp;
          }
        }
        if (state.meta.deleted) {
          continue;
        }
        seen.add(runEntry);
        const paramsChanged = await this.readKeyValues(state, 'params', warnings);
        const tagsChanged = await this.readKeyValues(state, 'tags', warnings);
        const { metrics, wasReset } = await this.readMetrics(state, warnings);
        if (wasReset) {
          reset.push(runEntry);
        }
        if (isNew || metaChanged || paramsChanged || tagsChanged || metrics.size > 0 || wasReset) {
          changed.push(toSeriesRun(this.root, state, experiment.name, metrics));
        }
      }
    }
    const removed = [...this.live].filter((id) => !seen.has(id));
    for (const id of this.runs.keys()) {
      if (!seen.has(id) && this.runs.get(id)?.meta.deleted !== true) {
        this.runs.delete(id);
      }
    }
    this.live = seen;
    return { runs: changed, warnings, reset, removed };
  }

  private async readExperiment(
    id: string,
    dir: string,
    warnings: ReadWarning[],
  ): Promise<ExperimentState | undefined> {
    const file = join(dir, 'meta.yaml');
    const stamp = await fileStamp(file);
    if (stamp === undefined) {
      return undefined;
    }
    const known = this.experiments.get(id);
    if (known && known.stamp === stamp) {
      return known;
    }
    const meta = await readYamlMap(file, warnings);
    const state: ExperimentState = {
      stamp,
      name: typeof meta?.name === 'string' ? meta.name : undefined,
      deleted: meta?.lifecycle_stage === 'deleted',
    };
    this.experiments.set(id, state);
    return state;
  }

  /** Re-reads changed files under `params/` or `tags/`; returns whether anything changed. */
  private async readKeyValues(
    state: RunState,
    kind: 'params' | 'tags',
    warnings: ReadWarning[],
  ): Promise<boolean> {
    const dir = join(state.dir, kind);
    const target = kind === 'params' ? state.params : state.tags;
    let changed = false;
    const present = new Set<string>();
    for (const key of await listFilesDeep(dir, warnings)) {
      present.add(key);
      const file = join(dir, key);
      const stamp = await fileStamp(file);
      const stampKey = `${kind}/${key}`;
      if (stamp !== undefined && state.stamps.get(stampKey) === stamp) {
        continue;
      }
      try {
        // Without a stamp (a broken link) the read fails and names the problem.
        const value = await readFile(file, 'utf8');
        target[key] = value;
        state.stamps.set(stampKey, stamp ?? '');
        changed = true;
      } catch (error) {
        warnings.push({
          file,
          message: `cannot read ${kind === 'params' ? 'param' : 'tag'}: ${(error as Error).message}`,
        });
      }
    }
    for (const key of Object.keys(target)) {
      if (!present.has(key)) {
        delete target[key];
        state.stamps.delete(`${kind}/${key}`);
        changed = true;
      }
    }
    return changed;
  }

  private async readMetrics(
    state: RunState,
    warnings: ReadWarning[],
  ): Promise<{ metrics: Map<string, MetricPoint[]>; wasReset: boolean }> {
    const dir = join(state.dir, 'metrics');
    const metrics = new Map<string, MetricPoint[]>();
    let wasReset = false;
    for (const key of await listFilesDeep(dir, warnings)) {
      let tail = state.metricTails.get(key);
      if (!tail) {
        tail = new FileTail(join(dir, key));
        state.metricTails.set(key, tail);
      }
      let read;
      try {
        read = await tail.read();
      } catch (error) {
        warnings.push({ file: tail.file, message: `cannot read metric file: ${(error as Error).message}` });
        continue;
      }
      if (read.reset) {
        wasReset = true;
      }
      for (const { text, line } of read.lines) {
        const point = parseMetricLine(text);
        if (typeof point === 'string') {
          warnings.push({ file: tail.file, line, message: point });
        } else if (point) {
          pushPoint(metrics, key, point);
        }
      }
    }
    if (wasReset) {
      // One metric file was rewritten: start every series of the run over so the reset is consistent.
      for (const tail of state.metricTails.values()) {
        tail.restart();
      }
      return { metrics: (await this.readMetrics(state, warnings)).metrics, wasReset: true };
    }
    return { metrics, wasReset };
  }
}

/**
 * Parses one metric line `<timestamp ms> <value> [<step>]`.
 * @returns the point, `undefined` for a blank line, or a warning message.
 */
export function parseMetricLine(text: string): MetricPoint | string | undefined {
  const parts = text.trim().split(/\s+/);
  if (parts.length === 1 && parts[0] === '') {
    return undefined;
  }
  if (parts.length < 2 || parts.length > 3) {
    return `expected "<timestamp> <value> <step>", got ${JSON.stringify(text.slice(0, 80))}`;
  }
  const time = parseNumberCell(parts[0]);
  const value = parseNumberCell(parts[1]);
  const step = parts.length === 3 ? parseStepCell(parts[2]) : 0;
  if (time === undefined || !Number.isFinite(time)) {
    return `timestamp ${JSON.stringify(parts[0])} is not a number`;
  }
  if (value === undefined) {
    return `value ${JSON.stringify(parts[1])} is not a number`;
  }
  if (step === undefined) {
    return `step ${JSON.stringify(parts[2])} is not an integer >= 0`;
  }
  return { step, value, time };
}

function toSeriesRun(
  root: string,
  state: RunState,
  experimentName: string | undefined,
  metrics: Map<string, MetricPoint[]>,
): SeriesRun {
  const { meta, tags } = state;
  const run: SeriesRun = {
    id: meta.runId,
    name: meta.runName || tags[RUN_NAME_TAG] || meta.runId,
    source: 'mlflow',
    path: root,
    metrics,
    params: { ...state.params },
    tags: { ...tags },
    experiment: experimentName ?? state.experimentId,
  };
  if (meta.status) {
    run.status = meta.status;
  }
  const commit = tags[GIT_COMMIT_TAG]?.trim();
  if (commit) {
    run.gitCommit = commit;
  }
  if (meta.startTime !== undefined) {
    run.startTime = meta.startTime;
  }
  if (meta.endTime !== undefined) {
    run.endTime = meta.endTime;
  }
  return run;
}

async function readRunMeta(
  file: string,
  dirName: string,
  warnings: ReadWarning[],
): Promise<RunMeta | undefined> {
  const meta = await readYamlMap(file, warnings);
  if (!meta) {
    return undefined;
  }
  const runId = typeof meta.run_id === 'string' && meta.run_id ? meta.run_id : dirName;
  const runName = typeof meta.run_name === 'string' && meta.run_name ? meta.run_name : undefined;
  return {
    runId,
    runName,
    status: mlflowStatus(meta.status),
    startTime: msTime(meta.start_time),
    endTime: msTime(meta.end_time),
    deleted: meta.lifecycle_stage === 'deleted',
  };
}

async function readYamlMap(
  file: string,
  warnings: ReadWarning[],
): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    warnings.push({ file, message: `cannot read: ${(error as Error).message}` });
    return undefined;
  }
  try {
    const data: unknown = parseYaml(text, { logLevel: 'silent' });
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      // An empty meta.yaml is what a crash between create and write leaves; say so.
      warnings.push({
        file,
        line: 1,
        message: 'expected a YAML mapping (the file is empty or not MLflow meta)',
      });
      return undefined;
    }
    return data as Record<string, unknown>;
  } catch (error) {
    const line = (error as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    warnings.push({ file, line, message: `not valid YAML: ${(error as Error).message.split('\n')[0]}` });
    return undefined;
  }
}

/** `mtime:size` of a file, or `undefined` when it does not exist. */
async function fileStamp(file: string): Promise<string | undefined> {
  try {
    const info = await stat(file);
    return info.isFile() ? `${info.mtimeMs}:${info.size}` : undefined;
  } catch {
    return undefined;
  }
}

async function listDirs(dir: string, warnings: ReadWarning[]): Promise<string[]> {
  return (await listEntries(dir, warnings))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

async function listEntries(dir: string, warnings: ReadWarning[]): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') {
      warnings.push({ file: dir, message: `cannot list folder: ${(error as Error).message}` });
    }
    return [];
  }
}

/** Files under `dir`, recursively, as `/`-joined relative paths (MLflow keys), sorted. */
async function listFilesDeep(dir: string, warnings: ReadWarning[], prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await listEntries(dir, warnings)) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      out.push(...(await listFilesDeep(join(dir, entry.name), warnings, rel)));
    } else if (entry.isFile() || entry.isSymbolicLink()) {
      out.push(rel); // a link that cannot be read is reported by the read, not silently left out
    }
  }
  return out.sort();
}
