/**
 * A rewritten source re-sends its series from the start, possibly over several reads: the points the run
 * already took are skipped until the source brings a point beyond them (src/core/runner/resentPoints.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newPoints } from '../../../src/core/runner/resentPoints';
import type { MetricPoint, SeriesRun } from '../../../src/core/metrics/series';

function run(series: Record<string, number[]>): SeriesRun {
  const metrics = new Map<string, MetricPoint[]>();
  for (const [name, steps] of Object.entries(series)) {
    metrics.set(
      name,
      steps.map((step) => ({ step, value: step / 10 })),
    );
  }
  return {
    id: 'version_0',
    name: 'version_0',
    source: 'lightning-csv',
    path: '/x',
    metrics,
    params: {},
    tags: {},
  } as unknown as SeriesRun;
}

describe('points a re-sending source brings', () => {
  it('takes everything from a source that is not re-sending', () => {
    const { points, caughtUp } = newPoints(run({ loss: [0, 1, 2] }), '', new Map([['loss', 5]]), false);
    assert.deepEqual(
      points.map((p) => p.step),
      [0, 1, 2],
    );
    assert.equal(caughtUp, true);
  });

  it('skips what was taken across the reads of one rewrite, and stops skipping once past it', () => {
    const taken = new Map([
      ['loss', 9],
      ['val_loss', 9],
    ]);
    // The first read after the rewrite holds steps 0..4 of 0..9 already taken: nothing new, still re-sending.
    const first = newPoints(run({ loss: [0, 1, 2, 3, 4], val_loss: [0, 2, 4] }), '', taken, true);
    assert.deepEqual(first.points, []);
    assert.equal(first.caughtUp, false);
    // The next read brings the rest of the rewrite (5..9) and a new step 10: only 10 is taken.
    const second = newPoints(
      run({ loss: [5, 6, 7, 8, 9, 10], val_loss: [6, 8, 10] }),
      '',
      taken,
      !first.caughtUp,
    );
    assert.deepEqual(
      second.points.map((p) => `${p.name}@${p.step}`),
      ['loss@10', 'val_loss@10'],
    );
    assert.equal(second.caughtUp, true);
    // Then appends are taken as they come, even a repeated step.
    const third = newPoints(run({ loss: [10, 11] }), '', new Map([['loss', 10]]), !second.caughtUp);
    assert.deepEqual(
      third.points.map((p) => p.step),
      [10, 11],
    );
  });

  it('names series with the prefix and compares each series with its own high water', () => {
    const { points } = newPoints(
      run({ loss: [3, 4], acc: [0, 1] }),
      'fold-2/',
      new Map([['fold-2/loss', 3]]),
      true,
    );
    assert.deepEqual(
      points.map((p) => `${p.name}@${p.step}`),
      ['fold-2/loss@4', 'fold-2/acc@0', 'fold-2/acc@1'],
    );
  });
});
