/**
 * Reader for MLflow's SQLAlchemy store on SQLite (`mlflow.db`, the default backend since MLflow 3.7).
 * Tables used: `experiments(experiment_id, name, lifecycle_stage)`, `runs(run_uuid, name, status,
 * start_time, end_time, lifecycle_stage, experiment_id)`, `metrics(key, value, timestamp, run_uuid,
 * step, is_nan)`, `params(key, value, run_uuid)`, `tags(key, value, run_uuid)`. Columns added by later
 * schema versions (`runs.name`, `metrics.step`, `metrics.is_nan`, `lifecycle_stage`) are optional, so
 * databases from MLflow 1.x to 3.x read the same way.
 *
 * sql.js reads a copy of the file in memory, so each read loads the database again when its size or
 * mtime changed, but only metric rows with a `rowid` above the last one seen are turned into points.
 * A database in WAL mode shows only checkpointed data (MLflow uses the default rollback journal).
 * While a transaction is being written (a fresh `mlflow.db-journal` exists) the file is not read, so a
 * half-written copy is never taken for corruption.
 */
import { readFile, stat } from 'node:fs/promises';
import { formatBytes } from '../../../shared/formatting';
import type { Database, SqlValue } from 'sql.js';
import type { ParamValue } from '../../runs/types';
import type { MetricReader, ReadResult, SourceSpec } from '../readers';
import { emptyResult, pushPoint } from '../readers';
import type { MetricPoint, ReadWarning, SeriesRun } from '../series';
import { GIT_COMMIT_TAG, mlflowStatus, msTime, RUN_NAME_TAG } from './common';
import { loadSqlJs } from './sqlJs';
import { dict } from '../../../shared/dict';

type Row = Record<string, SqlValue>;

/** Reads an `mlflow.db` file incrementally by metric `rowid`. */
/**
 * Largest `mlflow.db` read, in bytes (256 MiB). sql.js reads a database by copying the whole file into
 * WebAssembly memory on every read, so a larger store would take that much memory each time the
 * source changes; it is refused with a warning naming the size and this limit.
 */
export const MAX_SQLITE_BYTES = 256 * 1024 * 1024;

export class MlflowSqliteReader implements MetricReader {
  readonly source: SourceSpec;
  private stamp = '';
  private lastRowid = 0;
  /** JSON of each live run's metadata as last returned, to report only runs that changed. */
  private runMeta = new Map<string, string>();

  /** @param file absolute path of the SQLite database. */
  constructor(readonly file: string) {
    this.source = { format: 'mlflow', path: file };
  }

