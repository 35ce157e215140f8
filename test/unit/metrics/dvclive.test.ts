import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DvcliveReader } from '../../../src/core/metrics/dvclive/dvcliveReader';
import { readAll } from '../../../src/core/metrics/readers';
import { tempDir } from '../../helpers/gitRepo';

const FIXTURES = join(__dirname, '../../fixtures/dvclive');

interface Expected {
  metrics: Record<string, { count: number; first: number[]; last: number[] }>;
  params: Record<string, number | null>;
}
/** Computed by test/fixtures/dvclive/expected.py (python3 stdlib), independently of the reader. */
const EXPECTED = JSON.parse(readFileSync(join(FIXTURES, 'EXPECTED.json'), 'utf8')) as Record<
  string,
  Expected
>;

describe('DVCLive reader on real dvclive/ folders', () => {
  for (const [repo, want] of Object.entries(EXPECTED)) {
    it(`reads ${repo}: every series (names from folders), first and last points, params`, async () => {
      const { runs, warnings } = await readAll(new DvcliveReader(join(FIXTURES, repo, 'dvclive')));
      assert.deepEqual(warnings, []);
      assert.equal(runs.length, 1);
      const run = runs[0];
      assert.equal(run.source, 'dvclive');
      assert.deepEqual([...run.metrics.keys()].sort(), Object.keys(want.metrics).sort());
      for (const [name, points] of run.metrics) {
        const m = want.metrics[name];
        const first = points[0];
        const last = points[points.length - 1];
        const shape = (p: { step: number; value: number; time?: number }): number[] =>
          p.time === undefined ? [p.step, p.value] : [p.step, p.value, p.time];
        assert.equal(points.length, m.count, `${name} count`);
        assert.deepEqual(shape(first), m.first, `${name} first`);
        assert.deepEqual(shape(last), m.last, `${name} last`);
      }
      assert.deepEqual(Object.keys(run.params).sort(), Object.keys(want.params).sort());
      for (const [key, value] of Object.entries(want.params)) {
        if (typeof value === 'number') {
          assert.equal(run.params[key], value, key);
        }
      }
    });
  }

  it('reads the legacy layout (scalars/*.tsv with a timestamp column) with wall times', async () => {
    const { runs } = await readAll(new DvcliveReader(join(FIXTURES, 'maltempi__dvc-experiments/dvclive')));
    const acc = runs[0].metrics.get('acc')!;
    assert.ok(acc.every((p) => typeof p.time === 'number' && p.time > 1.6e12));
  });
});

describe('DVCLive reader, edge cases', () => {
  function makeLive(): string {
    const dir = join(tempDir('xlens-dvclive-'), 'dvclive');
    mkdirSync(join(dir, 'plots', 'metrics', 'train'), { recursive: true });
    writeFileSync(join(dir, 'params.yaml'), 'epochs: 3\noptimizer:\n  lr: 0.01\n');
    return dir;
  }

  it('tails a TSV: a partial last line waits, appended rows arrive, a bad cell is a counted warning', async () => {
    const dir = makeLive();
    const tsv = join(dir, 'plots', 'metrics', 'train', 'loss.tsv');
    writeFileSync(tsv, 'step\tloss\n0\t0.9\n1\t0.8\n2\t0.');
    const reader = new DvcliveReader(dir);
    const first = await reader.read();
    assert.deepEqual(first.warnings, []);
    assert.deepEqual(
      first.runs[0].metrics.get('train/loss')!.map((p) => p.value),
      [0.9, 0.8],
    );
    assert.deepEqual(first.runs[0].params, { epochs: 3, 'optimizer.lr': 0.01 });

    appendFileSync(tsv, '7\n3\tbroken\n4\t0.6\n');
    const second = await reader.read();
    assert.deepEqual(
      second.runs[0].metrics.get('train/loss')!.map((p) => [p.step, p.value]),
      [
        [2, 0.7],
        [4, 0.6],
      ],
    );
    assert.equal(second.warnings.length, 1);
    assert.equal(second.warnings[0].file, tsv);
    assert.equal(second.warnings[0].line, 5);

    assert.deepEqual((await reader.read()).runs, [], 'nothing new');
  });

  it('picks up a series file created later and a metric only in metrics.json', async () => {
    const dir = makeLive();
    const reader = new DvcliveReader(dir);
    await reader.read();
    writeFileSync(join(dir, 'plots', 'metrics', 'acc.tsv'), 'timestamp\tstep\tacc\n1700000000000\t0\t0.5\n');
    writeFileSync(join(dir, 'metrics.json'), JSON.stringify({ acc: 0.5, test: { f1: 0.75 }, step: 0 }));
    const update = await reader.read();
    const run = update.runs[0];
    assert.deepEqual(run.metrics.get('acc'), [{ step: 0, value: 0.5, time: 1700000000000 }]);
    assert.deepEqual(
      run.metrics.get('test/f1'),
      [{ step: 0, value: 0.75 }],
      'summary-only metric at the summary step',
    );
  });
});
