/**
 * Unreadable input in every reader: a file that cannot be opened (a symbolic link pointing at
 * itself fails with ELOOP even for root, unlike permissions), a folder where a file is expected, a
 * file that is not a database. Each becomes a warning naming the file; whatever else is readable is
 * still returned and nothing throws.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KerasCsvReader } from '../../../src/core/metrics/csv/kerasCsv';
import { LightningCsvReader } from '../../../src/core/metrics/csv/lightningCsv';
import { DvcliveReader } from '../../../src/core/metrics/dvclive/dvcliveReader';
import { MlflowFileStoreReader } from '../../../src/core/metrics/mlflow/fileStore';
import { MlflowSqliteReader } from '../../../src/core/metrics/mlflow/sqliteStore';
import { readAll } from '../../../src/core/metrics/readers';
import { readTensorBoardRun } from '../../../src/core/metrics/tensorboard';
import { tempDir } from '../../helpers/gitRepo';

const FIXTURES = join(__dirname, '../../fixtures');

/** A path that exists as a link but cannot be opened (ELOOP). */
function loop(path: string): string {
  symlinkSync(path, path);
  return path;
}

describe('unreadable files become warnings naming the file', () => {
  it('Keras and Lightning CSV: a file that cannot be opened, and a folder in place of the file', async () => {
    const dir = tempDir('xlens-unreadable-');
    for (const reader of [
      new KerasCsvReader(loop(join(dir, 'training.log'))),
      new LightningCsvReader(loop(join(dir, 'metrics.csv'))),
      new KerasCsvReader(mkdirSync(join(dir, 'folder.csv'), { recursive: true })!),
    ]) {
      const { runs, warnings } = await readAll(reader);
      assert.equal(runs.length, 0);
      assert.equal(warnings.length, 1);
      assert.equal(warnings[0].file, reader.source.path);
      assert.match(warnings[0].message, /cannot read: .*(ELOOP|EISDIR)/);
    }
  });

  it('DVCLive: an unreadable series and params file; the other series are read', async () => {
    const dir = join(tempDir('xlens-unreadable-'), 'dvclive');
    mkdirSync(join(dir, 'plots/metrics'), { recursive: true });
    writeFileSync(join(dir, 'plots/metrics/loss.tsv'), 'step\tloss\n0\t1\n1\t0.5\n');
    const tsv = loop(join(dir, 'plots/metrics/acc.tsv'));
    const params = loop(join(dir, 'params.yaml'));
    const { runs, warnings } = await readAll(new DvcliveReader(dir));
    assert.deepEqual(
      runs[0].metrics.get('loss')!.map((p) => p.value),
      [1, 0.5],
    );
    assert.deepEqual(warnings.map((w) => w.file).sort(), [params, tsv].sort());
    assert.ok(warnings.every((w) => /ELOOP/.test(w.message)));
  });

  it('MLflow file store: an unreadable metric and param file; the rest of the run is read', async () => {
    const root = join(tempDir('xlens-unreadable-'), 'mlruns');
    const run = join(root, '0', 'r1');
    mkdirSync(join(run, 'metrics'), { recursive: true });
    mkdirSync(join(run, 'params'), { recursive: true });
    writeFileSync(join(root, '0', 'meta.yaml'), 'name: Default\nlifecycle_stage: active\n');
    writeFileSync(join(run, 'meta.yaml'), 'run_id: r1\nstatus: 3\nlifecycle_stage: active\n');
    writeFileSync(join(run, 'metrics', 'loss'), '1700000000000 0.5 0\n');
    writeFileSync(join(run, 'params', 'lr'), '0.1');
    const metric = loop(join(run, 'metrics', 'acc'));
    const param = loop(join(run, 'params', 'epochs'));
    const { runs, warnings } = await readAll(new MlflowFileStoreReader(root));
    assert.deepEqual(runs[0].metrics.get('loss'), [{ step: 0, value: 0.5, time: 1700000000000 }]);
    assert.deepEqual(runs[0].params, { lr: '0.1' });
    assert.equal(runs[0].status, 'succeeded');
    assert.deepEqual(warnings.map((w) => w.file).sort(), [metric, param].sort());
    assert.match(warnings.find((w) => w.file === metric)!.message, /cannot read metric file: .*ELOOP/);
  });

  it('MLflow SQLite: an unopenable path and a file that is not a database', async () => {
    const dir = tempDir('xlens-unreadable-');
    const link = loop(join(dir, 'mlflow.db'));
    const garbage = join(dir, 'garbage.db');
    writeFileSync(garbage, Buffer.alloc(4096, 0x5a));
    const a = await readAll(new MlflowSqliteReader(link));
    assert.equal(a.warnings[0].file, link);
    assert.match(a.warnings[0].message, /cannot read database: .*ELOOP/);
    const b = await readAll(new MlflowSqliteReader(garbage));
    assert.equal(b.runs.length, 0);
    assert.equal(b.warnings[0].file, garbage);
    assert.match(b.warnings[0].message, /not a database/);
  });

  it('MLflow SQLite: waits while a transaction is written (fresh journal), then reads', async () => {
    const dir = tempDir('xlens-sqlite-journal-');
    const db = join(dir, 'mlflow.db');
    copyFileSync(join(FIXTURES, 'mlflow_sqlite/01Angel01__House_Prediction/mlflow.db'), db);
    writeFileSync(`${db}-journal`, Buffer.alloc(512, 1));
    const reader = new MlflowSqliteReader(db);
    const during = await reader.read();
    assert.deepEqual(
      during,
      { runs: [], warnings: [], incomplete: true },
      'nothing read mid-transaction, nothing reported, said to be incomplete',
    );
    const { rmSync } = await import('node:fs');
    rmSync(`${db}-journal`);
    const after = await reader.read();
    assert.equal(after.runs.length, 8);
    assert.deepEqual(after.warnings, []);
  });

  it('TensorBoard: an event file that cannot be opened; the run’s other file is read', async () => {
    const dir = tempDir('xlens-unreadable-');
    copyFileSync(
      join(
        FIXTURES,
        'tensorboard/brianjsl__ndf_mnist/runs/Mar14_02-53-12_dhcp-10-29-125-30.dyn.MIT.EDU/events.out.tfevents.1647240792.dhcp-10-29-125-30.dyn.MIT.EDU.47343.0',
      ),
      join(dir, 'events.out.tfevents.1647240792.host.1.0'),
    );
    const bad = loop(join(dir, 'events.out.tfevents.1647240999.host.1.0'));
    const run = await readTensorBoardRun(dir, '.');
    assert.equal(run.metrics.get('Loss/train')!.length, 24);
    assert.equal(run.warnings.length, 1);
    assert.equal(run.warnings[0].file, bad);
    assert.equal(run.warnings[0].offset, 0);
    assert.match(run.warnings[0].message, /cannot read event file: .*ELOOP/);
  });
});
