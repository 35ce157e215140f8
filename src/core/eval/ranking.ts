/**
 * Threshold curves of a binary score: ROC, precision–recall, their areas, and precision/recall/F1
 * against the threshold, as scikit-learn 1.2 computes them (`sklearn/metrics/_ranking.py`:
 * `_binary_clf_curve`, `roc_curve`, `precision_recall_curve`, `auc`, `average_precision_score`).
 */
import type { PrCurve, RocCurve, ThresholdCurve } from './types';

/**
 * Counts at each distinct score, highest first (`_binary_clf_curve`): `fps[i]`/`tps[i]` are the
 * negatives/positives with score ≥ `thresholds[i]`.
 */
export interface BinaryCounts {
  thresholds: Float64Array;
  tps: Float64Array;
  fps: Float64Array;
}

/**
 * Cumulative true and false positives at each distinct score, highest score first.
 * Sorts the scores of positives and of negatives separately (native typed-array sort) and merges them,
 * which gives the same counts as scikit-learn's single stable sort.
 * @param positive `positive(i)` is true when row i belongs to the positive class.
 * @throws RangeError for an empty input or a NaN score.
 */
export function binaryCounts(scores: ArrayLike<number>, positive: (i: number) => boolean): BinaryCounts {
  const n = scores.length;
  if (n === 0) {
    throw new RangeError('nothing to evaluate: no rows');
  }
  let p = 0;
  for (let i = 0; i < n; i++) {
    if (positive(i)) {
      p++;
    }
  }
  const pos = new Float64Array(p);
  const neg = new Float64Array(n - p);
  let ip = 0;
  let ineg = 0;
  for (let i = 0; i < n; i++) {
    const s = scores[i];
    if (Number.isNaN(s)) {
      throw new RangeError(`row ${i}: the score is missing`);
    }
    if (positive(i)) {
      pos[ip++] = s;
    } else {
      neg[ineg++] = s;
    }
  }
  pos.sort();
  neg.sort();
  const thresholds = new Float64Array(n);
  const tps = new Float64Array(n);
  const fps = new Float64Array(n);
  let m = 0;
  let i = pos.length - 1;
  let j = neg.length - 1;
  let tp = 0;
  let fp = 0;
  while (i >= 0 || j >= 0) {
    const t = i < 0 ? neg[j] : j < 0 ? pos[i] : Math.max(pos[i], neg[j]);
    while (i >= 0 && pos[i] === t) {
      tp++;
      i--;
    }
    while (j >= 0 && neg[j] === t) {
      fp++;
      j--;
    }
    thresholds[m] = t;
    tps[m] = tp;
    fps[m] = fp;
    m++;
  }
  return { thresholds: thresholds.slice(0, m), tps: tps.slice(0, m), fps: fps.slice(0, m) };
}

/**
 * `roc_curve(y, score, drop_intermediate=True)`: keeps the corners (where the second difference of
 * fps or tps is not 0), prepends (0, 0) at threshold max + 1. A rate whose total is 0 (no negatives or
 * no positives) is NaN throughout, as in scikit-learn, and the caller says why.
 */
export function rocCurve(counts: BinaryCounts): RocCurve {
  const { tps, fps, thresholds } = counts;
  const m = tps.length;
  const keep: number[] = [];
  for (let i = 0; i < m; i++) {
    if (
      m <= 2 ||
      i === 0 ||
      i === m - 1 ||
      fps[i + 1] - 2 * fps[i] + fps[i - 1] !== 0 ||
      tps[i + 1] - 2 * tps[i] + tps[i - 1] !== 0
    ) {
      keep.push(i);
    }
  }
  const totalF = fps[m - 1];
  const totalT = tps[m - 1];
  return {
    fpr: [0, ...keep.map((i) => fps[i])].map((v) => (totalF <= 0 ? NaN : v / totalF)),
    tpr: [0, ...keep.map((i) => tps[i])].map((v) => (totalT <= 0 ? NaN : v / totalT)),
    thresholds: [thresholds[keep[0]] + 1, ...keep.map((i) => thresholds[i])],
  };
}

/** `sklearn.metrics.auc`: trapezoidal area under (x, y) (`np.trapz(y, x)`). */
export function trapezoid(x: readonly number[], y: readonly number[]): number {
  let area = 0;
  for (let i = 1; i < x.length; i++) {
    area += ((x[i] - x[i - 1]) * (y[i] + y[i - 1])) / 2;
  }
  return area;
}

/**
 * `precision_recall_curve(y, score)`: precision and recall at each distinct score from the lowest,
 * ending with (recall 0, precision 1); precision is 0 where nothing is predicted positive, recall is 1
 * throughout when there are no positives (scikit-learn warns).
 */
export function prCurve(counts: BinaryCounts): PrCurve {
  const { tps, fps, thresholds } = counts;
  const m = tps.length;
  const total = tps[m - 1];
  const precision = new Array<number>(m + 1);
  const recall = new Array<number>(m + 1);
  const t = new Array<number>(m);
  for (let r = 0; r < m; r++) {
    const i = m - 1 - r;
    const predicted = tps[i] + fps[i];
    precision[r] = predicted === 0 ? 0 : tps[i] / predicted;
    recall[r] = total === 0 ? 1 : tps[i] / total;
    t[r] = thresholds[i];
  }
  precision[m] = 1;
  recall[m] = 0;
  return { precision, recall, thresholds: t };
}

/**
 * `average_precision_score` of a binary problem: −Σ (R[k+1] − R[k]) · P[k] over the points of
 * {@link prCurve}.
 */
export function averagePrecision(curve: PrCurve): number {
  let sum = 0;
  for (let k = 0; k + 1 < curve.recall.length; k++) {
    sum += (curve.recall[k + 1] - curve.recall[k]) * curve.precision[k];
  }
  return -sum;
}

/**
 * Precision, recall and F1 at each threshold of `curve` (the last PR point, which has no threshold,
 * is left out) and the threshold of the highest F1 (the first, i.e. lowest threshold, on ties).
 */
export function thresholdCurve(curve: PrCurve): ThresholdCurve {
  const m = curve.thresholds.length;
  const f1 = new Array<number>(m);
  let best = 0;
  for (let i = 0; i < m; i++) {
    const p = curve.precision[i];
    const r = curve.recall[i];
    f1[i] = p + r === 0 ? 0 : (2 * p * r) / (p + r);
    if (f1[i] > f1[best]) {
      best = i;
    }
  }
  return {
    thresholds: curve.thresholds.slice(),
    precision: curve.precision.slice(0, m),
    recall: curve.recall.slice(0, m),
    f1,
    best: {
      threshold: curve.thresholds[best],
      precision: curve.precision[best],
      recall: curve.recall[best],
      f1: f1[best],
    },
  };
}
