import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { detectSeparator } from '../../../src/core/metrics/csv/csvTable';
import { KerasCsvReader } from '../../../src/core/metrics/csv/kerasCsv';
import { LightningCsvReader } from '../../../src/core/metrics/csv/lightningCsv';
import { readAll, SeriesAccumulator } from '../../../src/core/metrics/readers';
import type { MetricPoint } from '../../../src/core/metrics/series';
import { tempDir } from '../../helpers/gitRepo';

const KERAS = join(__dirname, '../../fixtures/keras_csv');
const LIGHTNING = join(__dirname, '../../fixtures/lightning_csv');

interface Expected {
  rows: number;
  metrics: Record<string, { count: number; first: number[]; last: number[] }>;
  params?: Record<string, string | number>;
}
/** Computed by expected.py beside each fixture set (python3 csv module), independently of the readers. */
const KERAS_EXPECTED = JSON.parse(readFileSync(join(KERAS, 'EXPECTED.json'), 'utf8')) as Record<
  string,
  Expected
>;
const LIGHTNING_EXPECTED = JSON.parse(readFileSync(join(LIGHTNING, 'EXPECTED.json'), 'utf8')) as Record<
  string,
  Expected
>;

function assertSeries(metrics: Map<string, MetricPoint[]>, want: Expected['metrics']): void {
  assert.deepEqual([...metrics.keys()].sort(), Object.keys(want).sort());
  for (const [name, points] of metrics) {
    const m = want[name];
    assert.equal(points.length, m.count, `${name} count`);
    assert.deepEqual([points[0].step, points[0].value], m.first, `${name} first`);
    assert.deepEqual([points.at(-1)!.step, points.at(-1)!.value], m.last, `${name} last`);
  }
}

describe('Keras CSVLogger reader on real training logs', () => {
  for (const [file, want] of Object.entries(KERAS_EXPECTED)) {
    it(`reads ${file}: epoch as step, one series per column`, async () => {
      const { runs, warnings } = await readAll(new KerasCsvReader(join(KERAS, file)));
      assert.deepEqual(warnings, []);
      assert.equal(runs.length, 1);
      assert.equal(runs[0].source, 'keras-csv');
      assertSeries(runs[0].metrics, want.metrics);
    });
  }
});

describe('Lightning CSVLogger reader on real lightning_logs', () => {
  for (const [dir, want] of Object.entries(LIGHTNING_EXPECTED)) {
    it(`reads ${dir}: sparse rows, step column, epoch as a metric, hparams`, async () => {
      const { runs, warnings } = await readAll(new LightningCsvReader(join(LIGHTNING, dir, 'metrics.csv')));
      assert.deepEqual(warnings, []);
      assert.equal(runs.length, 1);
      const run = runs[0];
      assert.equal(run.id, dir.split('/').at(-1));
      assertSeries(run.metrics, want.metrics);
      assert.deepEqual(run.params, want.params);
    });
  }
});

describe('CSV logger readers, edge cases', () => {
  it('Keras: NA cells are missing values, any separator, a non-numeric cell is a warning naming file and line', async () => {
    const file = join(tempDir('xlens-keras-'), 'training.log');
    writeFileSync(file, 'epoch;loss;val_loss\n0;0.9;NA\n1;0.8;0.85\n2;bad;0.8\n3;0.6;\n');
    const { runs, warnings } = await readAll(new KerasCsvReader(file));
    const m = runs[0].metrics;
    assert.deepEqual(
      m.get('loss')!.map((p) => [p.step, p.value]),
      [
        [0, 0.9],
        [1, 0.8],
        [3, 0.6],
      ],
    );
    assert.deepEqual(
      m.get('val_loss')!.map((p) => p.step),
      [1, 2],
    );
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0].file, file);
    assert.equal(warnings[0].line, 4);
    assert.match(warnings[0].message, /"loss".*bad/);
  });

  it('Keras: a partial last row waits for its newline; appended epochs arrive alone', async () => {
    const file = join(tempDir('xlens-keras-'), 'log.csv');
    writeFileSync(file, 'epoch,loss\n0,0.9\n1,0.8');
    const reader = new KerasCsvReader(file);
    const first = await reader.read();
    assert.deepEqual(first.warnings, []);
    assert.deepEqual(
      first.runs[0].metrics.get('loss')!.map((p) => p.step),
      [0],
    );
    appendFileSync(file, '5\n2,0.7\n');
    const second = await reader.read();
    assert.deepEqual(
      second.runs[0].metrics.get('loss')!.map((p) => [p.step, p.value]),
      [
        [1, 0.85],
        [2, 0.7],
      ],
    );
    assert.deepEqual((await reader.read()).runs, []);
  });

  it('Lightning: a header widened mid-run (file rewritten) is detected and the file read again', async () => {
    const dir = join(tempDir('xlens-lightning-'), 'lightning_logs', 'version_0');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'metrics.csv');
    writeFileSync(join(dir, 'hparams.yaml'), 'lr: 0.01\nlayers: 2\n');
    writeFileSync(file, 'epoch,step,train_loss\n0,49,0.9\n0,99,0.8\n');
    const reader = new LightningCsvReader(file);
    const acc = new SeriesAccumulator();
    acc.apply(await reader.read());
    // Lightning's CSVLogger rewrites the whole file when a new key (val_loss) appears.
    writeFileSync(file, 'epoch,step,train_loss,val_loss\n0,49,0.9,\n0,99,0.8,\n0,99,,0.85\n1,149,0.7,\n');
    const widened = await reader.read();
    assert.deepEqual(widened.reset, ['version_0']);
    acc.apply(widened);
    const run = acc.get('version_0')!;
    assert.deepEqual(
      run.metrics.get('train_loss')!.map((p) => p.step),
      [49, 99, 149],
      'no duplicates after the reset',
    );
    assert.deepEqual(run.metrics.get('val_loss'), [{ step: 99, value: 0.85 }]);
    assert.deepEqual(
      run.metrics.get('epoch')!.map((p) => [p.step, p.value]),
      [
        [49, 0],
        [99, 0],
        [149, 1],
      ],
    );
    assert.deepEqual(run.params, { lr: 0.01, layers: 2 });
  });

  it('Lightning: a widened header beyond the compared bytes is caught by the wider rows', async () => {
    const dir = join(tempDir('xlens-lightning-'), 'version_3');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'metrics.csv');
    const long = Array.from({ length: 40 }, (_, i) => `metric_with_a_long_name_${i}`);
    const row = (step: number, extra: string[]): string =>
      [String(step), ...long.map(() => '1'), ...extra].join(',');
    writeFileSync(file, `${['step', ...long].join(',')}\n${row(1, [])}\n`);
    const reader = new LightningCsvReader(file);
    await reader.read();
    writeFileSync(file, `${['step', ...long, 'zz_new'].join(',')}\n${row(1, [''])}\n${row(2, ['0.5'])}\n`);
    const again = await reader.read();
    assert.deepEqual(again.reset, ['version_3']);
    assert.deepEqual(again.runs[0].metrics.get('zz_new'), [{ step: 2, value: 0.5 }]);
    assert.equal(again.runs[0].metrics.get('metric_with_a_long_name_0')!.length, 2);
  });

  it('detects the separator from the header', () => {
    assert.equal(detectSeparator('epoch,loss,acc'), ',');
    assert.equal(detectSeparator('epoch\tloss'), '\t');
    assert.equal(detectSeparator('epoch;loss;acc'), ';');
    assert.equal(detectSeparator('epoch loss acc'), ' ');
  });
});
