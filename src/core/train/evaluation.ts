/**
 * Evaluation reports of the built-in trainer (`artifacts/evaluation.json` and the `eval/*` metrics).
 * Definitions follow scikit-learn's `classification_report`, `mean_absolute_error`,
 * `mean_squared_error` and `r2_score`, including their conventions for empty denominators.
 */

/** Scores of one class. */
export interface ClassScores {
  label: string;
  /** TP / (TP + FP); 0 when the class is never predicted. */
  precision: number;
  /** TP / (TP + FN); 0 when the class never occurs. */
  recall: number;
  /** Harmonic mean of precision and recall; 0 when both are 0. */
  f1: number;
  /** Rows whose actual class is this one. */
  support: number;
}

export interface ClassificationEvaluation {
  problem: 'classification';
  rows: number;
  accuracy: number;
  /** Unweighted means over the classes that occur in the actual or predicted labels. */
  precisionMacro: number;
  recallMacro: number;
  f1Macro: number;
  perClass: ClassScores[];
  /** `matrix[actual][predicted]` counts, both indexed like `labels`. */
  confusionMatrix: { labels: string[]; matrix: number[][] };
}

export interface RegressionEvaluation {
  problem: 'regression';
  rows: number;
  /** Mean absolute error, in target units. */
  mae: number;
  /** Mean squared error, in squared target units. */
  mse: number;
  /** Root mean squared error, in target units. */
  rmse: number;
  /**
   * Coefficient of determination 1 − SS_res / SS_tot; NaN (undefined, `null` in JSON, left out of the
   * metrics) with fewer than 2 rows or a constant actual target, where SS_tot is 0 (scikit-learn's
   * `r2_score` returns NaN for < 2 samples and, unless forced finite, for a constant target too).
   */
  r2: number;
}

export type Evaluation = ClassificationEvaluation | RegressionEvaluation;

/**
 * Classification report from class indices.
 * @param labels class names; `actual[i]` and `predicted[i]` index into it.
 * @throws RangeError when the arrays differ in length or are empty.
 */
export function evaluateClassification(
  labels: readonly string[],
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
): ClassificationEvaluation {
  checkLengths(actual.length, predicted.length);
  const k = labels.length;
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const p = predicted[i];
    matrix[a][p] = matrix[a][p] + 1;
    if (a === p) {
      correct++;
    }
  }
  const perClass: ClassScores[] = labels.map((label, c) => {
    const tp = matrix[c][c];
    const support = matrix[c].reduce((s, v) => s + v, 0);
    const predictedCount = matrix.reduce((s, row) => s + row[c], 0);
    const precision = predictedCount === 0 ? 0 : tp / predictedCount;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label, precision, recall, f1, support };
  });
  const present = perClass.filter((s, c) => s.support > 0 || matrix.some((row) => row[c] > 0));
  const mean = (pick: (s: ClassScores) => number) =>
    present.reduce((sum, s) => sum + pick(s), 0) / present.length;
  return {
    problem: 'classification',
    rows: actual.length,
    accuracy: correct / actual.length,
    precisionMacro: mean((s) => s.precision),
    recallMacro: mean((s) => s.recall),
    f1Macro: mean((s) => s.f1),
    perClass,
    confusionMatrix: { labels: [...labels], matrix },
  };
}

/**
 * Regression report in the target's units.
 * @throws RangeError when the arrays differ in length or are empty.
 */
export function evaluateRegression(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
): RegressionEvaluation {
  checkLengths(actual.length, predicted.length);
  const n = actual.length;
  let mean = 0;
  for (let i = 0; i < n; i++) {
    mean += actual[i];
  }
  mean /= n;
  let absolute = 0;
  let squared = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const error = actual[i] - predicted[i];
    absolute += Math.abs(error);
    squared += error * error;
    total += (actual[i] - mean) ** 2;
  }
  const mse = squared / n;
  const r2 = n < 2 || total === 0 ? NaN : 1 - squared / total;
  return { problem: 'regression', rows: n, mae: absolute / n, mse, rmse: Math.sqrt(mse), r2 };
}

function checkLengths(actual: number, predicted: number): void {
  if (actual !== predicted) {
    throw new RangeError(`actual has ${actual} values but predicted has ${predicted}`);
  }
  if (actual === 0) {
    throw new RangeError('nothing to evaluate: no rows');
  }
}

/**
 * The scalar metrics of an evaluation, named for the metrics protocol with `prefix`
 * (e.g. `eval/accuracy`, `eval/f1_macro`, `eval/rmse`).
 */
export function evaluationMetrics(evaluation: Evaluation, prefix = 'eval/'): Record<string, number> {
  const values: Record<string, number> =
    evaluation.problem === 'classification'
      ? {
          accuracy: evaluation.accuracy,
          precision_macro: evaluation.precisionMacro,
          recall_macro: evaluation.recallMacro,
          f1_macro: evaluation.f1Macro,
        }
      : { mae: evaluation.mae, mse: evaluation.mse, rmse: evaluation.rmse, r2: evaluation.r2 };
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [`${prefix}${k}`, v]));
}
