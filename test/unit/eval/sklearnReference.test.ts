// Every number and curve point of the evaluation module against scikit-learn, on predictions of
// models fitted on vega-datasets tables and on hand cases (ties, a class never predicted, a single
// class, zero division, string labels, decision scores, degenerate regressions). The predictions files,
// the reference values and the Python that produced them are in test/fixtures/eval/ (reference.py);
// no Python is needed to run these tests.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { evaluateFile } from '../../../src/core/eval/evaluateFile';
import type { ClassificationEvaluation, RegressionEvaluation } from '../../../src/core/eval/types';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'eval');

type Num = number | string | null;
interface Case {
  name: string;
  kind: 'classification' | 'regression';
  file: string;
  target: string;
  pred: string | null;
  proba?: string[] | null;
  classes?: string[];
  pos_label?: string | null;
  [key: string]: unknown;
}
const reference = JSON.parse(readFileSync(join(FIXTURES, 'reference.json'), 'utf8')) as {
  sklearn: string;
  cases: Case[];
};

/** Relative tolerance of every comparison, with an absolute floor for values at 0. */
const RELATIVE = 1e-9;
const ABSOLUTE = 1e-12;

function decode(v: Num): number | null {
  if (v === 'nan' || v === null) {
    return null;
  }
  if (v === 'inf') {
    return Infinity;
  }
  if (v === '-inf') {
    return -Infinity;
  }
  return v as number;
}

function close(actual: number | null | undefined, expected: Num, what: string): void {
  const e = decode(expected);
  if (e === null) {
    assert.ok(actual === null || Number.isNaN(actual), `${what}: expected NaN/undefined, got ${actual}`);
    return;
  }
  assert.equal(typeof actual, 'number', `${what}: expected ${e}, got ${actual}`);
  const a = actual as number;
  if (!Number.isFinite(e)) {
    assert.equal(a, e, what);
    return;
  }
  const diff = Math.abs(a - e);
  assert.ok(
    diff <= ABSOLUTE || diff <= RELATIVE * Math.max(Math.abs(a), Math.abs(e)),
    `${what}: ${a} differs from scikit-learn's ${e} by ${diff}`,
  );
}

function closeArray(actual: readonly number[], expected: Num[], what: string): void {
  assert.equal(
    actual.length,
    expected.length,
    `${what}: ${actual.length} points, scikit-learn has ${expected.length}`,
  );
  actual.forEach((v, i) => close(v, expected[i], `${what}[${i}]`));
}

async function evaluate(c: Case, strategy?: 'uniform' | 'quantile') {
  return evaluateFile(join(FIXTURES, c.file), {
    target: c.target,
    pred: c.pred ?? undefined,
    proba: c.proba ?? undefined,
    posLabel: c.pos_label ?? undefined,
    problem: c.kind,
    calibrationStrategy: strategy,
  });
}

