/**
 * Special functions behind the drift tests' p-values: log-gamma, the regularized incomplete gamma
 * functions, and the chi-squared and standard normal survival functions built on them.
 *
 * Algorithms: Lanczos approximation of Γ (g = 7, 9 coefficients; Godfrey's coefficient set), and the
 * series / Lentz continued fraction of the incomplete gamma function (Press et al., *Numerical Recipes*,
 * 3rd ed., §6.2). Both reach about 1e-15 relative accuracy for the arguments the tests produce.
 */

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const EPS = 1e-16;
const TINY = 1e-300;
const MAX_ITERATIONS = 10_000;

/**
 * ln Γ(x) for x > 0 (Lanczos approximation; reflection below 0.5).
 * @returns NaN for x ≤ 0 at poles, +∞ for x = 0.
 */
export function logGamma(x: number): number {
  if (Number.isNaN(x)) {
    return NaN;
  }
  if (x === 0) {
    return Infinity;
  }
  if (x < 0.5) {
    // Reflection: Γ(x)Γ(1−x) = π / sin(πx).
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) {
    sum += LANCZOS[i] / (z + i);
  }
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** ln C(n, k) = ln(n! / (k! (n−k)!)) for 0 ≤ k ≤ n. */
export function logBinomial(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/** Series for P(a, x), valid for x < a + 1 (Numerical Recipes `gser`). Returns the regularized P. */
function gammaSeries(a: number, x: number): number {
  let ap = a;
  let sum = 1 / a;
  let del = sum;
  for (let n = 0; n < MAX_ITERATIONS; n++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) {
      break;
    }
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

/** Continued fraction for Q(a, x), valid for x ≥ a + 1 (modified Lentz; Numerical Recipes `gcf`). */
function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) {
      d = TINY;
    }
    c = b + an / c;
    if (Math.abs(c) < TINY) {
      c = TINY;
    }
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) {
      break;
    }
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/**
 * Regularized lower incomplete gamma P(a, x) = γ(a, x) / Γ(a), a > 0, x ≥ 0.
 * @returns NaN for invalid arguments.
 */
export function gammaP(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) {
    return NaN;
  }
  if (x === 0) {
    return 0;
  }
  if (x === Infinity) {
    return 1;
  }
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/**
 * Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a) = 1 − P(a, x), computed without
 * cancellation in the tail (the quantity behind small p-values).
 */
export function gammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) {
    return NaN;
  }
  if (x === 0) {
    return 1;
  }
  if (x === Infinity) {
    return 0;
  }
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

/**
 * Survival function of the chi-squared distribution with `dof` degrees of freedom:
 * P(X ≥ x) = Q(dof/2, x/2) (as `scipy.stats.chi2.sf`).
 * @returns NaN when dof ≤ 0; 1 for x ≤ 0; 0 for x = +∞.
 */
export function chiSquaredSf(x: number, dof: number): number {
  if (!(dof > 0) || Number.isNaN(x)) {
    return NaN;
  }
  if (x <= 0) {
    return 1;
  }
  return gammaQ(dof / 2, x / 2);
}

/**
 * Survival function of the standard normal distribution, P(Z ≥ z) (as `scipy.stats.norm.sf`).
 * Uses erfc(t) = Q(1/2, t²), so the upper tail keeps full relative precision.
 */
export function normalSf(z: number): number {
  if (Number.isNaN(z)) {
    return NaN;
  }
  const half = 0.5 * gammaQ(0.5, (z * z) / 2);
  return z >= 0 ? half : 1 - half;
}

/** Rounds half to even, as `numpy.round` does. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  if (Math.abs(x % 1) === 0.5 && r % 2 !== 0) {
    return r - 1;
  }
  return r;
}
