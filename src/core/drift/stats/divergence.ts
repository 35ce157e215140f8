/**
 * Distances between two binned distributions: Jensen–Shannon distance and the Population Stability
 * Index. Inputs are bin counts (or proportions) on shared bins.
 */

/**
 * Jensen–Shannon distance, base 2: √(JSD(p‖q)) with JSD = ½ KL(p‖m) + ½ KL(q‖m), m = (p + q)/2, after
 * normalising p and q to sum 1; in [0, 1]. Lin (1991), IEEE Trans. Inf. Theory 37(1);
 * `scipy.spatial.distance.jensenshannon(p, q, base=2)`.
 * @throws RangeError when lengths differ or a distribution sums to 0.
 */
export function jensenShannonDistance(p: ArrayLike<number>, q: ArrayLike<number>): number {
  if (p.length !== q.length) {
    throw new RangeError('jensenShannonDistance: arrays differ in length');
  }
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < p.length; i++) {
    sp += p[i];
    sq += q[i];
  }
  if (!(sp > 0) || !(sq > 0)) {
    throw new RangeError('jensenShannonDistance: a distribution is empty');
  }
  let left = 0;
  let right = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] / sp;
    const qi = q[i] / sq;
    const m = (pi + qi) / 2;
    if (pi > 0) {
      left += pi * Math.log(pi / m);
    }
    if (qi > 0) {
      right += qi * Math.log(qi / m);
    }
  }
  const js = (left + right) / Math.LN2;
  return Math.sqrt(Math.max(0, js) / 2);
}

/**
 * Replaces empty bins by a small share so PSI stays finite, as Evidently's `get_binned_data(feel_zeroes)`:
 * 1e-4, or (smallest non-zero share) / 1e6 when that share is itself ≤ 1e-4.
 */
export function floorEmptyBins(shares: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(shares);
  let minNonZero = Infinity;
  for (const v of out) {
    if (v !== 0 && v < minNonZero) {
      minNonZero = v;
    }
  }
  const floor = minNonZero <= 1e-4 ? minNonZero / 1e6 : 1e-4;
  for (let i = 0; i < out.length; i++) {
    if (out[i] === 0) {
      out[i] = floor;
    }
  }
  return out;
}

/**
 * Population Stability Index Σ (r_i − c_i) · ln(r_i / c_i) over shares of the reference and current
 * samples in shared bins, empty bins floored by `floorEmptyBins` (Yurdakul 2018, "Statistical properties
 * of population stability index", Western Michigan University; Evidently's `psi` stattest).
 * @param reference counts per bin in the reference; `current` the same bins in the current data.
 * @param referenceTotal number of reference values (shares are count / total), default Σ reference.
 */
export function populationStabilityIndex(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  referenceTotal?: number,
  currentTotal?: number,
): number {
  if (reference.length !== current.length) {
    throw new RangeError('populationStabilityIndex: arrays differ in length');
  }
  const nRef = referenceTotal ?? sum(reference);
  const nCur = currentTotal ?? sum(current);
  if (!(nRef > 0) || !(nCur > 0)) {
    throw new RangeError('populationStabilityIndex: a sample is empty');
  }
  const r = floorEmptyBins(Array.from(reference, (v) => v / nRef));
  const c = floorEmptyBins(Array.from(current, (v) => v / nCur));
  let psi = 0;
  for (let i = 0; i < r.length; i++) {
    psi += (r[i] - c[i]) * Math.log(r[i] / c[i]);
  }
  return psi;
}

function sum(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) {
    s += values[i];
  }
  return s;
}
