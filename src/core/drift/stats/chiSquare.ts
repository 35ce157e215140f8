/**
 * Pearson's chi-squared goodness-of-fit test of current category counts against the reference
 * proportions, as Evidently's `chisquare` stattest: expected_i = reference_i × (n_current / n_reference)
 * over the union of categories, statistic Σ (observed − expected)² / expected, p-value from the
 * chi-squared distribution with k − 1 degrees of freedom (`scipy.stats.chisquare`,
 * https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.chisquare.html).
 */
import { chiSquaredSf } from './special';

export interface ChiSquareResult {
  /** Σ (o − e)² / e; +∞ when a category has observations but no expectation (absent from the reference). */
  statistic: number;
  pValue: number;
  /** k − 1. */
  dof: number;
}

/**
 * @param reference counts per category in the reference (same order and length as `current`).
 * @param current counts per category in the current data.
 * @returns dof 0 and p-value 1 when there is a single category (nothing can differ).
 * @throws RangeError when the arrays differ in length or either total is 0.
 */
export function chiSquareTest(reference: ArrayLike<number>, current: ArrayLike<number>): ChiSquareResult {
  if (reference.length !== current.length) {
    throw new RangeError('chiSquareTest: count arrays differ in length');
  }
  let nRef = 0;
  let nCur = 0;
  for (let i = 0; i < reference.length; i++) {
    nRef += reference[i];
    nCur += current[i];
  }
  if (nRef === 0 || nCur === 0) {
    throw new RangeError('chiSquareTest: a sample is empty');
  }
  const k = reference.length;
  if (k < 2) {
    return { statistic: 0, pValue: 1, dof: 0 };
  }
  const scale = nCur / nRef;
  let statistic = 0;
  for (let i = 0; i < k; i++) {
    const expected = reference[i] * scale;
    const diff = current[i] - expected;
    statistic += (diff * diff) / expected;
  }
  return { statistic, pValue: chiSquaredSf(statistic, k - 1), dof: k - 1 };
}
