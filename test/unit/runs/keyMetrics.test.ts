import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  keyMetricNames,
  keyMetricsText,
  lastValues,
  rankMetricNames,
} from '../../../src/core/runs/keyMetrics';

describe('key metrics (one rule for the CLI, the editor and imported runs)', () => {
  it('puts validation accuracy and losses first, then the rest by name, without bookkeeping', () => {
    assert.deepEqual(keyMetricNames(['epoch', 'loss', 'zeta', 'val_accuracy', 'alpha'], 3), [
      'val_accuracy',
      'loss',
      'alpha',
    ]);
    assert.deepEqual(keyMetricNames(['lr', 'learning_rate', 'Epoch', 'rmse'], 4), ['rmse']);
  });

  it('ranks val/ and validation_ names as val_, and eval/x just after x', () => {
    assert.deepEqual(keyMetricNames(['loss', 'val/accuracy', 'acc'], 2), ['val/accuracy', 'acc']);
    assert.deepEqual(keyMetricNames(['validation_loss', 'mae'], 1), ['validation_loss']);
    assert.deepEqual(keyMetricNames(['zeta', 'eval/accuracy', 'accuracy', 'loss'], 3), [
      'accuracy',
      'eval/accuracy',
      'loss',
    ]);
  });

  it("honours the user's chosen names, in their order, even beyond the limit", () => {
    assert.deepEqual(keyMetricNames(['loss', 'acc', 'lr', 'f1'], 2, ['lr', 'missing', 'f1', 'acc']), [
      'lr',
      'f1',
      'acc',
    ]);
  });

  it('ranks every name for full tables, bookkeeping last', () => {
    assert.deepEqual(rankMetricNames(['epoch', 'b', 'loss', 'a', 'lr']), ['loss', 'a', 'b', 'epoch', 'lr']);
  });

  it('writes label and assign styles with the shared number format', () => {
    const values = lastValues({
      loss: { last: 0.081234 },
      val_accuracy: { last: 0.970588 },
      epoch: { last: 9 },
    });
    assert.equal(keyMetricsText(values), 'val_accuracy 0.9706 · loss 0.08123');
    assert.equal(keyMetricsText(values, { style: 'assign', limit: 4 }), 'val_accuracy=0.9706 loss=0.08123');
    assert.deepEqual({ ...lastValues([{ name: 'reward', last: 2_000_000 }]) }, { reward: 2_000_000 });
    assert.equal(keyMetricsText({}), '');
  });
});
