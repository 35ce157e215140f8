/**
 * CSV training logs found by content and Keras logs appended over several trainings, on logs written
 * by the real Keras 3.15 and Lightning 2.6 (test/fixtures/{keras,lightning}/generate.py; Keras's own
 * History of each fit() is recorded beside the log as expected_sessions.json).
 */
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { classifyCsv, sniffCsvLog, SNIFF_MAX_BYTES } from '../../../src/core/metrics/csv/classify';
import { KerasCsvReader } from '../../../src/core/metrics/csv/kerasCsv';
import { discoverImportedRuns } from '../../../src/core/metrics/discovery/discovery';
import { discoverSources } from '../../../src/core/metrics/discovery/scan';
import { readAll, SeriesAccumulator } from '../../../src/core/metrics/readers';
import { tempDir } from '../../helpers/gitRepo';

const FIXTURES = join(__dirname, '../../fixtures');
const APPENDED = join(FIXTURES, 'keras/csv_append/training_191017.log');

interface Session {
  epochs: number[];
  metrics: Record<string, number[]>;
}
const SESSIONS = JSON.parse(
  readFileSync(join(FIXTURES, 'keras/csv_append/expected_sessions.json'), 'utf8'),
) as Session[];

describe('CSV logs found by content', () => {
  it('finds Keras and Lightning CSVLogger files whatever their names, and nothing else', async () => {
    const ws = tempDir('xlens-sniff-');
    cpSync(join(FIXTURES, 'keras/csv_append'), join(ws, 'a'), { recursive: true });
    cpSync(join(FIXTURES, 'keras/csv_names'), join(ws, 'b'), { recursive: true });
    cpSync(join(FIXTURES, 'lightning/csv_logs/demo/version_0'), join(ws, 'c/fit'), { recursive: true });
    // Decoys: data with a step column, a DVCLive series, a text log, a CSV whose first cell is no epoch.
    mkdirSync(join(ws, 'data'));
    writeFileSync(join(ws, 'data/robot.csv'), 'step,x,y\n0,1.5,2\n');
    writeFileSync(join(ws, 'data/epoch.tsv'), 'timestamp\tstep\tepoch\n1700000000000\t0\t0\n');
    writeFileSync(join(ws, 'data/app.log'), '2026-12-06 12:00:01 INFO epoch,started\n');
    writeFileSync(join(ws, 'data/events.csv'), 'epoch,kind\nlast,none\n');
    const found = (await discoverSources(ws)).map((s) => [s.format, relative(ws, s.path)]);
    assert.deepEqual(found, [
      ['keras-csv', 'a/training_191017.log'],
      ['keras-csv', 'b/history_run.tsv'],
      ['keras-csv', 'b/training_logs221017(2).log'],
      ['lightning-csv', 'c/fit/metrics.csv'],
    ]);
    // A file too large to be a training log is not sniffed; named as a source, it is still classified.
    const big = join(ws, 'data/huge.csv');
    writeFileSync(big, 'epoch,loss\n0,1\n');
    truncateSync(big, SNIFF_MAX_BYTES + 1);
    assert.equal(await sniffCsvLog(big), undefined);
    assert.equal(await classifyCsv(big), 'keras-csv');
  });

  it('reads quoted header names holding the separator as one column (RFC 4180), as the readers do', async () => {
    const ws = tempDir('xlens-quoted-');
    // Lightning logs a param group's learning rate under a name the user chose; quoted, it may hold a comma.
    const lightning = join(ws, 'lightning.csv');
    writeFileSync(lightning, '"lr-Adam/pg1,fast",step,train_loss\n0.001,5,0.3\n');
    assert.equal(await classifyCsv(lightning), 'lightning-csv');
    const keras = join(ws, 'keras.csv');
    writeFileSync(keras, 'epoch,"loss, smoothed",val_loss\n0,0.9,1.1\n');
    assert.equal(await classifyCsv(keras), 'keras-csv');
  });

  it('reads a file named by content like any other: tab separator, NA cells', async () => {
    const { runs, warnings } = await discoverImportedRuns(join(FIXTURES, 'keras/csv_names'));
    assert.deepEqual(warnings, []);
    const byName = new Map(runs.map((r) => [r.relativePath, r]));
    assert.deepEqual(
      byName.get('training_logs221017(2).log')?.metrics.map((m) => [m.name, m.points]),
      [
        ['accuracy', 3],
        ['loss', 3],
      ],
    );
    assert.equal(byName.get('history_run.tsv')?.metrics.length, 4);
  });
});

describe('Keras CSVLogger with append=True: one run per training session', () => {
  it('splits the file where the epochs start again: each session is what Keras reported for its fit()', async () => {
    const { runs, warnings } = await readAll(new KerasCsvReader(APPENDED));
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      runs.map((r) => [r.id, r.name]),
      [
        ['training_191017.log', 'csv_append/training_191017.log #1'],
        ['training_191017.log#2', 'csv_append/training_191017.log #2'],
        ['training_191017.log#3', 'csv_append/training_191017.log #3'],
      ],
    );
    runs.forEach((run, i) => {
      const want = SESSIONS[i];
      assert.deepEqual([...run.metrics.keys()].sort(), Object.keys(want.metrics).sort());
      for (const [name, values] of Object.entries(want.metrics)) {
        const points = run.metrics.get(name)!;
        assert.deepEqual(
          points.map((p) => p.step),
          want.epochs,
          `session ${i + 1} ${name}`,
        );
        // CSVLogger writes the same float32 numbers History holds, as decimal text.
        points.forEach((p, k) => assert.ok(Math.abs(p.value - values[k]) < 1e-6, `${name}@${p.step}`));
      }
    });
  });

  it('followed while trainings append: the first run keeps its id, the next sessions arrive as new runs', async () => {
    const lines = readFileSync(APPENDED, 'utf8').split(/(?<=\n)/);
    const file = join(tempDir('xlens-append-'), 'training_191017.log');
    const sizes = SESSIONS.map((s) => s.epochs.length);
    writeFileSync(file, lines.slice(0, 1 + sizes[0]).join(''));
    const reader = new KerasCsvReader(file);
    const acc = new SeriesAccumulator();
    const first = await reader.read();
    acc.apply(first);
    assert.deepEqual(
      first.runs.map((r) => [r.id, r.name]),
      [['training_191017.log', `${basename(dirname(file))}/training_191017.log`]],
    );
    let at = 1 + sizes[0];
    for (const size of sizes.slice(1)) {
      // Keras writes row by row: the session's first row alone, then the rest.
      appendFileSync(file, lines[at]);
      acc.apply(await reader.read());
      appendFileSync(file, lines.slice(at + 1, at + size).join(''));
      acc.apply(await reader.read());
      at += size;
    }
    const whole = await readAll(new KerasCsvReader(file));
    assert.deepEqual(acc.snapshot(), whole.runs);
  });
});
