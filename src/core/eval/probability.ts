/**
 * Metrics of predicted probabilities: log loss, Brier score and the calibration curve, as
 * scikit-learn 1.2 computes them (`sklearn.metrics.log_loss`, `brier_score_loss`,
 * `sklearn.calibration.calibration_curve`, which bins with NumPy's `percentile` and `searchsorted`).
 */
import type { CalibrationCurve } from './types';

/** Machine epsilon of float64 (`np.finfo(np.float64).eps`), log loss's clipping bound. */
export const EPSILON = 2.220446049250313e-16;

/**
 * `log_loss(y_true, y_pred, labels=classes)`: probabilities clipped to [ε, 1 − ε], each row
 * renormalised to sum 1, then the mean of −ln p(true class).
 * @param columns one probability column per class (`columns[c][i]`), or for a binary problem a single
 *   column holding the probability of class 1 (scikit-learn's 1-D `y_pred`).
 * @param actual the class index of each row (into the classes of `columns`, 0/1 for a single column).
 */
export function logLoss(columns: readonly ArrayLike<number>[], actual: ArrayLike<number>): number {
  const n = actual.length;
  const clip = (v: number) => Math.min(Math.max(v, EPSILON), 1 - EPSILON);
  let total = 0;
  if (columns.length === 1) {
    const p = columns[0];
    for (let i = 0; i < n; i++) {
      const c = clip(p[i]);
      const other = 1 - c;
      const sum = other + c;
      total += -Math.log((actual[i] === 1 ? c : other) / sum);
    }
    return total / n;
  }
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (const column of columns) {
      sum += clip(column[i]);
    }
    total += -Math.log(clip(columns[actual[i]][i]) / sum);
  }
  return total / n;
}

/**
 * Brier score. Binary (one column, the positive class): `brier_score_loss(y, p, pos_label)`, the mean
 * of (1[y = positive] − p)². Multiclass: the mean over rows of Σ_c (1[y = c] − p_c)² (the multiclass
 * Brier score; scikit-learn 1.2 only has the binary one).
 */
export function brierScore(
  columns: readonly ArrayLike<number>[],
  isClass: (row: number, column: number) => boolean,
): number {
  const n = columns[0].length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < columns.length; c++) {
      const d = (isClass(i, c) ? 1 : 0) - columns[c][i];
      total += d * d;
    }
  }
  return total / n;
}

/** `np.linspace(0, 1, bins + 1)` bit for bit: i · (1 / bins), the last exactly 1. */
function linspace01(bins: number): number[] {
  const step = 1 / bins;
  return Array.from({ length: bins + 1 }, (_, i) => (i === bins ? 1 : i * step));
}

/**
 * `np.percentile(sorted, q)` with NumPy's default linear method, on values sorted ascending:
 * virtual index (n − 1)·q/100, then NumPy's `_lerp` (which interpolates from the upper neighbour when
 * the fraction is ≥ 0.5).
 */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  const virtual = (n - 1) * (q / 100);
  if (virtual >= n - 1) {
    return sorted[n - 1];
  }
  if (virtual < 0) {
    return sorted[0];
  }
  const below = Math.floor(virtual);
  const a = sorted[below];
  const b = sorted[below + 1];
  const t = virtual - below;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/**
 * `calibration_curve(y_true, y_prob, n_bins=bins, strategy=strategy)`: bins with edges from
 * `linspace(0, 1)` (uniform) or the probabilities' percentiles (quantile); a row goes to the bin of
 * `searchsorted(inner edges, p)` (left side); empty bins are left out.
 * @param positive `positive(i)` is true when row i belongs to the positive class.
 * @throws RangeError when a probability is outside [0, 1] (scikit-learn raises the same).
 */
export function calibrationCurve(
  probability: ArrayLike<number>,
  positive: (i: number) => boolean,
  bins: number,
  strategy: 'uniform' | 'quantile',
): CalibrationCurve {
  const n = probability.length;
  let edges = linspace01(bins);
  if (strategy === 'quantile') {
    const sorted = Float64Array.from(probability).sort();
    edges = edges.map((q) => percentileSorted(sorted, q * 100));
  }
  const inner = edges.slice(1, -1);
  const sums = new Float64Array(bins + 1);
  const trues = new Float64Array(bins + 1);
  const totals = new Float64Array(bins + 1);
  for (let i = 0; i < n; i++) {
    const p = probability[i];
    if (!(p >= 0 && p <= 1)) {
      throw new RangeError(`row ${i}: probability ${p} is outside [0, 1]`);
    }
    // searchsorted(side="left"): the number of inner edges strictly below p.
    let lo = 0;
    let hi = inner.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (inner[mid] < p) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    sums[lo] += p;
    trues[lo] += positive(i) ? 1 : 0;
    totals[lo]++;
  }
  const curve: CalibrationCurve = {
    strategy,
    bins,
    edges,
    probTrue: [],
    probPred: [],
    counts: [],
  };
  for (let b = 0; b < totals.length; b++) {
    if (totals[b] !== 0) {
      curve.probTrue.push(trues[b] / totals[b]);
      curve.probPred.push(sums[b] / totals[b]);
      curve.counts.push(totals[b]);
    }
  }
  return curve;
}
