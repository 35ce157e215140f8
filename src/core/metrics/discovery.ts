/**
 * Finds metric logs written by other tools — TensorBoard, MLflow, DVCLive, Keras and Lightning CSV —
 * anywhere in a workspace, and the sources a task names under `metrics:`, and reads them as
 * **imported runs**.
 *
 * The scan walks the workspace with the `glob` package over configurable patterns, pruning
 * `node_modules`, virtual environments and caches; hidden folders (`.git`, `.venv`, our own `.xlens`
 * store) are never entered. CSV candidates are confirmed by their
 * header: Keras' CSVLogger starts with `epoch`; Lightning's `metrics.csv` has a `step` column.
 */
import { access, open, readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { Glob } from 'glob';
import type { ParamValue, RunStatus } from '../runs/types';
import { classifyCsv, firstLine } from './csv/classify';
import { DiscoveryCache } from './discoveryCache';
import { CompositeReader, createReader } from './readerFactory';
import type { MetricReader, SourceSpec } from './readers';
import { runKey, SeriesAccumulator } from './readers';
import type { MetricSourceKind, ReadWarning, SeriesRun } from './series';
import { projectTaskSources, type TaskSource } from './taskSources';
import { findTensorBoardRuns } from './tensorboard';

export { classifyCsv } from './csv/classify';
export { projectTaskSources, sourcesFromTask, type TaskSource } from './taskSources';

/** The formats the workspace scan looks for. */
export type DiscoverableFormat = Exclude<MetricSourceKind, 'stdout' | 'jsonl'>;

/**
 * Default scan patterns per format, relative to the workspace root. A TensorBoard match is an event
 * file (its folder is the run); an MLflow match is an `mlruns` folder or an `mlflow.db` file; a
 * DVCLive match is its output folder; CSV matches are confirmed by their header.
 */
export const DEFAULT_DISCOVERY_GLOBS: Readonly<Record<DiscoverableFormat, readonly string[]>> = {
  tensorboard: ['**/*tfevents*'],
  mlflow: ['**/mlruns', '**/mlflow.db'],
  dvclive: ['**/dvclive'],
  'lightning-csv': ['**/lightning_logs/version_*/metrics.csv', '**/version_*/metrics.csv'],
  'keras-csv': ['**/training.log', '**/*log*.csv', '**/*history*.csv'],
};

/** Folder names never entered by the scan. */
export const DEFAULT_IGNORED_FOLDERS: readonly string[] = [
  'node_modules',
  '.git',
  '.venv',
  'venv',
  '.xlens',
  '__pycache__',
  '.tox',
  '.mypy_cache',
  '.pytest_cache',
];

export interface DiscoveryOptions {
  /** Patterns per format, replacing the defaults of the formats given. */
  globs?: Partial<Record<DiscoverableFormat, readonly string[]>>;
  /** Folder names to prune, replacing {@link DEFAULT_IGNORED_FOLDERS}. */
  ignore?: readonly string[];
  signal?: AbortSignal;
  /**
   * {@link discoverImportedRuns} only: also import the sources named under `metrics:` by the tasks of
   * `<root>/xlens.yaml`, and label runs with their task. Default true.
   */
  taskSources?: boolean;
  /**
   * {@link discoverImportedRuns} only: a cache file (e.g. `.xlens/cache/imported-runs.json`): a source
   * whose files are unchanged since the last scan (see `discoveryCache.ts`) is not read again.
   */
  cacheFile?: string;
}

/**
 * Scans `root` for metric logs.
 * @returns one source per TensorBoard run folder, MLflow store, DVCLive folder and CSV log, sorted by path.
 */
export async function discoverSources(root: string, options: DiscoveryOptions = {}): Promise<SourceSpec[]> {
  const absRoot = resolve(root);
  const globs = { ...DEFAULT_DISCOVERY_GLOBS, ...options.globs };
  const ignored = new Set(options.ignore ?? DEFAULT_IGNORED_FOLDERS);
  const found = new Map<string, SourceSpec>();
  const add = (format: MetricSourceKind, path: string): void => {
    if (!found.has(path)) {
      found.set(path, { format, path });
    }
  };
  // One walk per format keeps each match attributable to its format; the walks share one path cache
  // (`scurry`), so each directory is listed once.
  let scurry: Glob<{ withFileTypes: true }>['scurry'] | undefined;
  const csvCandidates: { format: 'keras-csv' | 'lightning-csv'; path: string }[] = [];
  for (const format of Object.keys(globs) as DiscoverableFormat[]) {
    if (globs[format].length === 0) {
      continue;
    }
    const walker = new Glob([...globs[format]], {
      cwd: absRoot,
      scurry,
      dot: false,
      follow: false,
      withFileTypes: true,
      signal: options.signal,
      ignore: { ignored: (p) => ignored.has(p.name), childrenIgnored: (p) => ignored.has(p.name) },
    });
    scurry = walker.scurry;
    const matches = await walker.walk();
    for (const match of matches) {
      const path = match.fullpath();
      switch (format) {
        case 'tensorboard':
          if (match.isFile()) {
            add('tensorboard', dirname(path));
          }
          break;
        case 'mlflow':
          if (match.isDirectory() || match.isFile()) {
            add('mlflow', path);
          }
          break;
        case 'dvclive':
          if (match.isDirectory() && (await looksLikeDvclive(path))) {
            add('dvclive', path);
          }
          break;
        case 'lightning-csv':
        case 'keras-csv':
          if (match.isFile()) {
            csvCandidates.push({ format, path });
          }
          break;
      }
    }
  }
  // The patterns match below the root; the root itself may be a store or run folder too.
  const rootFormat = await rootStoreFormat(absRoot);
  if (rootFormat !== undefined && globs[rootFormat].length > 0) {
    add(rootFormat, absRoot);
  }
  if (globs['lightning-csv'].length > 0 && /^version_\d+$/.test(basename(absRoot))) {
    csvCandidates.push({ format: 'lightning-csv', path: join(absRoot, 'metrics.csv') });
  }
  for (const { format, path } of csvCandidates) {
    const kind = await classifyCsv(path, format);
    if (kind && !insideStore(path, found)) {
      add(kind, path);
    }
  }
  // A TensorBoard source reads its folder as a logdir, sub-folders included (an `add_hparams` call
  // writes its run one folder down): a run folder inside another is already read by the outer one.
  for (const source of [...found.values()]) {
    if (source.format === 'tensorboard' && insideTensorBoardSource(source.path, found)) {
      found.delete(source.path);
    }
  }
  return [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The format of a folder that is itself a store the patterns cannot match from inside it: a DVCLive
 * output folder (named `dvclive` or not: it has `plots/metrics`, or `metrics.json` with `dvc.yaml`)
 * or an MLflow file store not named `mlruns` (experiment folders holding `meta.yaml`).
 */
async function rootStoreFormat(dir: string): Promise<'dvclive' | 'mlflow' | undefined> {
  if (basename(dir) === 'dvclive' ? await looksLikeDvclive(dir) : await looksLikeCustomDvclive(dir)) {
    return 'dvclive';
  }
  if (basename(dir) === 'mlruns' || (await looksLikeMlruns(dir))) {
    return 'mlflow';
  }
  return undefined;
}

async function looksLikeCustomDvclive(dir: string): Promise<boolean> {
  return (
    (await isFolder(join(dir, 'plots', 'metrics'))) ||
    ((await exists(join(dir, 'metrics.json'))) && (await exists(join(dir, 'dvc.yaml'))))
  );
}

/** An MLflow file store: a sub-folder (an experiment) whose `meta.yaml` names an `artifact_location`. */
async function looksLikeMlruns(dir: string): Promise<boolean> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) {
      continue;
    }
    try {
      const meta = await readFile(join(dir, entry.name, 'meta.yaml'), 'utf8');
      if (/^artifact_location:/m.test(meta) && /^experiment_id:/m.test(meta)) {
        return true;
      }
    } catch {
      // Not an experiment folder.
    }
  }
  return false;
}

