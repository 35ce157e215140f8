/**
 * A classification evaluation from column arrays: class indices of the true and predicted labels,
 * and optionally probability columns (or one score column of the positive class). Files, column
 * detection and bad values are the caller's (`input.ts`); a monitor evaluates each time window by
 * passing sub-arrays (`subarray`) of the same columns.
 */
import { probabilityDerivedPredictions, type ClassificationInput } from './classificationInput';
import { calibrationCurve, brierScore, logLoss } from './probability';
import { averagePrecision, binaryCounts, prCurve, rocCurve, thresholdCurve, trapezoid } from './ranking';
import { confusionOf, labelMetrics } from './report';
import type { ClassCurves, ClassificationEvaluation, EvalNote, ScoreEvaluation } from './types';

export type { ClassificationInput } from './classificationInput';

/**
 * Evaluates a classifier's predictions (see {@link ClassificationEvaluation} for each number's
 * scikit-learn definition).
 * @throws RangeError when arrays differ in length, are empty, or an index is out of range; when a true
 *   class has no probability column; when there is nothing to derive predicted labels from.
 */
export function evaluateClassification(input: ClassificationInput): ClassificationEvaluation {
  const predicted = input.predicted ?? probabilityDerivedPredictions(input);
  const confusion = confusionOf(input.labels, input.actual, predicted);
  const metrics = labelMetrics(confusion);
  const notes: EvalNote[] = [...metrics.notes];
  const evaluation: ClassificationEvaluation = {
    problem: 'classification',
    rows: input.actual.length,
    labels: confusion.labels,
    accuracy: metrics.accuracy,
    balancedAccuracy: metrics.balancedAccuracy,
    perClass: metrics.perClass,
    macro: metrics.macro,
    micro: metrics.micro,
    weighted: metrics.weighted,
    mcc: metrics.mcc,
    kappa: metrics.kappa,
    confusion: {
      labels: confusion.labels,
      counts: confusion.counts,
      normalized: metrics.normalized,
    },
    notes,
  };
  if (input.probabilities) {
    evaluation.scores = scoreMetrics(input, notes);
  }
  return evaluation;
}

const ONE_CLASS = 'Only one class present in y_true. ROC AUC score is not defined in that case.';
const NO_POSITIVE = 'No positive class found in y_true, recall is set to one for all thresholds.';

/** ROC and PR of one class against the rest. */
function classCurves(
  label: string,
  scores: ArrayLike<number>,
  isClass: (i: number) => boolean,
  notes: EvalNote[],
): ClassCurves {
  const counts = binaryCounts(scores, isClass);
  const m = counts.tps.length;
  const positives = counts.tps[m - 1];
  const negatives = counts.fps[m - 1];
  const roc = rocCurve(counts);
  const pr = prCurve(counts);
  let rocAuc: number | null = null;
  if (positives === 0 || negatives === 0) {
    notes.push({ metric: 'roc_auc', message: `class ${label}: ${ONE_CLASS}` });
  } else {
    rocAuc = trapezoid(roc.fpr, roc.tpr);
  }
  if (positives === 0) {
    notes.push({ metric: 'average_precision', message: `class ${label}: ${NO_POSITIVE}` });
  }
  return { label, roc, pr, rocAuc, averagePrecision: averagePrecision(pr) };
}

/** Rows whose probabilities do not sum to 1 as `np.allclose(1, sum)` judges (rtol 1e-5, atol 1e-8). */
export function rowsNotSummingToOne(columns: readonly ArrayLike<number>[]): number[] {
  const bad: number[] = [];
  const n = columns[0]?.length ?? 0;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (const column of columns) {
      sum += column[i];
    }
    if (!(Math.abs(1 - sum) <= 1e-8 + 1e-5 * Math.abs(sum))) {
      bad.push(i);
    }
  }
  return bad;
}

function scoreMetrics(input: ClassificationInput, notes: EvalNote[]): ScoreEvaluation {
  const probabilities = input.probabilities!;
  const { classes, columns } = probabilities;
  const actual = input.actual;
  const n = actual.length;
  const column = new Int32Array(input.labels.length).fill(-1);
  classes.forEach((c, j) => (column[c] = j));
  const binary = columns.length === 1 || classes.length === 2;
  const isProbability = columns.every((col) => {
    for (let i = 0; i < col.length; i++) {
      if (!(col[i] >= 0 && col[i] <= 1)) {
        return false;
      }
    }
    return true;
  });
  if (binary) {
    const positive = input.positive ?? classes[classes.length - 1];
    const score = columns.length === 1 ? columns[0] : columns[classes.indexOf(positive)];
    const isPositive = (i: number) => actual[i] === positive;
    const curves = classCurves(input.labels[positive], score, isPositive, notes);
    const result: ScoreEvaluation = {
      classes: classes.map((c) => input.labels[c]),
      positive: input.labels[positive],
      probabilities: isProbability,
      logLoss: null,
      brier: null,
      rocAuc: curves.rocAuc,
      rocAucWeighted: null,
      averagePrecision: curves.averagePrecision,
      curves: [curves],
      calibration: null,
      thresholds: curves.pr && curves.pr.thresholds.length > 0 ? thresholdCurve(curves.pr) : null,
    };
    if (isProbability) {
      const actual01 = Int32Array.from({ length: n }, (_, i) => (isPositive(i) ? 1 : 0));
      result.logLoss =
        columns.length === 1
          ? logLoss([score], actual01)
          : logLoss(
              columns,
              Int32Array.from(actual, (a) => column[a]),
            );
      result.brier = brierScore([score], (i) => isPositive(i));
      result.calibration = calibrationCurve(
        score,
        isPositive,
        input.calibrationBins ?? 10,
        input.calibrationStrategy ?? 'uniform',
      );
    } else {
      notes.push({
        metric: 'log_loss',
        message:
          'the score is not a probability (values outside [0, 1]): log loss, Brier score and calibration are left out.',
      });
    }
    return result;
  }
  const curves = classes.map((c, j) =>
    classCurves(input.labels[c], columns[j], (i) => actual[i] === c, notes),
  );
  const actualColumn = Int32Array.from(actual, (a) => column[a]);
  const prevalence = classes.map(() => 0);
  for (let i = 0; i < n; i++) {
    prevalence[actualColumn[i]]++;
  }
  const sumsToOne = rowsNotSummingToOne(columns).length === 0;
  let rocAuc: number | null = null;
  let rocAucWeighted: number | null = null;
  if (!sumsToOne) {
    notes.push({
      metric: 'roc_auc',
      message:
        'Target scores need to be probabilities for multiclass roc_auc, i.e. they should sum up to 1.0 over classes',
    });
  } else if (curves.every((c) => c.rocAuc !== null)) {
    const aucs = curves.map((c) => c.rocAuc!);
    rocAuc = aucs.reduce((s, v) => s + v, 0) / aucs.length;
    rocAucWeighted = aucs.reduce((s, v, j) => s + v * prevalence[j], 0) / n;
  }
  const aps = curves.map((c) => c.averagePrecision!);
  return {
    classes: classes.map((c) => input.labels[c]),
    positive: null,
    probabilities: isProbability,
    logLoss: isProbability ? logLoss(columns, actualColumn) : null,
    brier: isProbability ? brierScore(columns, (i, j) => actualColumn[i] === j) : null,
    rocAuc,
    rocAucWeighted,
    averagePrecision: aps.reduce((s, v) => s + v, 0) / aps.length,
    curves,
    calibration: null,
    thresholds: null,
  };
}
