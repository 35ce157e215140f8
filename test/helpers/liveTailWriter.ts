/**
 * A stand-in for a training process, run as a real child process by liveTail.test.ts: every
 * `intervalMs` it appends one record (step 1, 2, ...) to a log of each format in `<dir>` — MLflow
 * metric file, MLflow SQLite store (through python3's sqlite3, a real SQLite writer as MLflow's
 * SQLAlchemy store is), DVCLive TSV, Keras CSV, Lightning CSV, JSONL and a TensorBoard event file —
 * and prints `{"format", "step", "at"}` (Unix ms once the write completed) per record. File records
 * are written in two pieces a few ms apart, as buffered loggers do, so readers see partial last
 * lines and partial TFRecords.
 * Usage: node --import tsx liveTailWriter.ts <dir> <rounds> <intervalMs>
 */
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { eventRecord, scalarEvent } from '../../src/core/metrics/tensorboard/eventWriter';

export const LIVE_FILES = {
  mlflow: 'mlruns/0/run1/metrics/train/loss',
  'mlflow-sqlite': 'tracking/mlflow.db',
  dvclive: 'dvclive/plots/metrics/loss.tsv',
  'keras-csv': 'keras/training.log',
  'lightning-csv': 'lightning_logs/version_0/metrics.csv',
  jsonl: 'xlens/run1/metrics.jsonl',
  tensorboard: 'tb/run1/events.out.tfevents.1700000000.host.1.0',
} as const;

/** The formats written, as labelled in the writer's output. */
export type LiveFormat = keyof typeof LIVE_FILES;

/** Run id of the one run in the SQLite store. */
export const SQLITE_RUN = 'sqliterun1';

/**
 * The MLflow SQLAlchemy tables the reader uses (columns as in MLflow 2.x), one running run and its
 * step-0 metric: what `mlflow.start_run()` and a first `log_metric` leave in `mlflow.db`.
 */
export const SQLITE_SCHEMA = `
create table experiments (experiment_id integer primary key, name text, lifecycle_stage text);
create table runs (run_uuid text primary key, name text, status text, start_time bigint, end_time bigint,
  lifecycle_stage text, experiment_id integer);
create table metrics (key text, value float, timestamp bigint, run_uuid text, step bigint, is_nan boolean,
  primary key (key, timestamp, step, run_uuid, value, is_nan));
create table params (key text, value text, run_uuid text);
create table tags (key text, value text, run_uuid text);
insert into experiments values (0, 'Default', 'active');
insert into runs values ('${SQLITE_RUN}', 'live', 'RUNNING', 1700000000000, null, 'active', 0);
insert into tags values ('mlflow.source.git.commit', '${'c'.repeat(40)}', '${SQLITE_RUN}');
insert into metrics values ('loss', 1, 1700000000000, '${SQLITE_RUN}', 0, 0);
`;

/** Python program: executes each stdin line as SQL on the database, commits, and answers `ok`. */
export const SQLITE_EXEC =
  'import sqlite3,sys\nc=sqlite3.connect(sys.argv[1])\nfor l in sys.stdin:\n c.executescript(l)\n c.commit()\n print("ok",flush=True)';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A long-lived python3 sqlite3 connection: `run(sql)` resolves once the statement is committed. */
function sqliteSession(db: string): { run(sql: string): Promise<void>; close(): void } {
  const child = spawn('python3', ['-u', '-c', SQLITE_EXEC, db], { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting: (() => void)[] = [];
  createInterface({ input: child.stdout }).on('line', () => waiting.shift()?.());
  return {
    run: (sql) =>
      new Promise((resolve) => {
        waiting.push(resolve);
        child.stdin.write(`${sql.replace(/\n/g, ' ')}\n`);
      }),
    close: () => child.stdin.end(),
  };
}

async function main(): Promise<void> {
  const [dir, roundsText, intervalText] = process.argv.slice(2);
  const rounds = Number(roundsText);
  const interval = Number(intervalText);
  const file = (f: LiveFormat): string => join(dir, LIVE_FILES[f]);
  const done = (format: LiveFormat, step: number): void => {
    process.stdout.write(`${JSON.stringify({ format, step, at: Date.now() })}\n`);
  };
  const sqlite = sqliteSession(file('mlflow-sqlite'));
  try {
    for (let step = 1; step <= rounds; step++) {
      const value = 1 / (step + 1);
      const now = Date.now();
      const writes: [LiveFormat, string | Buffer][] = [
        ['mlflow', `${now} ${value} ${step}\n`],
        ['jsonl', `${JSON.stringify({ step, time: now, values: { loss: value } })}\n`],
        ['tensorboard', eventRecord(scalarEvent('loss', step, value, now / 1000))],
        ['dvclive', `${step}\t${value}\n`],
        ['keras-csv', `${step},${value}\n`],
        ['lightning-csv', `${step},${step},${value}\n`],
      ];
      // All first pieces, then all second pieces: readers woken between them see partial records.
      for (const [format, data] of writes) {
        appendFileSync(file(format), Buffer.from(data).subarray(0, 3));
      }
      await sleep(15);
      for (const [format, data] of writes) {
        appendFileSync(file(format), Buffer.from(data).subarray(3));
        done(format, step);
      }
      await sqlite.run(
        `insert into metrics values ('loss', ${value}, ${Date.now()}, '${SQLITE_RUN}', ${step}, 0);`,
      );
      done('mlflow-sqlite', step);
      await sleep(interval);
    }
  } finally {
    sqlite.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
