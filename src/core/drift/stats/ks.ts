/**
 * Two-sample Kolmogorov–Smirnov test, two-sided, matching `scipy.stats.ks_2samp(..., method='auto')`
 * (https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.ks_2samp.html):
 * - statistic D = sup_x |F₁(x) − F₂(x)| over the right-continuous empirical CDFs;
 * - exact p-value when max(n₁, n₂) ≤ 10000: Hodges' lattice-path counting (Hodges 1958, "The
 *   significance probability of the Smirnov two-sample test", Arkiv för Matematik 3) computing 1 − p
 *   directly with Viehmann's stable recursion (arXiv:2102.08037), or the closed alternating sum for
 *   n₁ = n₂; as scipy does, D is snapped to h / lcm(n₁, n₂);
 * - otherwise (or when the exact computation fails) the asymptotic p-value
 *   P(D_en ≥ D) of the one-sample distribution with en = round(n₁n₂ / (n₁ + n₂)).
 */
import { kolmogorovSf } from './kolmogorov';
import { roundHalfEven } from './special';

/** Sample size above which `auto` switches from the exact to the asymptotic p-value (scipy's rule). */
export const KS_MAX_EXACT_N = 10_000;

export interface KsResult {
  /** D in [0, 1]. */
  statistic: number;
  pValue: number;
  /** Which distribution gave the p-value. */
  method: 'exact' | 'asymp';
}

/**
 * D = sup |F₁ − F₂| of two ascending-sorted samples without NaN (one merge pass, ties handled by
 * advancing both samples past equal values, as scipy's `searchsorted(side='right')`).
 */
export function ksStatistic(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let maxDiff = 0;
  let minDiff = 0;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && a[i] <= b[j]) ? a[i] : b[j];
    while (i < n1 && a[i] === v) {
      i++;
    }
    while (j < n2 && b[j] === v) {
      j++;
    }
    const diff = i / n1 - j / n2;
    if (diff > maxDiff) {
      maxDiff = diff;
    } else if (diff < minDiff) {
      minDiff = diff;
    }
  }
  return Math.max(maxDiff, Math.min(1, -minDiff));
}

function gcd(a: number, b: number): number {
  while (b !== 0) {
    [a, b] = [b, a % b];
  }
  return a;
}

/**
 * P(D_{n,n} ≥ h/n) for equal sample sizes: 2 Σ_k (−1)^{k+1} C(2n, n − kh) / C(2n, n), evaluated
 * Horner-style from the innermost term so the alternating sum does not cancel.
 */
export function probOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let term = 1;
    for (let j = 0; j < h; j++) {
      term = ((n - k * h - j) * term) / (n + k * h + j + 1);
    }
    p = term * (1 - p);
  }
  return 2 * p;
}

/**
 * 1 − P(|x/m − y/n| < h/lcm along the whole path) for a uniformly random lattice path from (0,0) to
 * (m, n): the exact two-sided p-value P(D ≥ h/lcm(m, n)). Keeps one sliding column of the path-count
 * matrix, normalised so entries hold the complement probability (Viehmann 2021).
 */
export function probOutsideInside(m: number, n: number, g: number, h: number): number {
  if (m < n) {
    [m, n] = [n, m];
  }
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  for (let j = minj; j < maxj; j++) {
    A[j] = 0;
  }
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) {
      return 1;
    }
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj] * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) {
      A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
    }
  }
  return A[maxj - minj - 1];
}

/**
 * Two-sided two-sample KS test of ascending-sorted samples without NaN.
 * @param mode `auto` (scipy's default), `exact` or `asymp`.
 * @throws RangeError when a sample is empty.
 */
export function ksTwoSample(
  sortedA: Float64Array,
  sortedB: Float64Array,
  mode: 'auto' | 'exact' | 'asymp' = 'auto',
): KsResult {
  const n1 = sortedA.length;
  const n2 = sortedB.length;
  if (n1 === 0 || n2 === 0) {
    throw new RangeError('ksTwoSample needs two non-empty samples');
  }
  let d = ksStatistic(sortedA, sortedB);
  const useExact = mode === 'exact' || (mode === 'auto' && Math.max(n1, n2) <= KS_MAX_EXACT_N);
  if (useExact) {
    const g = gcd(n1, n2);
    const lcm = (n1 / g) * n2;
    const h = roundHalfEven(d * lcm);
    d = h / lcm;
    if (h === 0) {
      return { statistic: d, pValue: 1, method: 'exact' };
    }
    const p = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideInside(n1, n2, g, h);
    if (Number.isFinite(p) && p >= 0 && p <= 1) {
      return { statistic: d, pValue: p, method: 'exact' };
    }
  }
  const [big, small] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const en = (big * small) / (big + small);
  const p = kolmogorovSf(roundHalfEven(en), d);
  return { statistic: d, pValue: Math.min(1, Math.max(0, p)), method: 'asymp' };
}
