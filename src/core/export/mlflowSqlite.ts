/**
 * Writes runs into an MLflow SQLite tracking store (`mlflow.db`, what `mlflow ui --backend-store-uri
 * sqlite:///mlflow.db` opens), through sql.js: the same runs, params, metric points, status, times and
 * tags as the file-store export (`mlflowFileStore.ts`).
 *
 * Schema: MLflow's SQLAlchemy models (`mlflow/store/tracking/dbmodels/models.py`) as its migrations
 * leave them, for the tables written here — `experiments`, `experiment_tags`, `runs`, `metrics`,
 * `latest_metrics`, `params`, `tags` and `alembic_version` — recorded by MLflow in
 * `tests/db/schemas/sqlite.sql` (https://github.com/mlflow/mlflow/blob/024a2fcdba9c4dcc44030f01402e8ff613ad506f/tests/db/schemas/sqlite.sql);
 * `test/fixtures/mlflow_schema/` holds that file and a test compares these tables with it column by
 * column. A new database is stamped with alembic revision {@link MLFLOW_SCHEMA_REVISION}, the newest
 * migration at that commit (`mlflow/store/db_migrations/versions/1b49d398cd23_add_secrets_tables.py`).
 * MLflow's other tables (model registry, datasets, traces, ...) are created empty
 * (`mlflowEmptyTables.ts`), so the database has every table of its revision. MLflow is not installable
 * in this project's test environment, so opening the database with MLflow itself is not tested here;
 * the round trip is tested through our own reader (`metrics/mlflow/sqliteStore.ts`).
 *
 * An existing database is written into as it is (its schema and revision untouched; the tables above
 * must exist). Values follow MLflow's store: status names (`FINISHED`, `FAILED`, `KILLED`, `RUNNING`,
 * `SCHEDULED`), times in Unix ms, a non-finite point as `is_nan = 1` with value 0, and
 * `latest_metrics` holding each metric's point with the largest (step, timestamp, value), as MLflow's
 * `_update_latest_metrics_if_necessary` keeps it.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { Database } from 'sql.js';
import { loadSqlJs } from '../metrics/mlflow/sqlJs';
import type { RunStore } from '../runs/store';
import type { RunRecord, RunStatus } from '../runs/types';
import {
  EXPORT_EXPERIMENT,
  mlflowRunId,
  mlflowRunName,
  runTags,
  safeKey,
  type MlflowExport,
} from './mlflowFileStore';
import { UserInputError } from '../base/errors';
import { MLFLOW_EMPTY_TABLES_SQL } from './mlflowEmptyTables';

/** The alembic revision a new database is stamped with (see the file comment). */
export const MLFLOW_SCHEMA_REVISION = '1b49d398cd23';

/** The tables written, in creation order. */
export const MLFLOW_TABLES = [
  'alembic_version',
  'experiments',
  'experiment_tags',
  'runs',
  'metrics',
  'latest_metrics',
  'params',
  'tags',
] as const;

