import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { metricGoal } from '../../../src/core/runs/summaries';
import { EarlyStopping } from '../../../src/core/train/earlyStopping';

/** Feeds values for epochs 1, 2, ... and returns the epoch it stopped at (undefined: never) and the steps. */
function run(stopping: EarlyStopping, values: number[]): { stoppedAt?: number; steps: string[] } {
  const steps: string[] = [];
  for (const [i, value] of values.entries()) {
    const step = stopping.update(i + 1, value);
    steps.push(step);
    if (step === 'stop') {
      return { stoppedAt: i + 1, steps };
    }
  }
  return { steps };
}

describe('early stopping (Keras EarlyStopping semantics)', () => {
  it('stops once patience epochs in a row have not improved (wait >= patience)', () => {
    // Epochs 3 and 4 do not improve on epoch 2's 0.8: with patience 2 training stops after epoch 4,
    // before the improvement that epoch 5 would have brought.
    const loss = [1.0, 0.8, 0.85, 0.9, 0.7, 0.6];
    const stopping = new EarlyStopping({ monitor: 'val_loss', patience: 2 });
    assert.deepEqual(run(stopping, loss), {
      stoppedAt: 4,
      steps: ['improved', 'improved', 'waiting', 'stop'],
    });
    assert.equal(stopping.bestEpoch, 2);
    assert.equal(stopping.best, 0.8);
    // An improvement resets the count.
    const again = new EarlyStopping({ monitor: 'val_loss', patience: 2 });
    assert.equal(run(again, [1.0, 0.9, 0.95, 0.85, 0.86, 0.87, 0.1]).stoppedAt, 6);
    // Patience 0 stops at the first epoch without improvement.
    assert.equal(run(new EarlyStopping({ monitor: 'loss', patience: 0 }), [1, 0.5, 0.6]).stoppedAt, 3);
  });

  it('needs more than min_delta to count as an improvement, and never improves on NaN', () => {
    const stopping = new EarlyStopping({ monitor: 'val_loss', patience: 2, minDelta: 0.05 });
    assert.deepEqual(run(stopping, [1.0, 0.97, 0.9, Number.NaN, 0.88]), {
      stoppedAt: 5,
      steps: ['improved', 'waiting', 'improved', 'waiting', 'stop'],
    });
    assert.equal(stopping.bestEpoch, 3);
  });

  it('decides higher or lower is better by the same rule as run summaries, unless mode says', () => {
    for (const monitor of ['val_loss', 'val_accuracy', 'val_auc', 'val_top_k', 'val_mae', 'val_r2']) {
      assert.equal(new EarlyStopping({ monitor, patience: 1 }).goal, metricGoal(monitor), monitor);
    }
    // val_auc rises: improving under the summaries' rule (max), so no stop.
    assert.equal(
      run(new EarlyStopping({ monitor: 'val_auc', patience: 1 }), [0.6, 0.7, 0.8]).stoppedAt,
      undefined,
    );
    assert.equal(
      run(new EarlyStopping({ monitor: 'val_auc', patience: 1, mode: 'min' }), [0.6, 0.7, 0.8]).stoppedAt,
      2,
    );
  });
});
