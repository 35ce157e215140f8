/**
 * Wasserstein-1 (earth mover's) distance between two empirical distributions,
 * W₁ = ∫ |F₁(x) − F₂(x)| dx (Vallender 1974; `scipy.stats.wasserstein_distance`,
 * https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.wasserstein_distance.html), and its
 * normed form used by Evidently's `wasserstein` stattest: W₁ / max(std(reference), 0.001), std with ddof 0.
 */

/** Smallest norm Evidently divides by, so constant reference columns do not divide by zero. */
export const WASSERSTEIN_MIN_NORM = 0.001;

/** W₁ of two ascending-sorted samples without NaN (one merge pass; Neumaier-compensated sum). */
export function wassersteinDistance(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) {
    throw new RangeError('wassersteinDistance needs two non-empty samples');
  }
  let i = 0;
  let j = 0;
  let sum = 0;
  let compensation = 0;
  let prev = Math.min(a[0], b[0]);
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && a[i] <= b[j]) ? a[i] : b[j];
    // Between prev and v both CDFs are constant at i/n1 and j/n2.
    const term = Math.abs(i / n1 - j / n2) * (v - prev);
    const t = sum + term;
    compensation += Math.abs(sum) >= Math.abs(term) ? sum - t + term : term - t + sum;
    sum = t;
    while (i < n1 && a[i] === v) {
      i++;
    }
    while (j < n2 && b[j] === v) {
      j++;
    }
    prev = v;
  }
  return sum + compensation;
}

/** Population standard deviation (ddof 0), two-pass with compensated sums, as `numpy.std`. */
export function populationStd(values: Float64Array): number {
  const n = values.length;
  if (n === 0) {
    return NaN;
  }
  const mean = compensatedSum(values, 0, false) / n;
  return Math.sqrt(compensatedSum(values, mean, true) / n);
}

function compensatedSum(values: Float64Array, center: number, squared: boolean): number {
  let sum = 0;
  let c = 0;
  for (let k = 0; k < values.length; k++) {
    const d = values[k] - center;
    const x = squared ? d * d : values[k];
    const t = sum + x;
    c += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return sum + c;
}

/**
 * W₁ divided by max(std(reference), 0.001): the drift score of Evidently's `wasserstein` stattest,
 * in units of reference standard deviations.
 */
export function normedWasserstein(sortedReference: Float64Array, sortedCurrent: Float64Array): number {
  const norm = Math.max(populationStd(sortedReference), WASSERSTEIN_MIN_NORM);
  return wassersteinDistance(sortedReference, sortedCurrent) / norm;
}
