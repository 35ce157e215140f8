/**
 * Reads the metric logs of a workspace as **imported runs**: the sources the scan finds (`scan.ts`)
 * and the sources a task names under `metrics:` (`taskSources.ts`), each read completely, or taken
 * from the scan cache (`discoveryCache.ts`) while its files are unchanged.
 */
import { basename, dirname, relative, resolve, sep } from 'node:path';
import { CancelledError } from '../../base/errors';
import { addToSummary } from '../../runs/summaries';
import type { MetricSummary } from '../../runs/types';
import { classifyCsv, firstLine } from '../csv/classify';
import { createSourceReader } from '../readerFactory';
import { mlflowFolderKind } from '../mlflow/layout';
import type { MetricReader, SourceSpec } from '../readers';
import { runKey, SeriesAccumulator } from '../readers';
import type { ReadWarning, SeriesRun } from '../series';
import { isWandbFileName, isWandbRunFolderName } from '../wandb/wandbReader';
import { DiscoveryCache } from './discoveryCache';
import { exists, isFolder } from './fsProbe';
import type { ImportedRun, ImportedRunsResult } from './importedRun';
import { discoverSources, type DiscoveryOptions } from './scan';
import { projectTaskSources, type TaskSource } from './taskSources';

/**
 * Scans `root` (a folder, or a single log file or store) and reads every run found. For a folder, the
 * sources its `xlens.yaml` tasks name under `metrics:` are read too (see {@link mergeTaskSources}).
 * Unreadable parts become warnings; this never throws for bad logs.
 * @throws CancelledError when `options.signal` fires while a source is read.
 */
export async function discoverImportedRuns(
  root: string,
  options: DiscoveryOptions = {},
): Promise<ImportedRunsResult> {
  const absRoot = resolve(root);
  const { sources, taskOf, single } = await findImportSources(absRoot, options);
  const base = single ? dirname(absRoot) : absRoot;
  const cache = options.cacheFile
    ? await DiscoveryCache.open(options.cacheFile, base, options.beforeCacheWrite)
    : undefined;
  const runs: ImportedRun[] = [];
  const warnings: ReadWarning[] = [];
  let warningCount = 0;
  let fromCache = 0;
  for (const source of sources) {
    if (!(await exists(source.path))) {
      continue; // a log a task will write when it runs: watched (it stays in `sources`), nothing to list yet
    }
    const signature = await cache?.signature(source);
    let read = cache?.get(source, signature);
    if (read) {
      fromCache++;
    } else {
      const result = await readSource(source, options.signal);
      read = {
        runs: result.runs.map((run) => summarise(source, run, base)),
        warnings: result.warnings,
        warningCount: result.warningCount,
      };
      cache?.set(source, signature, read);
    }
    warnings.push(...read.warnings.slice(0, Math.max(0, 200 - warnings.length)));
    warningCount += read.warningCount;
    const task = taskOf.get(source.path);
    runs.push(...(task === undefined ? read.runs : read.runs.map((run) => ({ ...run, task }))));
  }
  await cache?.save();
  return { runs, sources, warnings, warningCount, fromCache };
}

/**
 * The sources {@link discoverImportedRuns} reads for `root` (without reading them): `root` itself when
 * it is one log, else what the scan finds plus the sources its `xlens.yaml` tasks name.
 * @returns the sources, the task naming each source path, and whether `root` is a single log.
 */
export async function findImportSources(
  root: string,
  options: DiscoveryOptions = {},
): Promise<{ sources: SourceSpec[]; taskOf: Map<string, string>; single: boolean }> {
  const absRoot = resolve(root);
  const single = await singleSource(absRoot);
  if (single) {
    return { sources: [single], taskOf: new Map(), single: true };
  }
  const scanned = await discoverSources(absRoot, options);
  const named = options.taskSources === false ? [] : await projectTaskSources(absRoot);
  return { ...mergeTaskSources(scanned, named), single: false };
}

/**
 * Adds the sources tasks name to the scanned ones. A task source the scan already covers (the same
 * path, or a folder holding scanned sources of its format, e.g. a TensorBoard logdir and its run
 * folders) is not read twice: the scanned sources are labelled with the task instead. Others (a JSONL
 * file, a CSV with an unusual name, a logdir not written yet) are added.
 * @returns the sources, scanned first, and the task naming each source path, where one does.
 */
