/**
 * Regression evaluation as scikit-learn 1.2's `sklearn.metrics` computes it with default arguments
 * (`_regression.py`: `force_finite=True` for R² and explained variance, ε-guarded MAPE), plus bounded
 * data for the charts scikit-learn's `PredictionErrorDisplay` draws.
 */
import type { EvalNote, RegressionChartData, RegressionEvaluation } from './types';
import { EPSILON } from './probability';

/** Options of {@link evaluateRegression}. */
export interface RegressionOptions {
  /** Bins of the residual histogram (default 30). */
  histogramBins?: number;
  /** Points of the scatter charts at most (default 1000, like `PredictionErrorDisplay`'s subsample). */
  maxPoints?: number;
}

function median(values: Float64Array): number {
  const sorted = values.slice().sort();
  const n = sorted.length;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Every regression metric of {@link RegressionEvaluation} for the rows of `actual` and `predicted`.
 * @throws RangeError when the arrays differ in length, are empty, or hold a NaN or infinite value (the
 *   callers report missing values with their file, row and column before this).
 */
export function evaluateRegression(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  options: RegressionOptions = {},
): RegressionEvaluation {
  const n = actual.length;
  if (n !== predicted.length) {
    throw new RangeError(`actual has ${n} values but predicted has ${predicted.length}`);
  }
  if (n === 0) {
    throw new RangeError('nothing to evaluate: no rows');
  }
  let sumTrue = 0;
  let sumDiff = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(actual[i]) || !Number.isFinite(predicted[i])) {
      throw new RangeError(`row ${i}: a value is missing or not finite`);
    }
    sumTrue += actual[i];
    sumDiff += actual[i] - predicted[i];
  }
  const meanTrue = sumTrue / n;
  const meanDiff = sumDiff / n;
  const absolute = new Float64Array(n);
  let sumAbs = 0;
  let sumSq = 0;
  let sumPct = 0;
  let sumTot = 0;
  let sumVar = 0;
  let maxError = 0;
  for (let i = 0; i < n; i++) {
    const error = actual[i] - predicted[i];
    const abs = Math.abs(error);
    absolute[i] = abs;
    sumAbs += abs;
    sumSq += error * error;
    sumPct += abs / Math.max(Math.abs(actual[i]), EPSILON);
    sumTot += (actual[i] - meanTrue) ** 2;
    sumVar += (error - meanDiff) ** 2;
    maxError = Math.max(maxError, abs);
  }
  const notes: EvalNote[] = [];
  let r2: number | null;
  if (n < 2) {
    r2 = null;
    notes.push({ metric: 'r2', message: 'R^2 score is not well-defined with less than two samples.' });
  } else {
    r2 = forceFinite(sumSq, sumTot);
  }
  const mse = sumSq / n;
  return {
    problem: 'regression',
    rows: n,
    mae: sumAbs / n,
    mse,
    rmse: Math.sqrt(mse),
    r2,
    mape: sumPct / n,
    medianAbsoluteError: median(absolute),
    maxError,
    explainedVariance: forceFinite(sumVar / n, sumTot / n),
    charts: regressionCharts(actual, predicted, options),
    notes,
  };
}

/** 1 − num/den, with scikit-learn's `force_finite`: 1 when num is 0, 0 when only den is 0. */
function forceFinite(numerator: number, denominator: number): number {
  if (numerator === 0) {
    return 1;
  }
  return denominator === 0 ? 0 : 1 - numerator / denominator;
}

/** Histogram of residuals (true − predicted) and evenly sampled points for the scatter charts. */
export function regressionCharts(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  options: RegressionOptions = {},
): RegressionChartData {
  const n = actual.length;
  const bins = options.histogramBins ?? 30;
  const maxPoints = options.maxPoints ?? 1000;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const r = actual[i] - predicted[i];
    lo = Math.min(lo, r);
    hi = Math.max(hi, r);
  }
  const width = hi > lo ? (hi - lo) / bins : 1;
  const counts = new Array<number>(hi > lo ? bins : 1).fill(0);
  for (let i = 0; i < n; i++) {
    const b = Math.floor((actual[i] - predicted[i] - lo) / width);
    counts[Math.min(Math.max(b, 0), counts.length - 1)]++;
  }
  const residualHistogram = counts.map((count, b) => ({
    start: lo + b * width,
    end: b === counts.length - 1 ? Math.max(hi, lo + width) : lo + (b + 1) * width,
    count,
  }));
  const take = Math.min(n, maxPoints);
  const points = Array.from({ length: take }, (_, k) => {
    const i = Math.floor((k * n) / take);
    return { actual: actual[i], predicted: predicted[i], residual: actual[i] - predicted[i] };
  });
  return { residualHistogram, points, sampledFrom: n };
}
