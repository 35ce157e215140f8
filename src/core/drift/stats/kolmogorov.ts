/**
 * Distribution of the one-sample, two-sided Kolmogorov–Smirnov statistic D_n, whose survival function
 * the two-sample test uses for its asymptotic p-value (as `scipy.stats.kstwo.sf`).
 *
 * Method selection follows Simard & L'Ecuyer, "Computing the Two-Sided Kolmogorov-Smirnov Distribution",
 * J. Stat. Software 39(11), 2011, with these exact or approximate methods:
 * - Ruben–Gambino closed forms near the ends of the support;
 * - Smirnov's one-sided exact sum (Birnbaum & Tingey 1951) doubled, for the upper tail;
 * - Durbin's matrix algorithm in the Marsaglia–Tsang–Wang form (J. Stat. Software 8(18), 2003);
 * - Pomeranz's recursion (CACM 17(12), 1974) for small n;
 * - the Pelz–Good asymptotic series (JRSS B 38(2), 1976) for large n.
 */
import { logBinomial } from './special';

const SCALE_EXP = 128;
const BIG = 2 ** SCALE_EXP;
const SMALL = 2 ** -SCALE_EXP;
const LOG_2PI = Math.log(2 * Math.PI);
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const PI2 = Math.PI ** 2;
const PI4 = Math.PI ** 4;
const PI6 = Math.PI ** 6;
/** B_{2j} / (2j (2j−1)) for j = 8..1, highest power first (Stirling series). */
const STIRLING = [-3617 / 122400, 1 / 156, -691 / 360360, 1 / 1188, -1 / 1680, 1 / 1260, -1 / 360, 1 / 12];

const clip = (p: number): number => Math.min(1, Math.max(0, p));

/** ln(n! / n^n) by Stirling's series with the n ln n term removed up front. */
function logFactorialOverPower(n: number): number {
  const rn = 1 / n;
  const t = rn / n;
  let poly = 0;
  for (const c of STIRLING) {
    poly = poly * t + c;
  }
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
}

/**
 * Exact one-sided Smirnov survival function P(D⁺_n ≥ x), by the Birnbaum–Tingey sum
 * x Σ_{v=0}^{⌊n(1−x)⌋} C(n, v) (x + v/n)^{v−1} (1 − x − v/n)^{n−v}, summed in log space (all terms ≥ 0).
 */
export function smirnovSf(n: number, x: number): number {
  if (x <= 0) {
    return 1;
  }
  if (x >= 1) {
    return 0;
  }
  const last = Math.floor(n * (1 - x));
  let sum = 0;
  for (let v = 0; v <= last; v++) {
    const evn = x + v / n;
    const omevn = 1 - evn;
    if (omevn <= 0) {
      if (n - v === 0) {
        sum += Math.exp(logBinomial(n, v) + (v - 1) * Math.log(evn));
      }
      continue;
    }
    const logTerm = logBinomial(n, v) + (v - 1) * Math.log(evn) + (n - v) * Math.log(omevn);
    if (logTerm > -745) {
      sum += Math.exp(logTerm);
    }
  }
  return clip(sum * x);
}

