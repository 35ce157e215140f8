/**
 * Where MLflow keeps runs, from a path a user names (`mlflow:` in a task, `xlens import <path>`):
 *
 * - a file: the SQLAlchemy store on SQLite (`mlflow.db`, MLflow's default since 3.7);
 * - a project folder: its `mlflow.db` (preferred: since MLflow 3.7 `mlruns/` beside it holds only
 *   artifacts), else its `mlruns/` file store once that holds an experiment; while it holds neither,
 *   nothing, looked for again on each read (the task creates the store after it starts);
 * - a file store (`mlruns/` or any folder of experiment folders);
 * - one experiment folder of a file store (`mlruns/1`: `meta.yaml` with `experiment_id`) or one run
 *   folder (`mlruns/1/<run id>`: `meta.yaml` with `run_id`): the store read with only those runs.
 *
 * Layouts per MLflow's `FileStore` (`mlflow/store/tracking/file_store.py`) and its default tracking URI
 * (`mlflow/tracking/_tracking_service/utils.py`).
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readRegularFileSync } from '../../base/regularFile';
import type { MetricReader, ReadResult, SourceSpec } from '../readers';
import { emptyResult } from '../readers';
import { MlflowFileStoreReader } from './fileStore';
import { MlflowSqliteReader } from './sqliteStore';

/** What a folder is in MLflow's layouts. */
export type MlflowFolderKind = 'store' | 'experiment' | 'run' | 'project';

/**
 * Tells an experiment folder and a run folder (by their `meta.yaml`) from a store or a project folder.
 * A folder holding `mlflow.db` or `mlruns/`, or nothing MLflow wrote, is a project folder.
 */
export function mlflowFolderKind(path: string): MlflowFolderKind {
  const meta = readSmall(join(path, 'meta.yaml'));
  if (meta !== undefined) {
    if (/^run_(id|uuid):/m.test(meta)) {
      return 'run';
    }
    if (/^experiment_id:/m.test(meta)) {
      return 'experiment';
    }
  }
  if (isFile(join(path, 'mlflow.db')) || isDir(join(path, 'mlruns'))) {
    return 'project';
  }
  return basename(path) === 'mlruns' || holdsExperiments(path) ? 'store' : 'project';
}

/**
 * The reader of an MLflow source at `path` (see the module comment).
 * @param path absolute path of `mlflow.db`, a project folder, a store, an experiment or a run folder.
 */
export function createMlflowReader(path: string): MetricReader {
  if (isFile(path) || (!isDir(path) && /\.(db|sqlite3?)$/i.test(path))) {
    return new MlflowSqliteReader(path);
  }
  switch (mlflowFolderKind(path)) {
    case 'store':
      return new MlflowFileStoreReader(path);
    case 'experiment':
      return new MlflowFileStoreReader(dirname(path), { experiment: basename(path), path });
    case 'run':
      return new MlflowFileStoreReader(dirname(dirname(path)), {
        experiment: basename(dirname(path)),
        run: basename(path),
        path,
      });
    case 'project':
      return new MlflowProjectReader(path);
  }
}

/** A project folder: reads its `mlflow.db` or `mlruns/` once one of them exists. */
class MlflowProjectReader implements MetricReader {
  readonly source: SourceSpec;
  private inner: MetricReader | undefined;

  constructor(private readonly dir: string) {
    this.source = { format: 'mlflow', path: dir };
  }

  read(): Promise<ReadResult> {
    if (!this.inner) {
      const db = join(this.dir, 'mlflow.db');
      const mlruns = join(this.dir, 'mlruns');
      if (isFile(db)) {
        this.inner = new MlflowSqliteReader(db);
      } else if (holdsExperiments(mlruns)) {
        // Only a file store: since MLflow 3.7 an `mlruns/` of artifacts alone comes before `mlflow.db`.
        this.inner = new MlflowFileStoreReader(mlruns);
      } else if (holdsExperiments(this.dir)) {
        this.inner = new MlflowFileStoreReader(this.dir);
      } else {
        return Promise.resolve(emptyResult());
      }
    }
    return this.inner.read();
  }

  dispose(): void {
    this.inner?.dispose?.();
  }
}

/** True when a sub-folder has an experiment's `meta.yaml` (a file store under another name). */
function holdsExperiments(dir: string): boolean {
  try {
    return readdirSync(dir, { withFileTypes: true }).some(
      (e) =>
        e.isDirectory() &&
        /^\d+$/.test(e.name) &&
        /^experiment_id:/m.test(readSmall(join(dir, e.name, 'meta.yaml')) ?? ''),
    );
  } catch {
    return false;
  }
}

/** The text of a small regular file (at most 64 KiB), or undefined. */
function readSmall(file: string): string | undefined {
  try {
    const info = statSync(file);
    return info.isFile() && info.size <= 65536 ? readRegularFileSync(file).toString('utf8') : undefined;
  } catch {
    return undefined;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