const SCHEMA = `
CREATE TABLE alembic_version (
  version_num VARCHAR(32) NOT NULL,
  CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
CREATE TABLE experiments (
  experiment_id INTEGER NOT NULL,
  name VARCHAR(256) NOT NULL,
  artifact_location VARCHAR(256),
  lifecycle_stage VARCHAR(32),
  creation_time BIGINT,
  last_update_time BIGINT,
  CONSTRAINT experiment_pk PRIMARY KEY (experiment_id),
  UNIQUE (name),
  CONSTRAINT experiments_lifecycle_stage CHECK (lifecycle_stage IN ('active', 'deleted'))
);
CREATE TABLE experiment_tags (
  key VARCHAR(250) NOT NULL,
  value VARCHAR(5000),
  experiment_id INTEGER NOT NULL,
  CONSTRAINT experiment_tag_pk PRIMARY KEY (key, experiment_id),
  FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id)
);
CREATE TABLE runs (
  run_uuid VARCHAR(32) NOT NULL,
  name VARCHAR(250),
  source_type VARCHAR(20),
  source_name VARCHAR(500),
  entry_point_name VARCHAR(50),
  user_id VARCHAR(256),
  status VARCHAR(9),
  start_time BIGINT,
  end_time BIGINT,
  source_version VARCHAR(50),
  lifecycle_stage VARCHAR(20),
  artifact_uri VARCHAR(200),
  experiment_id INTEGER,
  deleted_time BIGINT,
  CONSTRAINT run_pk PRIMARY KEY (run_uuid),
  FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id),
  CONSTRAINT runs_lifecycle_stage CHECK (lifecycle_stage IN ('active', 'deleted')),
  CONSTRAINT source_type CHECK (source_type IN ('NOTEBOOK', 'JOB', 'LOCAL', 'UNKNOWN', 'PROJECT')),
  CHECK (status IN ('SCHEDULED', 'FAILED', 'FINISHED', 'RUNNING', 'KILLED'))
);
CREATE TABLE metrics (
  key VARCHAR(250) NOT NULL,
  value FLOAT NOT NULL,
  timestamp BIGINT NOT NULL,
  run_uuid VARCHAR(32) NOT NULL,
  step BIGINT DEFAULT '0' NOT NULL,
  is_nan BOOLEAN DEFAULT '0' NOT NULL,
  CONSTRAINT metric_pk PRIMARY KEY (key, timestamp, step, run_uuid, value, is_nan),
  FOREIGN KEY (run_uuid) REFERENCES runs (run_uuid),
  CHECK (is_nan IN (0, 1))
);
CREATE TABLE latest_metrics (
  key VARCHAR(250) NOT NULL,
  value FLOAT NOT NULL,
  timestamp BIGINT,
  step BIGINT NOT NULL,
  is_nan BOOLEAN NOT NULL,
  run_uuid VARCHAR(32) NOT NULL,
  CONSTRAINT latest_metric_pk PRIMARY KEY (key, run_uuid),
  FOREIGN KEY (run_uuid) REFERENCES runs (run_uuid),
  CHECK (is_nan IN (0, 1))
);
CREATE TABLE params (
  key VARCHAR(250) NOT NULL,
  value VARCHAR(8000) NOT NULL,
  run_uuid VARCHAR(32) NOT NULL,
  CONSTRAINT param_pk PRIMARY KEY (key, run_uuid),
  FOREIGN KEY (run_uuid) REFERENCES runs (run_uuid)
);
CREATE TABLE tags (
  key VARCHAR(250) NOT NULL,
  value VARCHAR(8000),
  run_uuid VARCHAR(32) NOT NULL,
  CONSTRAINT tag_pk PRIMARY KEY (key, run_uuid),
  FOREIGN KEY (run_uuid) REFERENCES runs (run_uuid)
);
`;

const STATUS_NAME: Record<RunStatus, string> = {
  running: 'RUNNING',
  queued: 'SCHEDULED',
  succeeded: 'FINISHED',
  failed: 'FAILED',
  cancelled: 'KILLED',
};

/** MLflow's limit of a param value (`params.value VARCHAR(8000)`). */
const MAX_PARAM_VALUE = 8000;

interface Point {
  step: number;
  time: number;
  value: number;
  isNan: 0 | 1;
}

/** True when `a` is later than `b` as MLflow orders latest metrics: step, then timestamp, then value. */
function later(a: Point, b: Point): boolean {
  return a.step !== b.step ? a.step > b.step : a.time !== b.time ? a.time > b.time : a.value > b.value;
}

/**
 * Writes `runs` into the SQLite store at `file` (created with the schema above when missing).
 * @throws UserInputError when `file` exists but is not an MLflow database (tables missing).
 * @throws Error from the file system or SQLite.
 */
export async function exportToMlflowSqlite(
  file: string,
  store: RunStore,
  runs: readonly RunRecord[],
): Promise<MlflowExport> {
  const SQL = await loadSqlJs();
  const existing = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') {
      return undefined;
    }
    throw error;
  });
  const db = existing ? new SQL.Database(existing) : new SQL.Database();
  try {
    if (existing) {
      const have = new Set(
        (db.exec("SELECT name FROM sqlite_master WHERE type = 'table'")[0]?.values ?? []).map((r) =>
          String(r[0]),
        ),
      );
      const missing = MLFLOW_TABLES.filter((t) => t !== 'experiment_tags' && !have.has(t));
      if (missing.length > 0) {
        throw new UserInputError(
          `${file}: not an MLflow tracking database (no table ${missing.join(', ')}); name a new file or an mlflow.db.`,
        );
      }
    } else {
      db.run(SCHEMA);
      db.run(MLFLOW_EMPTY_TABLES_SQL);
      db.run('INSERT INTO alembic_version (version_num) VALUES (?)', [MLFLOW_SCHEMA_REVISION]);
    }
    db.run('BEGIN');
    const experimentId = experiment(db, file);
    const result: MlflowExport = { experimentId: String(experimentId), runs: new Map(), skipped: [] };
    for (const run of runs) {
      await writeRun(db, file, store, run, experimentId, result);
    }
    db.run('COMMIT');
    const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temp, db.export());
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return result;
  } finally {
    db.close();
  }
}