/** P(D_n ≤ d) by Durbin's matrix method (Marsaglia, Tsang & Wang 2003), with power-of-two rescaling. */
function cdfDurbin(n: number, d: number): number {
  if (d >= 1) {
    return 1;
  }
  const nd = n * d;
  if (nd <= 0.5) {
    return 0;
  }
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  // invFact[j] = 1 / j!
  const invFact = new Float64Array(m + 1);
  invFact[0] = 1;
  for (let j = 1; j <= m; j++) {
    invFact[j] = invFact[j - 1] / j;
  }
  let H: Float64Array = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 1; j < m; j++) {
      const e = i - j + 1;
      if (e >= 0) {
        H[i * m + j] = invFact[e];
      }
    }
  }
  for (let i = 0; i < m; i++) {
    const v = (1 - h ** (i + 1)) * invFact[i + 1];
    H[i * m] = v;
    H[(m - 1) * m + (m - 1 - i)] = v;
  }
  H[(m - 1) * m] = (1 - 2 * h ** m + Math.max(0, 2 * h - 1) ** m) * invFact[m];

  let power: Float64Array = identity(m);
  let powerExp = 0;
  let hExp = 0;
  let remaining = n;
  while (remaining > 0) {
    if (remaining % 2 === 1) {
      power = multiply(power, H, m);
      powerExp += hExp;
    }
    H = multiply(H, H, m);
    hExp *= 2;
    if (Math.abs(H[(k - 1) * m + (k - 1)]) > BIG) {
      for (let i = 0; i < H.length; i++) {
        H[i] /= BIG;
      }
      hExp += SCALE_EXP;
    }
    remaining = Math.floor(remaining / 2);
  }
  let p = power[(k - 1) * m + (k - 1)];
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < SMALL) {
      p *= BIG;
      powerExp -= SCALE_EXP;
    }
  }
  return p * 2 ** powerExp;
}

function identity(m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    out[i * m + i] = 1;
  }
  return out;
}

function multiply(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < m; l++) {
      const ail = a[i * m + l];
      if (ail === 0) {
        continue;
      }
      const rowB = l * m;
      const rowOut = i * m;
      for (let j = 0; j < m; j++) {
        out[rowOut + j] += ail * b[rowB + j];
      }
    }
  }
  return out;
}

/** Index range [j1, j2] of the non-zero entries of row i in Pomeranz's recursion. */
function pomeranzRange(i: number, n: number, ll: number, ceilf: number, roundf: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const half = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = half - 1 - ll - roundf - 1;
        j2 = half + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundf - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** P(D_n ≤ x) by Pomeranz's recursion: rows are convolutions with (scaled) Poisson weights. */
function cdfPomeranz(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const npwrs = 2 * (ll + 1);
  const gPow = new Float64Array(npwrs);
  const twoGPow = new Float64Array(npwrs);
  const oneMinusTwoGPow = new Float64Array(npwrs);
  gPow[0] = twoGPow[0] = oneMinusTwoGPow[0] = 1;
  for (let j = 1; j < npwrs; j++) {
    gPow[j] = (gPow[j - 1] * (g / n)) / j;
    twoGPow[j] = (twoGPow[j - 1] * ((2 * g) / n)) / j;
    oneMinusTwoGPow[j] = (oneMinusTwoGPow[j - 1] * ((1 - 2 * g) / n)) / j;
  }
  let prev = new Float64Array(npwrs);
  let cur = new Float64Array(npwrs);
  cur[0] = 1;
  let prevStart = 0;
  let curStart = 0;
  let expnt = 0;
  let [j1] = pomeranzRange(0, n, ll, ceilf, roundf);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [prev, cur] = [cur, prev];
    [prevStart, curStart] = [curStart, prevStart];
    cur.fill(0);
    const range = pomeranzRange(i, n, ll, ceilf, roundf);
    j1 = range[0];
    const j2 = range[1];
    const weights = i === 1 || i === 2 * n + 1 ? gPow : i % 2 === 1 ? twoGPow : oneMinusTwoGPow;
    const len = j2 - k1 + 1;
    if (len > 0) {
      // cur[c] = Σ prev[k1 − prevStart + a] · weights[b] with a + b = (j1 − k1) + c.
      // Both slices are clipped to the arrays' ends, as a full convolution of the clipped slices.
      const base = k1 - prevStart;
      const segLen = Math.max(0, Math.min(len, npwrs - base));
      const wLen = Math.min(len, npwrs);
      const offset = j1 - k1;
      const count = j2 - j1 + 1;
      let max = 0;
      for (let c = 0; c < count; c++) {
        const s = offset + c;
        let acc = 0;
        for (let a = Math.max(0, s - wLen + 1); a <= Math.min(s, segLen - 1); a++) {
          acc += prev[base + a] * weights[s - a];
        }
        cur[c] = acc;
        max = Math.max(max, acc);
      }
      if (max > 0 && max < SMALL) {
        for (let c = 0; c < count; c++) {
          cur[c] *= BIG;
        }
        expnt -= SCALE_EXP;
      }
      curStart = prevStart + j1 - k1;
    }
  }
  let ans = cur[n - curStart];
  for (let j = 1; j <= n; j++) {
    if (Math.abs(ans) > BIG) {
      ans *= SMALL;
      expnt += SCALE_EXP;
    }
    ans *= j;
  }
  return ans * 2 ** expnt;
}

