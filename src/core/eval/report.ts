/**
 * Label metrics from a confusion matrix: `classification_report`, accuracy, balanced accuracy,
 * Matthews correlation and Cohen's kappa, as scikit-learn 1.2 defines them (`sklearn/metrics/
 * _classification.py`), including `zero_division="warn"`: an undefined precision, recall or F1 is 0 and
 * scikit-learn's UndefinedMetricWarning text is kept as a note.
 */
import type { AverageReport, ClassReport, EvalNote } from './types';

/** A square confusion matrix over `labels`: `counts[true][predicted]`. */
export interface Confusion {
  labels: string[];
  counts: number[][];
}

/**
 * `sklearn.metrics.confusion_matrix(y_true, y_pred, labels)` restricted to the labels that occur in
 * either array (scikit-learn's `unique_labels`), in the order of `labels`.
 * @param labels all class names; `actual[i]` and `predicted[i]` index into it.
 * @throws RangeError when the arrays differ in length, are empty, or hold an index outside `labels`.
 */
export function confusionOf(
  labels: readonly string[],
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
): Confusion {
  if (actual.length !== predicted.length) {
    throw new RangeError(`actual has ${actual.length} values but predicted has ${predicted.length}`);
  }
  if (actual.length === 0) {
    throw new RangeError('nothing to evaluate: no rows');
  }
  const k = labels.length;
  const full = new Float64Array(k * k);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const p = predicted[i];
    if (!(a >= 0 && a < k && p >= 0 && p < k)) {
      throw new RangeError(`row ${i}: class index outside 0..${k - 1}`);
    }
    full[a * k + p]++;
  }
  const used: number[] = [];
  for (let c = 0; c < k; c++) {
    let any = false;
    for (let j = 0; j < k && !any; j++) {
      any = full[c * k + j] > 0 || full[j * k + c] > 0;
    }
    if (any) {
      used.push(c);
    }
  }
  return {
    labels: used.map((c) => labels[c]),
    counts: used.map((a) => used.map((p) => full[a * k + p])),
  };
}

/** `sklearn`'s `_prf_divide` with `zero_division="warn"`: 0 where the denominator is 0. */
function divide(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

/** scikit-learn's `_warn_prf` text for `average=None` with more than one label, or one label. */
function prfWarning(start: string, modifier: string, size: number): string {
  const where = size === 1 ? 'due to' : 'in labels with';
  return `${start} ill-defined and being set to 0.0 ${where} no ${modifier} samples. Use \`zero_division\` parameter to control this behavior.`;
}

/** Label metrics of a confusion matrix. */
export interface LabelMetrics {
  accuracy: number;
  balancedAccuracy: number;
  perClass: ClassReport[];
  macro: AverageReport;
  micro: AverageReport;
  weighted: AverageReport;
  mcc: number;
  kappa: number | null;
  normalized: number[][];
  notes: EvalNote[];
}

/**
 * Everything `classification_report(y_true, y_pred, output_dict=True)`, `accuracy_score`,
 * `balanced_accuracy_score`, `matthews_corrcoef`, `cohen_kappa_score` and
 * `confusion_matrix(normalize="true")` give for these counts.
 */
export function labelMetrics(confusion: Confusion): LabelMetrics {
  const { counts } = confusion;
  const k = counts.length;
  const trueSum = counts.map((row) => row.reduce((s, v) => s + v, 0));
  const predSum = counts[0].map((_, p) => counts.reduce((s, row) => s + row[p], 0));
  const tp = counts.map((row, c) => row[c]);
  const n = trueSum.reduce((s, v) => s + v, 0);
  const notes: EvalNote[] = [];
  if (predSum.some((v) => v === 0)) {
    notes.push({
      metric: 'precision',
      message: prfWarning('Precision and F-score are', 'predicted', k),
    });
  }
  if (trueSum.some((v) => v === 0)) {
    notes.push({ metric: 'recall', message: prfWarning('Recall and F-score are', 'true', k) });
  }
  const perClass: ClassReport[] = confusion.labels.map((label, c) => {
    const precision = divide(tp[c], predSum[c]);
    const recall = divide(tp[c], trueSum[c]);
    const denominator = precision + recall;
    const f1 = denominator === 0 ? 0 : (2 * precision * recall) / denominator;
    return { label, precision, recall, f1, support: trueSum[c] };
  });
  const mean = (pick: (r: ClassReport) => number) =>
    perClass.reduce((s, r) => s + pick(r), 0) / perClass.length;
  const weightedMean = (pick: (r: ClassReport) => number) =>
    perClass.reduce((s, r) => s + pick(r) * r.support, 0) / n;
  const correct = tp.reduce((s, v) => s + v, 0);
  const microP = divide(
    correct,
    predSum.reduce((s, v) => s + v, 0),
  );
  const microR = divide(correct, n);
  const microF = microP + microR === 0 ? 0 : (2 * microP * microR) / (microP + microR);
  const recalls = perClass.filter((r) => r.support > 0).map((r) => r.recall);
  if (recalls.length < perClass.length) {
    notes.push({ metric: 'balanced_accuracy', message: 'y_pred contains classes not in y_true' });
  }
  const kappa = cohenKappa(counts, trueSum, predSum, n);
  if (kappa === null) {
    notes.push({
      metric: 'kappa',
      message:
        "Cohen's kappa is undefined when true and predicted labels hold one single class (scikit-learn gives NaN).",
    });
  }
  return {
    accuracy: correct / n,
    balancedAccuracy: recalls.reduce((s, v) => s + v, 0) / recalls.length,
    perClass,
    macro: {
      precision: mean((r) => r.precision),
      recall: mean((r) => r.recall),
      f1: mean((r) => r.f1),
      support: n,
    },
    micro: { precision: microP, recall: microR, f1: microF, support: n },
    weighted: {
      precision: weightedMean((r) => r.precision),
      recall: weightedMean((r) => r.recall),
      f1: weightedMean((r) => r.f1),
      support: n,
    },
    mcc: matthews(correct, n, trueSum, predSum),
    kappa,
    normalized: counts.map((row, c) => row.map((v) => divide(v, trueSum[c]))),
    notes,
  };
}

/** `sklearn.metrics.matthews_corrcoef` from the confusion matrix sums; 0 when undefined. */
function matthews(correct: number, n: number, trueSum: number[], predSum: number[]): number {
  let dotTP = 0;
  let dotPP = 0;
  let dotTT = 0;
  for (let c = 0; c < trueSum.length; c++) {
    dotTP += trueSum[c] * predSum[c];
    dotPP += predSum[c] * predSum[c];
    dotTT += trueSum[c] * trueSum[c];
  }
  const covYtYp = correct * n - dotTP;
  const covYpYp = n * n - dotPP;
  const covYtYt = n * n - dotTT;
  if (covYpYp * covYtYt === 0) {
    return 0;
  }
  return covYtYp / Math.sqrt(covYtYt * covYpYp);
}

/**
 * `sklearn.metrics.cohen_kappa_score` (unweighted): 1 − Σ_{i≠j} C_ij / Σ_{i≠j} E_ij with
 * E = outer(column sums, row sums) / n; null where the denominator is 0 (NaN in scikit-learn).
 */
function cohenKappa(counts: number[][], trueSum: number[], predSum: number[], n: number): number | null {
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < counts.length; i++) {
    for (let j = 0; j < counts.length; j++) {
      if (i !== j) {
        observed += counts[i][j];
        expected += (predSum[i] * trueSum[j]) / n;
      }
    }
  }
  return expected === 0 ? null : 1 - observed / expected;
}
