import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  evaluateClassification,
  evaluateRegression,
  evaluationMetrics,
} from '../../../src/core/train/evaluation';

describe('evaluation reports', () => {
  // actual:    a a a a b b b c c c
  // predicted: a a a b b b a c c b
  // confusion (rows actual, cols predicted): a [3 1 0], b [1 2 0]... worked below.
  const labels = ['a', 'b', 'c'];
  const actual = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2];
  const predicted = [0, 0, 0, 1, 1, 1, 0, 2, 2, 1];

  it('builds the confusion matrix with actual classes as rows', () => {
    const report = evaluateClassification(labels, actual, predicted);
    assert.deepEqual(report.confusionMatrix, {
      labels,
      matrix: [
        [3, 1, 0],
        [1, 2, 0],
        [0, 1, 2],
      ],
    });
    assert.equal(report.accuracy, 7 / 10);
  });

  it('computes per-class and macro precision, recall and F1 by hand', () => {
    const report = evaluateClassification(labels, actual, predicted);
    // a: P = 3/4, R = 3/4; b: P = 2/4, R = 2/3; c: P = 2/2, R = 2/3
    const f1 = (p: number, r: number) => (2 * p * r) / (p + r);
    const expected = [
      { label: 'a', precision: 3 / 4, recall: 3 / 4, support: 4 },
      { label: 'b', precision: 2 / 4, recall: 2 / 3, support: 3 },
      { label: 'c', precision: 1, recall: 2 / 3, support: 3 },
    ];
    expected.forEach((e, i) => {
      const got = report.perClass[i];
      assert.equal(got.label, e.label);
      assert.ok(Math.abs(got.precision - e.precision) < 1e-12);
      assert.ok(Math.abs(got.recall - e.recall) < 1e-12);
      assert.ok(Math.abs(got.f1 - f1(e.precision, e.recall)) < 1e-12);
      assert.equal(got.support, e.support);
    });
    assert.ok(Math.abs(report.precisionMacro - (3 / 4 + 2 / 4 + 1) / 3) < 1e-12);
    assert.ok(Math.abs(report.recallMacro - (3 / 4 + 2 / 3 + 2 / 3) / 3) < 1e-12);
    const macroF1 = (f1(3 / 4, 3 / 4) + f1(2 / 4, 2 / 3) + f1(1, 2 / 3)) / 3;
    assert.ok(Math.abs(report.f1Macro - macroF1) < 1e-12);
    assert.deepEqual(Object.keys(evaluationMetrics(report)), [
      'eval/accuracy',
      'eval/precision_macro',
      'eval/recall_macro',
      'eval/f1_macro',
    ]);
  });

  it('leaves a class absent from both actual and predicted out of the macro average', () => {
    const report = evaluateClassification(['x', 'y', 'z'], [0, 0, 1], [0, 1, 1]);
    // x: P 1, R 1/2; y: P 1/2, R 1; z absent.
    assert.ok(Math.abs(report.precisionMacro - 0.75) < 1e-12);
    assert.ok(Math.abs(report.recallMacro - 0.75) < 1e-12);
    assert.equal(report.perClass[2].support, 0);
  });

  it('computes MAE, RMSE and R² in target units', () => {
    const report = evaluateRegression([1, 2, 3, 4], [2, 2, 3, 2]);
    // errors: -1 0 0 2 → MAE 3/4, MSE 5/4; SS_tot = 5 → R² = 1 − 5/5 = 0
    assert.equal(report.mae, 0.75);
    assert.equal(report.mse, 1.25);
    assert.equal(report.rmse, Math.sqrt(1.25));
    assert.equal(report.r2, 0);
    // As scikit-learn's r2_score (test/fixtures/eval, cases one-row, perfect, constant-target): undefined
    // for one row; for a constant actual target 1 when exact, else 0 (force_finite=True).
    assert.ok(Number.isNaN(evaluateRegression([5], [4]).r2));
    assert.equal(evaluateRegression([5, 5], [5, 5]).r2, 1);
    assert.equal(evaluateRegression([5, 5], [5, 4]).r2, 0);
    assert.deepEqual(Object.keys(evaluationMetrics(report, 'holdout/')), [
      'holdout/mae',
      'holdout/mse',
      'holdout/rmse',
      'holdout/r2',
    ]);
  });

  it('gains log loss, ROC AUC, average precision and curves from probabilities, as scikit-learn computes them', () => {
    // The string-binary case of test/fixtures/eval/reference.json (scikit-learn 1.2.1).
    const reference = JSON.parse(
      readFileSync(join(__dirname, '../../fixtures/eval/reference.json'), 'utf8'),
    ) as { cases: { name: string; log_loss: number; roc_auc: number; average_precision: number }[] };
    const want = reference.cases.find((c) => c.name === 'string-binary')!;
    const y = [1, 0, 1, 0, 0, 1]; // spam, ham, spam, ham, ham, spam
    const pred = [1, 0, 0, 0, 1, 1];
    const pHam = [0.2, 0.7, 0.6, 0.9, 0.45, 0.1];
    const pSpam = [0.8, 0.3, 0.4, 0.1, 0.55, 0.9];
    const report = evaluateClassification(['ham', 'spam'], y, pred, [pHam, pSpam]);
    const close = (a: number | null | undefined, b: number) =>
      assert.ok(typeof a === 'number' && Math.abs(a - b) <= 1e-9 * Math.abs(b), `${a} vs ${b}`);
    close(report.logLoss, want.log_loss);
    close(report.rocAuc, want.roc_auc);
    close(report.averagePrecision, want.average_precision);
    assert.equal(report.curves?.[0].label, 'spam');
    assert.deepEqual(Object.keys(evaluationMetrics(report)).slice(4), [
      'eval/log_loss',
      'eval/roc_auc',
      'eval/average_precision',
    ]);
  });

  it('refuses mismatched or empty inputs', () => {
    assert.throws(() => evaluateRegression([1], [1, 2]), RangeError);
    assert.throws(() => evaluateClassification(['a'], [], []), /no rows/);
  });
});