function insideTensorBoardSource(path: string, found: Map<string, SourceSpec>): boolean {
  for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
    if (found.get(dir)?.format === 'tensorboard') {
      return true;
    }
  }
  return false;
}

/** A run found by the scan, summarised for listings (`xlens import`, `xlens runs --imported`). */
export interface ImportedRun {
  /** Unique across sources: `<format>:<source path>#<run id>`. */
  key: string;
  format: MetricSourceKind;
  /** Absolute path of the source the run came from (store, folder or file). */
  source: string;
  /** `source` relative to the scanned root, with `/` separators. */
  relativePath: string;
  id: string;
  name: string;
  experiment?: string;
  status?: RunStatus;
  gitCommit?: string;
  /** Unix ms. */
  startTime?: number;
  endTime?: number;
  params: Record<string, ParamValue>;
  tags: Record<string, string>;
  /** Per metric, in the order the source lists them. */
  metrics: { name: string; points: number; lastStep: number; last: number }[];
  /** The task of `xlens.yaml` whose `metrics:` names this run's source, when one does. */
  task?: string;
}

export interface ImportedRunsResult {
  runs: ImportedRun[];
  sources: SourceSpec[];
  warnings: ReadWarning[];
  /** All warnings counted, when more than `warnings` holds. */
  warningCount: number;
  /** How many sources were taken from the cache (`cacheFile`) instead of being read. */
  fromCache?: number;
}

