/**
 * `xlens export --mlflow <file>.db` (real CLI process, temp git repository): runs written into an
 * MLflow SQLite store, read back with our MLflow SQLite reader, and the tables compared with the
 * schema MLflow records of its own SQLite store (test/fixtures/mlflow_schema, see SOURCE.md there).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Database } from 'sql.js';
import { MLFLOW_EMPTY_TABLES } from '../../../src/core/export/mlflowEmptyTables';
import { MLFLOW_SCHEMA_REVISION, MLFLOW_TABLES } from '../../../src/core/export/mlflowSqlite';
import { loadSqlJs } from '../../../src/core/metrics/mlflow/sqlJs';
import { MlflowSqliteReader } from '../../../src/core/metrics/mlflow/sqliteStore';
import type { RunRecord } from '../../../src/core/runs/types';
import { makeRepo, tempDir } from '../../helpers/gitRepo';
import { metricLines, xlens } from '../../helpers/xlensProcess';

const CONFIG = [
  'version: 1',
  'tasks:',
  '  fit:',
  '    run: node fit.js',
  '    params: { lr: 0.5, name: adam }',
  '',
].join('\n');
const FIT = [
  "const fs = require('node:fs');",
  'for (let step = 0; step < 4; step++) {',
  "  const values = { loss: 1 / (step + 1), 'val/acc': step / 4, '../evil': 1, blowup: step === 3 ? null : step };",
  "  fs.appendFileSync(process.env.XLENS_METRICS_FILE, JSON.stringify({ step, time: 1764000000000 + step, values }) + '\\n');",
  '}',
  '',
].join('\n');

function rows(db: Database, sql: string): unknown[][] {
  return db.exec(sql)[0]?.values ?? [];
}

/** What SQLite says of a table's shape: columns, primary key, foreign keys, unique constraints. */
function shape(db: Database, table: string): unknown {
  return {
    columns: rows(db, `PRAGMA table_info(${table})`),
    foreignKeys: rows(db, `PRAGMA foreign_key_list(${table})`).map((r) => r.slice(2, 5)),
    unique: rows(db, `PRAGMA index_list(${table})`)
      .filter((r) => r[2] === 1)
      .map((r) => [r[3], rows(db, `PRAGMA index_info(${String(r[1])})`).map((c) => c[2])]),
  };
}

describe('xlens export --mlflow <file>.db (real CLI process)', () => {
  it('writes runs that our MLflow SQLite reader reads back; again replaces', async () => {
    const root = makeRepo({ 'xlens.yaml': CONFIG, 'fit.js': FIT });
    assert.equal((await xlens(root, ['run', 'fit', '-q'])).code, 0);
    const [run] = JSON.parse((await xlens(root, ['runs', '--json'])).stdout) as RunRecord[];
    const file = join(tempDir(), 'mlflow.db');
    const out = await xlens(root, ['export', '--mlflow', file]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /^exported 1 runs to experiment 1 \("xlens"\)/);
    assert.match(out.stderr, /left out .*metrics "\.\.\/evil"/);
    assert.equal((await xlens(root, ['export', '--mlflow', file, run.id])).code, 0);

    const { runs, warnings } = await new MlflowSqliteReader(file).read();
    assert.deepEqual(warnings, []);
    assert.equal(runs.length, 1, 'exporting again replaced the run');
    const [exported] = runs;
    assert.equal(exported.experiment, 'xlens');
    assert.equal(exported.status, 'succeeded');
    assert.equal(exported.gitCommit, run.git.commit);
    assert.equal(exported.tags['xlens.id'], run.id);
    assert.deepEqual({ ...exported.params }, { lr: '0.5', name: 'adam' }, 'MLflow keeps params as text');
    assert.equal(exported.startTime, Date.parse(run.startedAt!));
    assert.equal(exported.endTime, Date.parse(run.endedAt!));
    const lines = metricLines(root, run.id);
    for (const name of ['loss', 'val/acc']) {
      assert.deepEqual(
        exported.metrics.get(name),
        lines.map((l) => ({ step: l.step, value: l.values[name], time: (l as { time?: number }).time })),
        name,
      );
    }
    assert.equal(exported.metrics.has('../evil'), false);

    const SQL = await loadSqlJs();
    const db = new SQL.Database(readFileSync(file));
    try {
      assert.deepEqual(rows(db, 'SELECT version_num FROM alembic_version'), [[MLFLOW_SCHEMA_REVISION]]);
      // The latest point of each metric, as MLflow keeps it (largest step); NaN as is_nan = 1.
      assert.deepEqual(rows(db, 'SELECT key, value, step, is_nan FROM latest_metrics ORDER BY key'), [
        ['blowup', 0, 3, 1],
        ['loss', 0.25, 3, 0],
        ['val/acc', 0.75, 3, 0],
      ]);
      assert.deepEqual(rows(db, "SELECT COUNT(*) FROM metrics WHERE key = 'blowup' AND is_nan = 1"), [[1]]);
    } finally {
      db.close();
    }
  });

  it("creates MLflow's tables as MLflow's recorded SQLite schema has them", async () => {
    const root = makeRepo({ 'xlens.yaml': CONFIG, 'fit.js': FIT });
    const file = join(tempDir(), 'mlflow.sqlite');
    const out = await xlens(root, ['export', '--mlflow', file]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /^exported 0 runs/);
    const SQL = await loadSqlJs();
    const ours = new SQL.Database(readFileSync(file));
    const mlflow = new SQL.Database();
    try {
      // The dump separates its statements by blank lines, without semicolons.
      for (const statement of readFileSync('test/fixtures/mlflow_schema/sqlite.sql', 'utf8').split(
        /\n\s*\n/,
      )) {
        if (statement.trim() !== '') {
          mlflow.run(statement);
        }
      }
      const tables = (db: typeof ours): string[] =>
        rows(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").flat().map(String);
      // Every table of MLflow's schema, the ones written and the ones created empty.
      assert.deepEqual(tables(ours), tables(mlflow));
      assert.deepEqual(tables(ours), [...MLFLOW_TABLES, ...MLFLOW_EMPTY_TABLES].sort());
      for (const table of tables(mlflow)) {
        assert.deepEqual(shape(ours, table), shape(mlflow, table), table);
      }
    } finally {
      ours.close();
      mlflow.close();
    }
  });

  it('refuses a file that is not an MLflow database, naming it (exit 2)', async () => {
    const root = makeRepo({ 'xlens.yaml': CONFIG, 'fit.js': FIT });
    const SQL = await loadSqlJs();
    const other = new SQL.Database();
    other.run('CREATE TABLE notes (text TEXT)');
    const file = join(tempDir(), 'notes.db');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, other.export());
    other.close();
    const out = await xlens(root, ['export', '--mlflow', file]);
    assert.equal(out.code, 2, out.stderr);
    assert.match(
      out.stderr,
      /notes\.db: not an MLflow tracking database \(no table alembic_version, experiments/,
    );
  });
});
