import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { locateSqlWasm } from '../../../src/core/metrics/mlflow/sqlJs';
import { MlflowSqliteReader } from '../../../src/core/metrics/mlflow/sqliteStore';
import { readAll } from '../../../src/core/metrics/readers';
import { tempDir } from '../../helpers/gitRepo';

const FIXTURES = join(__dirname, '../../fixtures/mlflow_sqlite');

interface ExpectedRun {
  name: string;
  status: string | null;
  experiment: string;
  startTime: number | null;
  endTime: number | null;
  gitCommit: string | null;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, { count: number; first: number[]; last: number[] }>;
}
/** Computed by test/fixtures/mlflow_sqlite/expected.py (python3 sqlite3), independently of the reader. */
const EXPECTED = JSON.parse(readFileSync(join(FIXTURES, 'EXPECTED.json'), 'utf8')) as Record<
  string,
  Record<string, ExpectedRun>
>;

/** Runs SQL on a database with python3's sqlite3 (a real SQLite writer, as MLflow is). */
function sqlite(db: string, script: string): void {
  execFileSync('python3', [
    '-c',
    'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()',
    db,
    script,
  ]);
}

describe('MLflow SQLite reader on real mlflow.db files', () => {
  for (const [file, expectedRuns] of Object.entries(EXPECTED)) {
    it(`reads ${file}: runs, statuses, experiments, params, tags and every metric series`, async () => {
      const { runs, warnings } = await readAll(new MlflowSqliteReader(join(FIXTURES, file)));
      assert.deepEqual(warnings, []);
      assert.deepEqual(runs.map((r) => r.id).sort(), Object.keys(expectedRuns).sort());
      for (const run of runs) {
        const want = expectedRuns[run.id];
        assert.equal(run.name, want.name);
        assert.equal(run.status ?? null, want.status, `status of ${run.id}`);
        assert.equal(run.experiment, want.experiment);
        assert.equal(run.startTime ?? null, want.startTime);
        assert.equal(run.endTime ?? null, want.endTime);
        assert.equal(run.gitCommit ?? null, want.gitCommit);
        assert.deepEqual({ ...run.params }, want.params);
        assert.deepEqual({ ...run.tags }, want.tags);
        assert.deepEqual([...run.metrics.keys()].sort(), Object.keys(want.metrics).sort());
        for (const [key, points] of run.metrics) {
          const m = want.metrics[key];
          const first = points[0];
          const last = points[points.length - 1];
          assert.equal(points.length, m.count, `${run.id}/${key} count`);
          assert.deepEqual([first.step, first.value, first.time], m.first);
          assert.deepEqual([last.step, last.value, last.time], m.last);
        }
      }
    });
  }

  it('reads only metric rows added since the last read, and status changes', async () => {
    const db = join(tempDir('xlens-mlflowdb-'), 'mlflow.db');
    copyFileSync(join(FIXTURES, '1412010__nda-mlops-zoomcamp-2024/week-02/mlflow.db'), db);
    const running = Object.entries(EXPECTED['1412010__nda-mlops-zoomcamp-2024/week-02/mlflow.db']).find(
      ([, r]) => r.status === 'running',
    )![0];
    const reader = new MlflowSqliteReader(db);
    const first = await reader.read();
    assert.equal(first.runs.length, 17);

    assert.deepEqual((await reader.read()).runs, [], 'unchanged file: nothing to report');

    sqlite(
      db,
      `insert into metrics (key, value, timestamp, run_uuid, step, is_nan) values
         ('live/loss', 0.5, 1800000000000, '${running}', 0, 0),
         ('live/loss', 0.25, 1800000000100, '${running}', 1, 0),
         ('live/loss', 0, 1800000000200, '${running}', 2, 1),
         ('live/loss', 1.7976931348623157e308, 1800000000300, '${running}', 3, 0),
         ('live/loss', -1.7976931348623157e308, 1800000000400, '${running}', 4, 0);
       update runs set status = 'FINISHED', end_time = 1800000000300 where run_uuid = '${running}';`,
    );
    const second = await reader.read();
    assert.deepEqual(
      second.runs.map((r) => r.id),
      [running],
    );
    const run = second.runs[0];
    assert.equal(run.status, 'succeeded');
    assert.equal(run.endTime, 1800000000300);
    assert.deepEqual([...run.metrics.keys()], ['live/loss'], 'only the new rows');
    assert.deepEqual(
      run.metrics.get('live/loss')!.map((p) => [p.step, p.value]),
      [
        [0, 0.5],
        [1, 0.25],
        [2, Number.NaN],
        [3, Number.POSITIVE_INFINITY],
        [4, Number.NEGATIVE_INFINITY],
      ],
      "is_nan rows read as NaN, MLflow's ±1.7976931348623157e308 as ±Infinity (MLflow 3 stores infinities so)",
    );
    assert.deepEqual(second.warnings, [], 'non-finite values are points, not problems');
  });

  it('links a run to its git commit (mlflow.source.git.commit) and maps every status name', async () => {
    const db = join(tempDir('xlens-mlflowdb-'), 'mlflow.db');
    copyFileSync(join(FIXTURES, '01Angel01__House_Prediction/mlflow.db'), db);
    const ids = Object.keys(EXPECTED['01Angel01__House_Prediction/mlflow.db']).sort();
    const commit = '0123456789abcdef0123456789abcdef01234567';
    const statuses = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];
    sqlite(
      db,
      `insert into tags (key, value, run_uuid) values ('mlflow.source.git.commit', '${commit}', '${ids[0]}');
       ${statuses.map((s, i) => `update runs set status = '${s}' where run_uuid = '${ids[i]}';`).join('\n')}`,
    );
    const { runs, warnings } = await readAll(new MlflowSqliteReader(db));
    assert.deepEqual(warnings, []);
    const byId = new Map(runs.map((r) => [r.id, r]));
    assert.equal(byId.get(ids[0])!.gitCommit, commit);
    assert.equal(byId.get(ids[1])!.gitCommit, undefined);
    assert.deepEqual(
      ids.slice(0, 5).map((id) => byId.get(id)!.status),
      ['running', 'queued', 'succeeded', 'failed', 'cancelled'],
    );
  });

  it('reads an older schema without metrics.step and is_nan and names a non-MLflow database', async () => {
    const dir = tempDir('xlens-mlflowdb-');
    const old = join(dir, 'old.db');
    sqlite(
      old,
      `create table experiments (experiment_id integer primary key, name text);
       create table runs (run_uuid text primary key, status text, start_time bigint, end_time bigint, experiment_id integer);
       create table metrics (key text, value float, timestamp bigint, run_uuid text);
       create table tags (key text, value text, run_uuid text);
       insert into experiments values (0, 'Default');
       insert into runs values ('r1', 'KILLED', 1600000000000, 1600000001000, 0);
       insert into tags values ('mlflow.runName', 'first', 'r1');
       insert into metrics values ('loss', 1.5, 1600000000500, 'r1');`,
    );
    const { runs, warnings } = await readAll(new MlflowSqliteReader(old));
    assert.deepEqual(warnings, []);
    assert.equal(runs[0].name, 'first');
    assert.equal(runs[0].status, 'cancelled');
    assert.deepEqual(runs[0].metrics.get('loss'), [{ step: 0, value: 1.5, time: 1600000000500 }]);

    const other = join(dir, 'other.db');
    sqlite(other, 'create table t (a int);');
    const bad = await readAll(new MlflowSqliteReader(other));
    assert.equal(bad.runs.length, 0);
    assert.match(bad.warnings[0].message, /not an MLflow tracking database/);
  });

  it('finds the sql.js wasm binary from sources', () => {
    assert.match(locateSqlWasm(), /sql-wasm\.wasm$/);
  });
});
