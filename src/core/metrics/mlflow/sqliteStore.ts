/**
 * Reader for MLflow's SQLAlchemy store on SQLite (`mlflow.db`, the default backend since MLflow 3.7).
 * Tables used: `experiments(experiment_id, name, lifecycle_stage)`, `runs(run_uuid, name, status,
 * start_time, end_time, lifecycle_stage, experiment_id)`, `metrics(key, value, timestamp, run_uuid,
 * step, is_nan)`, `params(key, value, run_uuid)`, `tags(key, value, run_uuid)`. Columns added by later
 * schema versions (`runs.name`, `metrics.step`, `metrics.is_nan`, `lifecycle_stage`) are optional, so
 * databases from MLflow 1.x to 3.x read the same way.
 *
 * sql.js reads a copy of the file in memory, so each read loads the database again when its size or
 * mtime changed, but only metric rows with a `rowid` above the last one returned are turned into points.
 * The copy is taken only when it can be shown consistent (no transaction overlapped it: see
 * `sqliteSnapshot.ts`); a torn copy (a write overlapped it, SQLite finds the image malformed, or a
 * metric row names a run the copy does not hold) is read again, up to {@link MAX_ATTEMPTS} times, and
 * the reader's position moves only when a result is returned, so a row is seen once it is returned,
 * never before. When every attempt was torn the result is empty and `incomplete`: nothing was taken.
 * A database in WAL mode shows only checkpointed data (MLflow uses the default rollback journal).
 * Non-finite values come back as NaN (`is_nan`) and ±Infinity (stored as ±1.7976931348623157e308).
 */
import { stat } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { formatBytes } from '../../../shared/formatting';
import type { Database, SqlValue } from 'sql.js';
import type { ParamValue } from '../../runs/types';
import type { MetricReader, ReadResult, SourceSpec } from '../readers';
import { emptyResult, pushPoint } from '../readers';
import type { MetricPoint, ReadWarning, SeriesRun } from '../series';
import { GIT_COMMIT_TAG, mlflowStatus, msTime, RUN_NAME_TAG } from './common';
import { loadSqlJs } from './sqlJs';
import { type DatabaseCopy, isCorruptImage, readConsistentCopy } from './sqliteSnapshot';
import { dict } from '../../../shared/dict';

type Row = Record<string, SqlValue>;

/**
 * Reads of a copy per `read()` before giving up for this time (each waits a little longer, up to
 * 10 × {@link RETRY_MS}): about 1 s in all, below the 2 s after which a journal counts as stale.
 */
const MAX_ATTEMPTS = 25;
/** Base wait between two reads of a database being written, ms. */
const RETRY_MS = 5;

/**
 * Largest `mlflow.db` read, in bytes (256 MiB). sql.js reads a database by copying the whole file into
 * WebAssembly memory on every read, so a larger store would take that much memory each time the
 * source changes; it is refused with a warning naming the size and this limit.
 */
export const MAX_SQLITE_BYTES = 256 * 1024 * 1024;