export function mergeTaskSources(
  scanned: readonly SourceSpec[],
  named: readonly TaskSource[],
): { sources: SourceSpec[]; taskOf: Map<string, string> } {
  const sources = [...scanned];
  const taskOf = new Map<string, string>();
  for (const { task, source } of named) {
    if (source.path.includes('${')) {
      continue; // the path depends on params (`${params.x}`), known only when the task runs
    }
    const covered = sources.filter(
      (s) => s.path === source.path || (s.format === source.format && s.path.startsWith(source.path + sep)),
    );
    if (covered.length === 0) {
      sources.push(source);
    }
    for (const s of covered.length > 0 ? covered : [source]) {
      if (!taskOf.has(s.path)) {
        taskOf.set(s.path, task);
      }
    }
  }
  return { sources, taskOf };
}

/**
 * Reads one source completely with a fresh reader.
 * @throws CancelledError when `signal` fires during the read; problems of the data become warnings.
 */
export async function readSource(
  source: SourceSpec,
  signal?: AbortSignal,
): Promise<{ runs: SeriesRun[]; warnings: ReadWarning[]; warningCount: number }> {
  const acc = new SeriesAccumulator(200);
  let reader: MetricReader | undefined;
  try {
    reader = createSourceReader(source);
    acc.apply(await reader.read({ signal }));
  } catch (error) {
    if (error instanceof CancelledError) {
      throw error;
    }
    acc.apply({ runs: [], warnings: [{ file: source.path, message: (error as Error).message }] });
  } finally {
    reader?.dispose?.();
  }
  return { runs: acc.snapshot(), warnings: acc.warnings, warningCount: acc.warningCount };
}

function summarise(source: SourceSpec, run: SeriesRun, base: string): ImportedRun {
  const rel = relative(base, source.path).split(sep).join('/') || '.';
  // A TensorBoard run is its folder: name it by its path under the scanned root.
  if (run.source === 'tensorboard' && run.id === '.') {
    run = { ...run, id: rel, name: rel === '.' ? basename(source.path) : rel };
  } else if (run.source === 'tensorboard' && rel !== '.' && run.name === run.id) {
    run = { ...run, name: `${rel}/${run.id}` }; // a run folder below the source's logdir
  }
  const imported: ImportedRun = {
    key: runKey(source, run.id),
    format: run.source,
    source: source.path,
    relativePath: rel,
    id: run.id,
    name: run.name,
    params: run.params,
    tags: run.tags,
    metrics: [...run.metrics].map(([name, points]) => {
      // Non-finite values (a diverged loss) are counted apart; `last` is the last finite one (NaN if none).
      const finite = points.filter((p) => Number.isFinite(p.value));
      const last = finite[finite.length - 1];
      const nonFinite = points.length - finite.length;
      let summary: MetricSummary | undefined;
      for (const point of finite) {
        summary = addToSummary(summary, name, point.step, point.value);
      }
      return {
        name,
        points: finite.length,
        lastStep: last?.step ?? points[points.length - 1]?.step ?? 0,
        last: last?.value ?? Number.NaN,
        ...(nonFinite > 0 ? { nonFinite } : {}),
        ...(summary ? { min: summary.min, max: summary.max, bestStep: summary.bestStep } : {}),
      };
    }),
  };
  for (const key of ['experiment', 'status', 'gitCommit', 'startTime', 'endTime'] as const) {
    if (run[key] !== undefined) {
      (imported as unknown as Record<string, unknown>)[key] = run[key];
    }
  }
  return imported;
}

/** When `path` is itself a log (a CSV/JSONL file, `mlflow.db`, an `mlruns` or DVCLive folder), its source. */
async function singleSource(path: string): Promise<SourceSpec | undefined> {
  const name = basename(path);
  if (/\.(db|sqlite3?)$/i.test(name)) {
    return { format: 'mlflow', path };
  }
  if (/\.jsonl$/i.test(name)) {
    return { format: 'jsonl', path };
  }
  if (name === 'mlruns' && (await isFolder(path))) {
    return { format: 'mlflow', path };
  }
  // One experiment (`mlruns/1`) or one run folder of an MLflow file store.
  if ((await isFolder(path)) && ['experiment', 'run'].includes(mlflowFolderKind(path))) {
    return { format: 'mlflow', path };
  }
  // A folder named `dvclive` may hold several projects' DVCLive folders rather than be one: scanned.
  if (/tfevents/.test(name)) {
    return { format: 'tensorboard', path: dirname(path) };
  }
  if (isWandbFileName(name)) {
    return { format: 'wandb', path: isWandbRunFolderName(basename(dirname(path))) ? dirname(path) : path };
  }
  if (isWandbRunFolderName(name) && (await isFolder(path))) {
    return { format: 'wandb', path };
  }
  const csv =
    (await firstLine(path)) !== undefined && !(await isFolder(path)) ? await classifyCsv(path) : undefined;
  return csv ? { format: csv, path } : undefined;
}
