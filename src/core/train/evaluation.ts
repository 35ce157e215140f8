/**
 * Evaluation reports of the built-in trainer (`artifacts/evaluation.json` and the `eval/*` metrics),
 * computed by the evaluation module (`src/core/eval/`), whose every number is checked against
 * scikit-learn (`classification_report`, `log_loss`, `roc_auc_score`, `average_precision_score`,
 * `mean_absolute_error`, `mean_squared_error`, `r2_score`), including their conventions for empty
 * denominators. The shape stays the trainer's own (read by the run report).
 */
import { evaluateClassification as evaluateWithModule } from '../eval/classification';
import { thinnedEvaluation } from '../eval/present';
import { evaluateRegression as evaluateRegressionWithModule } from '../eval/regression';
import type { ClassCurves, ClassificationEvaluation as ModuleClassification } from '../eval/types';

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
  /** `balanced_accuracy_score`. */
  balancedAccuracy: number;
  /** `matthews_corrcoef`. */
  mcc: number;
  /** `cohen_kappa_score`; null when undefined. */
  kappa: number | null;
  /** From the model's probabilities: `log_loss`. */
  logLoss?: number | null;
  /** `roc_auc_score` (binary; one-vs-rest macro for more classes); null when undefined. */
  rocAuc?: number | null;
  /** `average_precision_score` (macro over classes for more than two). */
  averagePrecision?: number | null;
  /** ROC and precision–recall curves per class (the positive class when binary), thinned. */
  curves?: ClassCurves[];
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
   * metrics) with fewer than 2 rows, as scikit-learn's `r2_score`; for a constant actual target
   * (SS_tot = 0) 1 when every prediction is exact, else 0 (its default `force_finite=True`).
   */
  r2: number;
}

export type Evaluation = ClassificationEvaluation | RegressionEvaluation;

/**
 * Classification report from class indices, computed by the evaluation module (`src/core/eval/`, the
 * scikit-learn-verified one). With `probabilities` (one column per label, e.g. the model's softmax
 * output) it adds log loss, ROC AUC and average precision, and ROC and precision–recall curves.
 * @param labels class names; `actual[i]` and `predicted[i]` index into it.
 * @param probabilities `probabilities[c][i]`: probability of `labels[c]` for row i.
 * @throws RangeError when the arrays differ in length or are empty.
 */
export function evaluateClassification(
  labels: readonly string[],
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  probabilities?: readonly ArrayLike<number>[],
): ClassificationEvaluation {
  checkLengths(actual.length, predicted.length);
  const full = evaluateWithModule({
    labels,
    actual,
    predicted,
    ...(probabilities && labels.length >= 2
      ? { probabilities: { classes: labels.map((_, c) => c), columns: [...probabilities] } }
      : {}),
  });
  const k = labels.length;
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < actual.length; i++) {
    matrix[actual[i]][predicted[i]]++;
  }
  const byLabel = new Map(full.perClass.map((r) => [r.label, r]));
  const perClass: ClassScores[] = labels.map(
    (label) => byLabel.get(label) ?? { label, precision: 0, recall: 0, f1: 0, support: 0 },
  );
  const scores = (thinnedEvaluation(full) as ModuleClassification).scores;
  return {
    problem: 'classification',
    rows: actual.length,
    accuracy: full.accuracy,
    balancedAccuracy: full.balancedAccuracy,
    precisionMacro: full.macro.precision,
    recallMacro: full.macro.recall,
    f1Macro: full.macro.f1,
    mcc: full.mcc,
    kappa: full.kappa,
    perClass,
    confusionMatrix: { labels: [...labels], matrix },
    ...(scores
      ? {
          logLoss: scores.logLoss,
          rocAuc: scores.rocAuc,
          averagePrecision: scores.averagePrecision,
          curves: scores.curves,
        }
      : {}),
  };
}

/**
 * Regression report in the target's units (the evaluation module's `evaluateRegression`).
 * @throws RangeError when the arrays differ in length or are empty.
 */
export function evaluateRegression(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
): RegressionEvaluation {
  checkLengths(actual.length, predicted.length);
  const full = evaluateRegressionWithModule(actual, predicted);
  return {
    problem: 'regression',
    rows: full.rows,
    mae: full.mae,
    mse: full.mse,
    rmse: full.rmse,
    r2: full.r2 ?? NaN,
  };
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
          ...(evaluation.logLoss != null ? { log_loss: evaluation.logLoss } : {}),
          ...(evaluation.rocAuc != null ? { roc_auc: evaluation.rocAuc } : {}),
          ...(evaluation.averagePrecision != null ? { average_precision: evaluation.averagePrecision } : {}),
        }
      : { mae: evaluation.mae, mse: evaluation.mse, rmse: evaluation.rmse, r2: evaluation.r2 };
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [`${prefix}${k}`, v]));
}

function checkLengths(actual: number, predicted: number): void {
  if (actual !== predicted) {
    throw new RangeError(`actual has ${actual} values but predicted has ${predicted}`);
  }
  if (actual === 0) {
    throw new RangeError('nothing to evaluate: no rows');
  }
}