/** The id of the `xlens` experiment, created (with the next free id, ≥ 1) when absent. */
function experiment(db: Database, file: string): number {
  const found = db.exec('SELECT experiment_id FROM experiments WHERE name = ?', [EXPORT_EXPERIMENT]);
  if (found[0]?.values[0]) {
    return Number(found[0].values[0][0]);
  }
  const max = db.exec('SELECT MAX(experiment_id) FROM experiments')[0]?.values[0]?.[0];
  const id = Math.max(1, (typeof max === 'number' ? max : 0) + 1);
  const now = Date.now();
  db.run(
    'INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time) VALUES (?, ?, ?, ?, ?, ?)',
    [id, EXPORT_EXPERIMENT, `file://${join(dirname(file), 'mlartifacts', String(id))}`, 'active', now, now],
  );
  return id;
}

async function writeRun(
  db: Database,
  file: string,
  store: RunStore,
  run: RunRecord,
  experimentId: number,
  result: MlflowExport,
): Promise<void> {
  const runId = mlflowRunId(run.id);
  for (const table of ['metrics', 'latest_metrics', 'params', 'tags', 'runs']) {
    db.run(`DELETE FROM ${table} WHERE run_uuid = ?`, [runId]);
  }
  const start = Date.parse(run.startedAt ?? run.createdAt);
  db.run(
    'INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, end_time, source_version, lifecycle_stage, artifact_uri, experiment_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [
      runId,
      mlflowRunName(run),
      'LOCAL',
      '',
      '',
      'xlens',
      STATUS_NAME[run.status],
      start,
      run.endedAt ? Date.parse(run.endedAt) : null,
      run.git.commit ?? '',
      'active',
      `file://${join(dirname(file), 'mlartifacts', String(experimentId), runId, 'artifacts')}`,
      experimentId,
    ],
  );
  const keep = (kind: string, key: string): boolean => {
    if (!safeKey(key)) {
      result.skipped.push(`${run.id}: ${kind} "${key}"`);
      return false;
    }
    return true;
  };
  for (const [key, value] of Object.entries(run.params)) {
    const text = value === null ? 'null' : String(value);
    if (!keep('params', key)) {
      continue;
    }
    if (text.length > MAX_PARAM_VALUE) {
      result.skipped.push(`${run.id}: params "${key}" (value longer than ${MAX_PARAM_VALUE} characters)`);
      continue;
    }
    db.run('INSERT INTO params (key, value, run_uuid) VALUES (?, ?, ?)', [key, text, runId]);
  }
  for (const [key, value] of runTags(run)) {
    if (keep('tags', key)) {
      db.run('INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?)', [key, value, runId]);
    }
  }
  const latest = new Map<string, Point>();
  const refused = new Set<string>();
  const insert = db.prepare(
    'INSERT OR IGNORE INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, ?)',
  );
  try {
    for (const line of (await store.readMetrics(run.id)).lines) {
      const points: [string, number, 0 | 1][] = [
        ...Object.entries(line.values).map(([k, v]): [string, number, 0 | 1] => [k, v, 0]),
        ...Object.keys(line.nonFinite ?? {}).map((k): [string, number, 0 | 1] => [k, 0, 1]),
      ];
      for (const [key, value, isNan] of points) {
        if (refused.has(key) || (!latest.has(key) && !keep('metrics', key))) {
          refused.add(key);
          continue;
        }
        const point: Point = { step: line.step, time: line.time ?? start, value, isNan };
        insert.run([key, value, point.time, runId, point.step, isNan]);
        const before = latest.get(key);
        if (!before || later(point, before)) {
          latest.set(key, point);
        }
      }
    }
  } finally {
    insert.free();
  }
  for (const [key, p] of latest) {
    db.run(
      'INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES (?, ?, ?, ?, ?, ?)',
      [key, p.value, p.time, p.step, p.isNan, runId],
    );
  }
  result.runs.set(run.id, runId);
}