/**
 * Scans `root` (a folder, or a single log file or store) and reads every run found. For a folder, the
 * sources its `xlens.yaml` tasks name under `metrics:` are read too (see {@link mergeTaskSources}).
 * Unreadable parts become warnings; this never throws for bad logs.
 */
export async function discoverImportedRuns(
  root: string,
  options: DiscoveryOptions = {},
): Promise<ImportedRunsResult> {
  const absRoot = resolve(root);
  const single = await singleSource(absRoot);
  let sources: SourceSpec[];
  let taskOf = new Map<string, string>();
  if (single) {
    sources = [single];
  } else {
    const scanned = await discoverSources(absRoot, options);
    const named = options.taskSources === false ? [] : await projectTaskSources(absRoot);
    ({ sources, taskOf } = mergeTaskSources(scanned, named));
  }
  const base = single ? dirname(absRoot) : absRoot;
  const cache = options.cacheFile ? await DiscoveryCache.open(options.cacheFile, base) : undefined;
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
      const result = await readSource(source);
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

/** Reads one source completely with a fresh reader. */
export async function readSource(
  source: SourceSpec,
): Promise<{ runs: SeriesRun[]; warnings: ReadWarning[]; warningCount: number }> {
  const acc = new SeriesAccumulator(200);
  let reader: MetricReader | undefined;
  try {
    reader = createSourceReader(source);
    acc.apply(await reader.read());
  } catch (error) {
    acc.apply({ runs: [], warnings: [{ file: source.path, message: (error as Error).message }] });
  } finally {
    reader?.dispose?.();
  }
  return { runs: acc.snapshot(), warnings: acc.warnings, warningCount: acc.warningCount };
}

/**
 * The reader of a source, where a TensorBoard path may be a logdir holding many run folders: those
 * are found again on each read, so runs started later are picked up.
 */
export function createSourceReader(source: SourceSpec): MetricReader {
  if (source.format !== 'tensorboard') {
    return createReader(source);
  }
  return new CompositeReader(source, async () =>
    (await findTensorBoardRuns(source.path)).map((path): SourceSpec => ({ format: 'tensorboard', path })),
  );
}

function summarise(source: SourceSpec, run: SeriesRun, base: string): ImportedRun {
  const rel = relative(base, source.path).split(sep).join('/') || '.';
  // A TensorBoard run is its folder: name it by its path under the scanned root.
  if (run.source === 'tensorboard' && run.id === '.') {
    run = { ...run, id: rel, name: rel };
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
      const last = points[points.length - 1];
      return { name, points: points.length, lastStep: last?.step ?? 0, last: last?.value ?? Number.NaN };
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
  // A folder named `dvclive` may hold several projects' DVCLive folders rather than be one: scanned.
  if (/tfevents/.test(name)) {
    return { format: 'tensorboard', path: dirname(path) };
  }
  const csv =
    (await firstLine(path)) !== undefined && !(await isFolder(path)) ? await classifyCsv(path) : undefined;
  return csv ? { format: csv, path } : undefined;
}

/** True for a CSV under an MLflow store or DVCLive folder (artifacts), which that store's reader already covers. */
function insideStore(path: string, found: Map<string, SourceSpec>): boolean {
  for (const source of found.values()) {
    if ((source.format === 'mlflow' || source.format === 'dvclive') && path.startsWith(source.path + sep)) {
      return true;
    }
  }
  return false;
}

/** A DVCLive folder holds a summary, params or series (a folder merely named `dvclive` may not). */
async function looksLikeDvclive(dir: string): Promise<boolean> {
  for (const entry of [
    'metrics.json',
    'params.yaml',
    'plots/metrics',
    'scalars',
    `../${basename(dir)}.json`,
  ]) {
    try {
      await access(join(dir, entry));
      return true;
    } catch {
      // Try the next marker.
    }
  }
  return false;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function isFolder(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'r');
    try {
      return (await handle.stat()).isDirectory();
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}
