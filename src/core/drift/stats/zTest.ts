/**
 * Two-proportion Z-test for independent samples (pooled variance), as Evidently's `z` stattest:
 * each value is 0 when it equals the first category in sorted order and 1 otherwise;
 * z = (p₁ − p₂) / √(P(1 − P)(1/n₁ + 1/n₂)) with P the pooled proportion, two-sided p = 2·(1 − Φ(|z|)).
 * Reference: Newcombe (1998), Statistics in Medicine 17(8), method 1; Evidently
 * `proportions_diff_z_stat_ind`. The survival function is computed directly (`scipy.stats.norm.sf`).
 */
import { normalSf } from './special';

export interface ZTestResult {
  /** z; 0 when both samples hold the same single value. */
  statistic: number;
  pValue: number;
}

/**
 * @param refOther reference values that are not the first category; `nRef` all reference values.
 * @param curOther current values that are not the first category; `nCur` all current values.
 * @throws RangeError when a sample is empty.
 */
export function twoProportionZTest(
  refOther: number,
  nRef: number,
  curOther: number,
  nCur: number,
): ZTestResult {
  if (nRef <= 0 || nCur <= 0) {
    throw new RangeError('twoProportionZTest: a sample is empty');
  }
  const p1 = refOther / nRef;
  const p2 = curOther / nCur;
  const pooled = (p1 * nRef + p2 * nCur) / (nRef + nCur);
  const variance = pooled * (1 - pooled) * (1 / nRef + 1 / nCur);
  if (variance === 0) {
    // Both samples hold only one and the same value.
    return { statistic: 0, pValue: 1 };
  }
  const z = (p1 - p2) / Math.sqrt(variance);
  return { statistic: z, pValue: Math.min(1, 2 * normalSf(Math.abs(z))) };
}
