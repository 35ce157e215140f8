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
import { access, open } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Glob } from 'glob';
import type { MetricSourceSpec, TaskConfig } from '../config/types';
import type { ParamValue, RunStatus } from '../runs/types';
import { detectSeparator } from './csv/csvTable';
import { CompositeReader, createReader } from './readerFactory';
import type { MetricReader, SourceSpec } from './readers';
import { runKey, SeriesAccumulator } from './readers';
import type { MetricSourceKind, ReadWarning, SeriesRun } from './series';
import { findTensorBoardRuns } from './tensorboard';

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
  for (const { format, path } of csvCandidates) {
    const kind = await classifyCsv(path, format);
    if (kind && !insideStore(path, found)) {
      add(kind, path);
    }
  }
  return [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Tells a Keras CSVLogger file from a Lightning CSVLogger `metrics.csv` by its header line.
 * @param hint the format whose pattern matched, used when the header fits both.
 * @returns the format, or `undefined` when the file is neither (or unreadable).
 */
export async function classifyCsv(
  file: string,
  hint?: 'keras-csv' | 'lightning-csv',
): Promise<'keras-csv' | 'lightning-csv' | undefined> {
  const header = await firstLine(file);
  if (header === undefined) {
    return undefined;
  }
  const cells = header.split(detectSeparator(header)).map((c) => c.trim().replace(/^"|"$/g, ''));
  const lightningLike = cells.includes('step');
  const kerasLike = cells[0] === 'epoch';
  if (lightningLike && (hint === 'lightning-csv' || basename(file) === 'metrics.csv' || !kerasLike)) {
    return 'lightning-csv';
  }
  return kerasLike ? 'keras-csv' : undefined;
}

/**
 * The sources a task names under `metrics:`, with paths resolved against the task's working folder.
 * `stdout` patterns are not files and are left out; a `csv` source is classified by its header
 * (Keras when unreadable yet, since a run may create it later).
 */
export async function sourcesFromTask(task: TaskConfig, root: string): Promise<SourceSpec[]> {
  const base = resolve(root, task.cwd ?? '.');
  const out: SourceSpec[] = [];
  for (const spec of task.metrics) {
    const source = await sourceFromSpec(spec, base);
    if (source) {
      out.push(source);
    }
  }
  return out;
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
  return undefined;
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
}

export interface ImportedRunsResult {
  runs: ImportedRun[];
  sources: SourceSpec[];
  warnings: ReadWarning[];
  /** All warnings counted, when more than `warnings` holds. */
  warningCount: number;
}

/**
 * Scans `root` (a folder, or a single log file or store) and reads every run found.
 * Unreadable parts become warnings; this never throws for bad logs.
 */
export async function discoverImportedRuns(
  root: string,
  options: DiscoveryOptions = {},
): Promise<ImportedRunsResult> {
  const absRoot = resolve(root);
  const single = await singleSource(absRoot);
  const sources = single ? [single] : await discoverSources(absRoot, options);
  const base = single ? dirname(absRoot) : absRoot;
  const runs: ImportedRun[] = [];
  const warnings: ReadWarning[] = [];
  let warningCount = 0;
  for (const source of sources) {
    const { runs: read, warnings: w, warningCount: count } = await readSource(source);
    warnings.push(...w.slice(0, Math.max(0, 200 - warnings.length)));
    warningCount += count;
    for (const run of read) {
      runs.push(summarise(source, run, base));
    }
  }
  return { runs, sources, warnings, warningCount };
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
  if (name === 'mlruns') {
    return { format: 'mlflow', path };
  }
  if (name === 'dvclive') {
    return { format: 'dvclive', path };
  }
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

/** The first line of a text file (up to 64 KiB), or `undefined` when unreadable or a folder. */
async function firstLine(file: string): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(file, 'r');
    if (!(await handle.stat()).isFile()) {
      return undefined;
    }
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8');
    const end = text.indexOf('\n');
    return (end < 0 ? text : text.slice(0, end)).replace(/\r$/, '').replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}