  async read(): Promise<ReadResult> {
    let stamp: string;
    try {
      const info = await stat(this.file);
      if (!info.isFile()) {
        return {
          runs: [],
          warnings: [{ file: this.file, message: 'not a regular file (a FIFO, device or folder); not read' }],
        };
      }
      if (info.size > MAX_SQLITE_BYTES) {
        return {
          runs: [],
          warnings: [
            {
              file: this.file,
              message:
                `the database is ${formatBytes(info.size)}, above the ${formatBytes(MAX_SQLITE_BYTES)} ` +
                'xlens reads (the whole file is loaded into memory to be read); not read',
            },
          ],
        };
      }
      stamp = `${info.mtimeMs}:${info.size}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        const removed = [...this.runMeta.keys()];
        this.runMeta.clear();
        this.lastRowid = 0;
        this.stamp = '';
        return { runs: [], warnings: [], removed };
      }
      return {
        runs: [],
        warnings: [{ file: this.file, message: `cannot read database: ${(error as Error).message}` }],
      };
    }
    if (stamp === this.stamp) {
      return emptyResult();
    }
    if (await writeInProgress(this.file)) {
      return emptyResult(); // the stamp stays old: the next read (the journal's deletion, a poll) tries again
    }
    const SQL = await loadSqlJs();
    let db: Database;
    try {
      db = new SQL.Database(await readFile(this.file));
    } catch (error) {
      return {
        runs: [],
        warnings: [{ file: this.file, message: `cannot open database: ${(error as Error).message}` }],
      };
    }
    try {
      const result = this.query(db);
      if (await writeInProgress(this.file)) {
        return emptyResult(); // a transaction began while we read: the copy may be torn
      }
      this.stamp = stamp;
      return result;
    } catch (error) {
      // Keep the stamp old so the next read tries again; a torn copy read during a write is not an error.
      if (await writeInProgress(this.file)) {
        return emptyResult();
      }
      return {
        runs: [],
        warnings: [{ file: this.file, message: `cannot query MLflow tables: ${(error as Error).message}` }],
      };
    } finally {
      db.close();
    }
  }

  private query(db: Database): ReadResult {
    const warnings: ReadWarning[] = [];
    const tables = new Set(
      rows(db, "SELECT name FROM sqlite_master WHERE type = 'table'").map((r) => String(r.name)),
    );
    for (const required of ['runs', 'metrics']) {
      if (!tables.has(required)) {
        warnings.push({
          file: this.file,
          message: `table "${required}" is missing: this is not an MLflow tracking database`,
        });
        return { runs: [], warnings };
      }
    }
    const experimentNames = new Map<string, string>();
    const deletedExperiments = new Set<string>();
    if (tables.has('experiments')) {
      const cols = columns(db, 'experiments');
      for (const r of rows(
        db,
        `SELECT experiment_id, name${cols.has('lifecycle_stage') ? ', lifecycle_stage' : ''} FROM experiments`,
      )) {
        experimentNames.set(String(r.experiment_id), String(r.name));
        if (r.lifecycle_stage === 'deleted') {
          deletedExperiments.add(String(r.experiment_id));
        }
      }
    }
    const runCols = columns(db, 'runs');
    const select = ['run_uuid', 'status', 'start_time', 'end_time', 'experiment_id']
      .concat(runCols.has('name') ? ['name'] : [], runCols.has('lifecycle_stage') ? ['lifecycle_stage'] : [])
      .join(', ');
    const runs = new Map<string, SeriesRun>();
    for (const r of rows(db, `SELECT ${select} FROM runs ORDER BY start_time, run_uuid`)) {
      const experimentId = String(r.experiment_id);
      if (r.lifecycle_stage === 'deleted' || deletedExperiments.has(experimentId)) {
        continue;
      }
      const id = String(r.run_uuid);
      const run: SeriesRun = {
        id,
        name: typeof r.name === 'string' && r.name ? r.name : id,
        source: 'mlflow',
        path: this.file,
        metrics: new Map(),
        params: dict(),
        tags: dict(),
        experiment: experimentNames.get(experimentId) ?? experimentId,
      };
      const status = mlflowStatus(r.status);
      if (status) {
        run.status = status;
      }
      const start = msTime(r.start_time);
      const end = msTime(r.end_time);
      if (start !== undefined) {
        run.startTime = start;
      }
      if (end !== undefined) {
        run.endTime = end;
      }
      runs.set(id, run);
    }
    for (const [table, field] of [
      ['params', 'params'],
      ['tags', 'tags'],
    ] as const) {
      if (!tables.has(table)) {
        continue;
      }
      for (const r of rows(db, `SELECT key, value, run_uuid FROM ${table} ORDER BY key`)) {
        const run = runs.get(String(r.run_uuid));
        if (run) {
          (run[field] as Record<string, ParamValue>)[String(r.key)] = r.value == null ? '' : String(r.value);
        }
      }
    }
    for (const run of runs.values()) {
      if (run.name === run.id && run.tags[RUN_NAME_TAG]) {
        run.name = run.tags[RUN_NAME_TAG];
      }
      const commit = run.tags[GIT_COMMIT_TAG]?.trim();
      if (commit) {
        run.gitCommit = commit;
      }
    }

    // Metric rows: only those added since the last read, by rowid. A smaller max rowid means rows were
    // deleted (runs purged); start over then.
    const reset: string[] = [];
    const maxRowid = Number(rows(db, 'SELECT max(rowid) AS m FROM metrics')[0]?.m ?? 0);
    let fullRead = this.lastRowid === 0;
    if (maxRowid < this.lastRowid) {
      fullRead = true;
      this.lastRowid = 0;
      reset.push(...[...this.runMeta.keys()].filter((id) => runs.has(id)));
    }
    const metricCols = columns(db, 'metrics');
    const step = metricCols.has('step') ? 'step' : '0 AS step';
    const isNan = metricCols.has('is_nan') ? 'is_nan' : '0 AS is_nan';
    const order = fullRead ? 'run_uuid, key, step, timestamp, rowid' : 'rowid';
    const stmt = db.prepare(
      `SELECT rowid AS r, key, value, timestamp, ${step}, ${isNan}, run_uuid FROM metrics WHERE rowid > ? ORDER BY ${order}`,
    );
    let nanCount = 0;
    let badStep = 0;
    try {
      stmt.bind([this.lastRowid]);
      while (stmt.step()) {
        const [, key, value, timestamp, stepValue, nan, runId] = stmt.get();
        const run = runs.get(String(runId));
        if (!run) {
          continue;
        }
        if (Number(nan) === 1 || typeof value !== 'number' || !Number.isFinite(value)) {
          nanCount += 1;
          continue;
        }
        const s = Number(stepValue);
        if (!Number.isInteger(s) || s < 0) {
          badStep += 1;
          continue;
        }
        const point: MetricPoint = { step: s, value };
        const time = msTime(timestamp);
        if (time !== undefined) {
          point.time = time;
        }
        pushPoint(run.metrics, String(key), point);
      }
    } finally {
      stmt.free();
    }
    this.lastRowid = Math.max(this.lastRowid, maxRowid);
    if (nanCount > 0) {
      warnings.push({
        file: this.file,
        message: `${nanCount} NaN or non-numeric metric values skipped (table metrics)`,
      });
    }
    if (badStep > 0) {
      warnings.push({
        file: this.file,
        message: `${badStep} metric rows with a negative or non-integer step skipped`,
      });
    }

    const changed: SeriesRun[] = [];
    for (const run of runs.values()) {
      const meta = JSON.stringify([
        run.name,
        run.status,
        run.startTime,
        run.endTime,
        run.experiment,
        run.params,
        run.tags,
      ]);
      if (this.runMeta.get(run.id) !== meta || run.metrics.size > 0 || reset.includes(run.id)) {
        changed.push(run);
      }
      this.runMeta.set(run.id, meta);
    }
    const removed = [...this.runMeta.keys()].filter((id) => !runs.has(id));
    for (const id of removed) {
      this.runMeta.delete(id);
    }
    return { runs: changed, warnings, reset, removed };
  }
}

/** A rollback journal younger than this is a transaction being written; an older one was left by a crash. */
const JOURNAL_FRESH_MS = 2000;

/**
 * True while a writer is inside a transaction: SQLite's rollback journal (`<db>-journal`, MLflow's
 * default journal mode) exists from the first page written until the commit completes, and the
 * database file may be half-updated meanwhile. A stale journal (a writer that crashed) does not count,
 * so it cannot hide the database for good.
 */
async function writeInProgress(file: string): Promise<boolean> {
  try {
    const journal = await stat(`${file}-journal`);
    return journal.size > 0 && Date.now() - journal.mtimeMs < JOURNAL_FRESH_MS;
  } catch {
    return false;
  }
}

function rows(db: Database, sql: string): Row[] {
  const out: Row[] = [];
  const stmt = db.prepare(sql);
  try {
    while (stmt.step()) {
      out.push(stmt.getAsObject());
    }
  } finally {
    stmt.free();
  }
  return out;
}

function columns(db: Database, table: string): Set<string> {
  return new Set(rows(db, `PRAGMA table_info(${table})`).map((r) => String(r.name)));
}