/** P(D_n ≤ x) by the Pelz–Good asymptotic expansion K0 + K1/√n + K2/n + K3/n^1.5. */
function cdfPelzGood(n: number, x: number): number {
  if (x <= 0) {
    return 0;
  }
  if (x >= 1) {
    return 1;
  }
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qlog = -PI2 / 8 / z2;
  if (qlog < -708) {
    return 0;
  }
  let q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  const K = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qpower = q ** (8 * k);
    const coeffs = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6];
    for (let i = 0; i < 4; i++) {
      K[i] = K[i] * qpower + coeffs[i];
    }
  }
  const denominators = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) {
    K[i] = (K[i] * q * SQRT_2PI) / denominators[i];
  }
  q = Math.exp(-PI2 / 2 / z2);
  const sqrt3z = Math.sqrt(3) * z;
  let k2extra = 0;
  let k3extra = 0;
  for (let k = maxk; k > 0; k--) {
    const k2 = k * k;
    const qk = q ** k2;
    k2extra += k2 * qk;
    const kpi = Math.PI * k;
    k3extra += (sqrt3z + kpi) * (sqrt3z - kpi) * k2 * qk;
  }
  K[2] += (k2extra * PI2 * SQRT_2PI) / (-36 * z2 * z);
  K[3] += (k3extra * PI2 * SQRT_2PI) / (216 * z6);
  return K[0] + K[1] / Math.sqrt(n) + K[2] / n + K[3] / n ** 1.5;
}

/**
 * Survival function P(D_n ≥ x) of the two-sided one-sample Kolmogorov–Smirnov statistic for sample
 * size n (a positive integer), as `scipy.stats.kstwo.sf(x, n)`; the method is chosen per Simard &
 * L'Ecuyer (2011).
 * @returns a probability in [0, 1]; NaN when n is not a positive integer.
 */
export function kolmogorovSf(n: number, x: number): number {
  if (!Number.isInteger(n) || n <= 0 || Number.isNaN(x)) {
    return NaN;
  }
  if (x >= 1) {
    return 0;
  }
  if (x <= 0) {
    return 1;
  }
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) {
      return 1;
    }
    let prob: number;
    if (n <= 140) {
      prob = 1;
      for (let i = 1; i <= n; i++) {
        prob *= (i / n) * (2 * t - 1);
      }
    } else {
      prob = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return clip(1 - prob);
  }
  if (t >= n - 1) {
    return clip(2 * (1 - x) ** n);
  }
  if (x >= 0.5) {
    return clip(2 * smirnovSf(n, x));
  }
  const nx2 = t * x;
  if (n <= 140) {
    if (nx2 <= 0.754693) {
      return clip(1 - cdfDurbin(n, x));
    }
    if (nx2 <= 4) {
      return clip(1 - cdfPomeranz(n, x));
    }
    return clip(2 * smirnovSf(n, x));
  }
  if (nx2 >= 370) {
    return 0;
  }
  if (nx2 >= 2.2) {
    return clip(2 * smirnovSf(n, x));
  }
  let cdf: number;
  if (nx2 >= 18) {
    cdf = 1;
  } else if (n <= 100_000 && n * x ** 1.5 <= 1.4) {
    cdf = cdfDurbin(n, x);
  } else {
    cdf = cdfPelzGood(n, x);
  }
  return clip(1 - cdf);
}