/** Reads an `mlflow.db` file incrementally by metric `rowid`. */
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
      const info = await stat(this.file, { bigint: true });
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
                `the database is ${formatBytes(Number(info.size))}, above the ${formatBytes(MAX_SQLITE_BYTES)} ` +
                'xlens reads (the whole file is loaded into memory to be read); not read',
            },
          ],
        };
      }
      stamp = `${info.mtimeNs}:${info.size}`;
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
    const SQL = await loadSqlJs();
    let lastError: Error | undefined;
    let corruptStamp: string | undefined;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      if (attempt > 1) {
        await delay(Math.min(attempt, 10) * RETRY_MS);
      }
      let copy: DatabaseCopy | undefined;
      try {
        copy = await readConsistentCopy(this.file);
      } catch (error) {
        return {
          runs: [],
          warnings: [{ file: this.file, message: `cannot read database: ${(error as Error).message}` }],
        };
      }
      if (!copy) {
        continue; // a transaction overlapped the read: read again
      }
      let db: Database | undefined;
      try {
        db = new SQL.Database(copy.bytes);
        const outcome = this.query(db, attempt === MAX_ATTEMPTS);
        if (outcome === 'torn') {
          continue;
        }
        // Only now do the rows returned count as seen.
        outcome.commit();
        this.stamp = copy.stamp;
        return outcome.result;
      } catch (error) {
        lastError = error as Error;
        // A torn copy the checks could not see: read again; the same file damaged twice is damaged.
        if (isCorruptImage(error) && corruptStamp !== copy.stamp) {
          corruptStamp = copy.stamp;
          continue;
        }
        // A database that is not MLflow's: the stamp stays old, so a later change is read again.
        return {
          runs: [],
          warnings: [{ file: this.file, message: `cannot query MLflow tables: ${lastError.message}` }],
        };
      } finally {
        db?.close();
      }
    }
    // Written to on every attempt (or damaged): nothing was taken; the next read starts from the same row.
    return {
      runs: [],
      warnings: lastError
        ? [{ file: this.file, message: `cannot read the database: ${lastError.message} (read again later)` }]
        : [],
      incomplete: true,
    };
  }

  /**
   * Reads the runs and the metric rows after {@link lastRowid} from a copy. Nothing of the reader's
   * state changes until `commit` is called (when the result is handed out).
   * @param lastAttempt take the copy as it is: metric rows of a run missing from `runs` are skipped
   *   with a warning instead of marking the copy torn.
   * @returns `'torn'` when the copy is inconsistent (a metric row of a run the copy does not hold).
   */
  private query(db: Database, lastAttempt: boolean): 'torn' | { result: ReadResult; commit: () => void } {
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
        return { result: { runs: [], warnings }, commit: () => undefined };
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
    /** Every run of the table, deleted ones included: a metric row of any other run means a torn copy. */
    const known = new Set<string>();
    for (const r of rows(db, `SELECT ${select} FROM runs ORDER BY start_time, run_uuid`)) {
      known.add(String(r.run_uuid));
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
    let after = this.lastRowid;
    if (maxRowid < after) {
      after = 0;
      reset.push(...[...this.runMeta.keys()].filter((id) => runs.has(id)));
    }
    const metricCols = columns(db, 'metrics');
    const step = metricCols.has('step') ? 'step' : '0 AS step';
    const isNan = metricCols.has('is_nan') ? 'is_nan' : '0 AS is_nan';
    const order = after === 0 ? 'run_uuid, key, step, timestamp, rowid' : 'rowid';
    const stmt = db.prepare(
      `SELECT rowid AS r, key, value, timestamp, ${step}, ${isNan}, run_uuid FROM metrics WHERE rowid > ? ORDER BY ${order}`,
    );
    let badValue = 0;
    let badStep = 0;
    let orphans = 0;
    try {
      stmt.bind([after]);
      while (stmt.step()) {
        const [, key, value, timestamp, stepValue, nan, runId] = stmt.get();
        const run = runs.get(String(runId));
        if (!run) {
          if (!known.has(String(runId))) {
            if (!lastAttempt) {
              return 'torn';
            }
            orphans += 1;
          }
          continue;
        }
        const v = metricValue(value, nan);
        if (v === undefined) {
          badValue += 1;
          continue;
        }
        const s = Number(stepValue);
        if (!Number.isInteger(s) || s < 0) {
          badStep += 1;
          continue;
        }
        const point: MetricPoint = { step: s, value: v };
        const time = msTime(timestamp);
        if (time !== undefined) {
          point.time = time;
        }
        pushPoint(run.metrics, String(key), point);
      }
    } finally {
      stmt.free();
    }
    const counted: [number, string][] = [
      [badValue, 'metric rows with a value that is not a number skipped (table metrics)'],
      [badStep, 'metric rows with a negative or non-integer step skipped'],
      [orphans, 'metric rows of a run missing from table runs skipped'],
    ];
    for (const [count, message] of counted) {
      if (count > 0) {
        warnings.push({ file: this.file, message: `${count} ${message}` });
      }
    }

    const changed: SeriesRun[] = [];
    const metas = new Map<string, string>();
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
      metas.set(run.id, meta);
    }
    const removed = [...this.runMeta.keys()].filter((id) => !runs.has(id));
    const commit = (): void => {
      this.lastRowid = Math.max(after, maxRowid);
      this.runMeta = metas;
    };
    return { result: { runs: changed, warnings, reset, removed }, commit };
  }
}

/**
 * The value of a metric row: NaN when `is_nan` is set (MLflow stores 0 then), ±Infinity for
 * ±1.7976931348623157e308 (MLflow's SQLAlchemy store keeps infinities as the largest double,
 * `sys.float_info.max`, in `mlflow/store/tracking/sqlalchemy_store.py`), else the number.
 * @returns `undefined` for a value that is not a number.
 */
export function metricValue(value: SqlValue, isNan: SqlValue): number | undefined {
  if (Number(isNan) === 1) {
    return Number.NaN;
  }
  if (typeof value !== 'number') {
    return undefined;
  }
  if (value === Number.MAX_VALUE) {
    return Number.POSITIVE_INFINITY;
  }
  return value === -Number.MAX_VALUE ? Number.NEGATIVE_INFINITY : value;
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