describe(`evaluation agrees with scikit-learn ${reference.sklearn} within ${RELATIVE} relative`, () => {
  for (const c of reference.cases.filter((k) => k.kind === 'classification')) {
    it(`classification: ${c.name}`, async () => {
      const { evaluation } = await evaluate(c);
      const ev = evaluation as ClassificationEvaluation;
      assert.equal(ev.problem, 'classification');
      assert.deepEqual(ev.labels, c.labels);
      const report = c.report as Record<string, Record<string, Num> | Num>;
      for (const row of ev.perClass) {
        const want = report[row.label] as Record<string, Num>;
        close(row.precision, want.precision, `${row.label} precision`);
        close(row.recall, want.recall, `${row.label} recall`);
        close(row.f1, want['f1-score'], `${row.label} f1`);
        close(row.support, want.support, `${row.label} support`);
      }
      for (const [key, avg] of [
        ['macro avg', ev.macro],
        ['weighted avg', ev.weighted],
      ] as const) {
        const want = report[key] as Record<string, Num>;
        close(avg.precision, want.precision, `${key} precision`);
        close(avg.recall, want.recall, `${key} recall`);
        close(avg.f1, want['f1-score'], `${key} f1`);
      }
      // classification_report prints "accuracy" for the micro average of a multiclass/binary problem.
      close(ev.micro.f1, report.accuracy as Num, 'micro f1');
      close(ev.micro.precision, report.accuracy as Num, 'micro precision');
      close(ev.accuracy, c.accuracy as Num, 'accuracy');
      close(ev.balancedAccuracy, c.balanced_accuracy as Num, 'balanced accuracy');
      close(ev.mcc, c.mcc as Num, 'mcc');
      close(ev.kappa, c.kappa as Num, 'kappa');
      assert.deepEqual(ev.confusion.counts, c.confusion);
      ev.confusion.normalized.forEach((row, i) =>
        closeArray(row, (c.confusion_normalized as Num[][])[i], `normalized[${i}]`),
      );
      const notes = ev.notes.map((n) => n.message);
      for (const warning of [
        ...(c.report_warnings as string[]),
        ...(c.balanced_accuracy_warnings as string[]),
      ]) {
        assert.ok(notes.includes(warning), `scikit-learn warns "${warning}"; notes: ${notes.join(' | ')}`);
      }
      if (!c.proba) {
        assert.equal(ev.scores, undefined);
        return;
      }
      const scores = ev.scores!;
      if (scores.probabilities) {
        close(scores.logLoss, c.log_loss as Num, 'log loss');
        close(scores.brier, c.brier as Num, 'brier');
      } else {
        assert.equal(c.name, 'decision-scores');
        assert.equal(scores.logLoss, null);
        assert.equal(c.brier, null); // scikit-learn refuses scores outside [0, 1] too
      }
      close(scores.averagePrecision, c.average_precision as Num, 'average precision');
      const curves = c.curves as {
        label: string;
        roc: Num[][];
        pr: Num[][];
        roc_auc?: Num;
        average_precision?: Num;
      }[];
      assert.equal(scores.curves.length, curves.length);
      scores.curves.forEach((mine, j) => {
        const want = curves[j];
        assert.equal(mine.label, want.label);
        closeArray(mine.roc!.fpr, want.roc[0], `${want.label} roc fpr`);
        closeArray(mine.roc!.tpr, want.roc[1], `${want.label} roc tpr`);
        closeArray(mine.roc!.thresholds, want.roc[2], `${want.label} roc thresholds`);
        closeArray(mine.pr!.precision, want.pr[0], `${want.label} pr precision`);
        closeArray(mine.pr!.recall, want.pr[1], `${want.label} pr recall`);
        closeArray(mine.pr!.thresholds, want.pr[2], `${want.label} pr thresholds`);
        if (want.roc_auc !== undefined) {
          close(mine.rocAuc, want.roc_auc, `${want.label} roc auc`);
          close(mine.averagePrecision, want.average_precision!, `${want.label} average precision`);
        }
      });
      if (scores.positive === null) {
        close(scores.rocAuc, c.roc_auc_macro as Num, 'roc auc ovr macro');
        close(scores.rocAucWeighted, c.roc_auc_weighted as Num, 'roc auc ovr weighted');
        return;
      }
      close(scores.rocAuc, c.roc_auc as Num, 'roc auc');
      if (c.roc_auc === null) {
        assert.ok(notes.some((n) => n.includes((c.roc_auc_errors as string[])[0])));
      }
      const best = c.best_f1 as Record<string, Num>;
      const t = scores.thresholds!;
      closeArray(t.f1, c.f1_curve as Num[], 'f1 against threshold');
      close(t.best.threshold, best.threshold, 'best-F1 threshold');
      close(t.best.f1, best.f1, 'best F1');
      close(t.best.precision, best.precision, 'best-F1 precision');
      close(t.best.recall, best.recall, 'best-F1 recall');
      const calibration = c.calibration as Record<string, Num[][]> | undefined;
      if (calibration) {
        closeArray(scores.calibration!.probTrue, calibration.uniform[0], 'calibration uniform true');
        closeArray(scores.calibration!.probPred, calibration.uniform[1], 'calibration uniform pred');
        const quantile = (await evaluate(c, 'quantile')).evaluation as ClassificationEvaluation;
        const q = quantile.scores!.calibration!;
        assert.equal(q.strategy, 'quantile');
        closeArray(q.probTrue, calibration.quantile[0], 'calibration quantile true');
        closeArray(q.probPred, calibration.quantile[1], 'calibration quantile pred');
      }
    });
  }

  for (const c of reference.cases.filter((k) => k.kind === 'regression')) {
    it(`regression: ${c.name}`, async () => {
      const ev = (await evaluate(c)).evaluation as RegressionEvaluation;
      assert.equal(ev.problem, 'regression');
      close(ev.mae, c.mae as Num, 'mae');
      close(ev.mse, c.mse as Num, 'mse');
      close(ev.rmse, c.rmse as Num, 'rmse');
      close(ev.r2, c.r2 as Num, 'r2');
      close(ev.mape, c.mape as Num, 'mape');
      close(ev.medianAbsoluteError, c.median_absolute_error as Num, 'median absolute error');
      close(ev.maxError, c.max_error as Num, 'max error');
      close(ev.explainedVariance, c.explained_variance as Num, 'explained variance');
      for (const warning of c.r2_warnings as string[]) {
        assert.ok(
          ev.notes.some((n) => n.message === warning),
          `scikit-learn warns "${warning}"`,
        );
      }
    });
  }
});
