/**
 * Finds metric logs written by other tools — TensorBoard, MLflow, DVCLive, Keras and Lightning CSV —
 * anywhere in a workspace, as {@link SourceSpec}s (reading them is `discovery.ts`'s job).
 *
 * The scan walks the workspace with the `glob` package over configurable patterns, pruning
 * `node_modules`, virtual environments and caches; hidden folders (`.git`, `.venv`, our own `.xlens`
 * store) are never entered. CSV logs are found by content, not by name: every `.csv`, `.log` and
 * `.tsv` file is sniffed with one bounded read of its header and first row (`csv/classify.ts`: Keras'
 * CSVLogger starts with `epoch`; Lightning's `metrics.csv` has `step` and `epoch` columns), so
 * `training_191017.log` is found as well as `training.log`.
 */
import { access, readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { Glob } from 'glob';
import { classifyCsv, sniffCsvLog } from '../csv/classify';
import type { SourceSpec } from '../readers';
import type { MetricSourceKind } from '../series';
import { findWandbRuns, isWandbRunFolderName } from '../wandb/wandbReader';
import { exists, isFolder } from './fsProbe';

/** The formats the workspace scan looks for. */
export type DiscoverableFormat = Exclude<MetricSourceKind, 'stdout' | 'jsonl'>;

/**
 * Default scan patterns per format, relative to the workspace root. A TensorBoard match is an event
 * file (its folder is the run); an MLflow match is an `mlruns` folder or an `mlflow.db` file; a
 * DVCLive match is its output folder; a W&B match is a run folder (`wandb/offline-run-*`, a synced
 * `wandb/run-*`); a `lightning-csv` match is confirmed by its header; the `keras-csv` patterns select
 * the files sniffed by content, Keras or Lightning (`sniffCsvLog`).
 */
export const DEFAULT_DISCOVERY_GLOBS: Readonly<Record<DiscoverableFormat, readonly string[]>> = {
  tensorboard: ['**/*tfevents*'],
  mlflow: ['**/mlruns', '**/mlflow.db'],
  dvclive: ['**/dvclive'],
  'lightning-csv': ['**/lightning_logs/version_*/metrics.csv', '**/version_*/metrics.csv'],
  'keras-csv': ['**/*.csv', '**/*.log', '**/*.tsv'],
  wandb: ['**/wandb/offline-run-*', '**/wandb/run-*'],
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

/** Options of the scan ({@link discoverSources}) and of `discoverImportedRuns` (`discovery.ts`). */
export interface DiscoveryOptions {
  /** Patterns per format, replacing the defaults of the formats given. */
  globs?: Partial<Record<DiscoverableFormat, readonly string[]>>;
  /** Folder names to prune, replacing {@link DEFAULT_IGNORED_FOLDERS}. */
  ignore?: readonly string[];
  signal?: AbortSignal;
  /**
   * `discoverImportedRuns` only: also import the sources named under `metrics:` by the tasks of
   * `<root>/xlens.yaml`, and label runs with their task. Default true.
   */
  taskSources?: boolean;
  /**
   * `discoverImportedRuns` only: a cache file (e.g. `.xlens/cache/imported-runs.json`): a source
   * whose files are unchanged since the last scan (see `discoveryCache.ts`) is not read again.
   */
  cacheFile?: string;
  /**
   * `discoverImportedRuns` only: called before {@link cacheFile} is written (only when a source was
   * read), e.g. to create `.xlens/.gitignore`; when it throws, the cache is not written.
   */
  beforeCacheWrite?: () => Promise<void>;
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
        case 'wandb':
          if (match.isDirectory() && isWandbRunFolderName(match.name)) {
            add('wandb', path);
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
  if (globs.wandb.length > 0) {
    // The root may itself be a W&B run folder or a `wandb/` folder, which the patterns cannot match.
    for (const run of await findWandbRuns(absRoot)) {
      add('wandb', run);
    }
  }
  if (globs['lightning-csv'].length > 0 && /^version_\d+$/.test(basename(absRoot))) {
    csvCandidates.push({ format: 'lightning-csv', path: join(absRoot, 'metrics.csv') });
  }
  for (const { format, path } of csvCandidates) {
    if (found.has(path) || insideStore(path, found)) {
      continue;
    }
    const kind = format === 'lightning-csv' ? await classifyCsv(path, format) : await sniffCsvLog(path);
    if (kind) {
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
