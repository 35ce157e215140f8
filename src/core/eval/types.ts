/**
 * Result shapes of the evaluation module (`src/core/eval/`). Every number is defined as the
 * scikit-learn function named in its TSDoc computes it (reference: scikit-learn 1.2.1, the version of
 * Debian's `python3-sklearn` that produced the test fixtures in `test/fixtures/eval/`). A value that
 * scikit-learn cannot compute (it raises, or returns NaN) is `null` with the reason in `notes`.
 */

/** A warning scikit-learn would emit (same text), or a note on why a value is `null`. */
export interface EvalNote {
  /** The metric the note is about, e.g. `precision`, `roc_auc`, `log_loss`. */
  metric: string;
  message: string;
}

/** Scores of one class, as a row of `sklearn.metrics.classification_report`. */
export interface ClassReport {
  label: string;
  /** TP / (TP + FP); 0 when the class is never predicted (`zero_division="warn"`). */
  precision: number;
  /** TP / (TP + FN); 0 when the class never occurs. */
  recall: number;
  /** 2·P·R / (P + R); 0 when P + R is 0. */
  f1: number;
  /** Rows whose true class is this one. */
  support: number;
}

/** An averaged row of `classification_report` (`precision_recall_fscore_support(average=...)`). */
export interface AverageReport {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** A curve as parallel arrays (each point `i` is `(x[i], y[i])` at `thresholds[i]`). */
export interface RocCurve {
  /** False-positive rate; `sklearn.metrics.roc_curve` (`drop_intermediate=True`). */
  fpr: number[];
  tpr: number[];
  /** Decreasing; the first is the highest score + 1 (scikit-learn 1.2's convention). */
  thresholds: number[];
}

/** `sklearn.metrics.precision_recall_curve`: recall decreasing, ending at (recall 0, precision 1). */
export interface PrCurve {
  precision: number[];
  recall: number[];
  /** Increasing; one fewer than `precision`. */
  thresholds: number[];
}

/** `sklearn.calibration.calibration_curve`: one point per non-empty bin. */
export interface CalibrationCurve {
  strategy: 'uniform' | 'quantile';
  bins: number;
  /** Bin edges used (n + 1 values). */
  edges: number[];
  /** Share of positives in each non-empty bin. */
  probTrue: number[];
  /** Mean predicted probability in each non-empty bin. */
  probPred: number[];
  /** Rows in each non-empty bin. */
  counts: number[];
}

/**
 * Precision, recall and F1 of the positive class against the decision threshold (score ≥ threshold is
 * positive), from the points of {@link PrCurve}; F1 = 2PR/(P+R), 0 where P + R is 0.
 */
export interface ThresholdCurve {
  thresholds: number[];
  precision: number[];
  recall: number[];
  f1: number[];
  /** The threshold with the highest F1 (the lowest such threshold on ties), with its scores. */
  best: { threshold: number; precision: number; recall: number; f1: number };
}

/** Curves of one class against the rest (the positive class in a binary problem). */
export interface ClassCurves {
  label: string;
  roc: RocCurve | null;
  pr: PrCurve | null;
  /** `sklearn.metrics.roc_auc_score` of this class against the rest; null when undefined. */
  rocAuc: number | null;
  /** `sklearn.metrics.average_precision_score` of this class against the rest. */
  averagePrecision: number | null;
}

/** A full classification evaluation. */
export interface ClassificationEvaluation {
  problem: 'classification';
  rows: number;
  /** Classes of the report (sorted union of true and predicted labels, as `unique_labels`). */
  labels: string[];
  /** `accuracy_score`. */
  accuracy: number;
  /** `balanced_accuracy_score`: mean recall over the classes present in the true labels. */
  balancedAccuracy: number;
  /** `classification_report(output_dict=True)`, one row per class in `labels` order. */
  perClass: ClassReport[];
  macro: AverageReport;
  micro: AverageReport;
  weighted: AverageReport;
  /** `matthews_corrcoef`; 0 when undefined, as scikit-learn. */
  mcc: number;
  /** `cohen_kappa_score`; null (NaN in scikit-learn) when only one class occurs. */
  kappa: number | null;
  /** `confusion_matrix`: `counts[true][predicted]`, and normalised by true label (`normalize="true"`). */
  confusion: { labels: string[]; counts: number[][]; normalized: number[][] };
  /** Metrics from probabilities or scores; absent when the file has none. */
  scores?: ScoreEvaluation;
  notes: EvalNote[];
}

/** What is computed from probabilities (or a binary score). */
export interface ScoreEvaluation {
  /** Classes of the probability columns, in column order (sorted). */
  classes: string[];
  /** The positive class of a binary problem; null for multiclass. */
  positive: string | null;
  /** False when a single score column is not a probability (outside [0, 1]). */
  probabilities: boolean;
  /** `log_loss(y, proba, labels=classes)`. */
  logLoss: number | null;
  /** Binary: `brier_score_loss(y, p, pos_label)`; multiclass: mean over rows of Σ (onehot − p)². */
  brier: number | null;
  /** Binary: `roc_auc_score(y, p)`; multiclass: `roc_auc_score(multi_class="ovr", average="macro")`. */
  rocAuc: number | null;
  /** Multiclass only: `roc_auc_score(multi_class="ovr", average="weighted")`. */
  rocAucWeighted: number | null;
  /** Binary: `average_precision_score`; multiclass: macro mean over one-vs-rest classes. */
  averagePrecision: number | null;
  /** Per class one-vs-rest (binary: the positive class only). */
  curves: ClassCurves[];
  /** Binary with probabilities only. */
  calibration: CalibrationCurve | null;
  /** Binary only. */
  thresholds: ThresholdCurve | null;
}

/** Data for the regression charts, bounded in size whatever the rows. */
export interface RegressionChartData {
  /** Histogram of residuals (true − predicted): equal-width bins over [min, max]. */
  residualHistogram: { start: number; end: number; count: number }[];
  /** Up to `maxPoints` rows, sampled evenly in file order: true, predicted and residual. */
  points: { actual: number; predicted: number; residual: number }[];
  /** Rows the points were drawn from. */
  sampledFrom: number;
}

/** A regression evaluation. Every value follows scikit-learn's default arguments. */
export interface RegressionEvaluation {
  problem: 'regression';
  rows: number;
  /** `mean_absolute_error`. */
  mae: number;
  /** `mean_squared_error`. */
  mse: number;
  /** `mean_squared_error(squared=False)`. */
  rmse: number;
  /** `r2_score` (`force_finite=True`); null with fewer than 2 rows (NaN in scikit-learn). */
  r2: number | null;
  /** `mean_absolute_percentage_error` (a fraction, not %; ε-guarded against 0). */
  mape: number;
  /** `median_absolute_error`. */
  medianAbsoluteError: number;
  /** `max_error`. */
  maxError: number;
  /** `explained_variance_score` (`force_finite=True`). */
  explainedVariance: number;
  charts: RegressionChartData;
  notes: EvalNote[];
}

export type EvaluationResult = ClassificationEvaluation | RegressionEvaluation;
