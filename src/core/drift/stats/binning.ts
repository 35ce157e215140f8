/**
 * Shared bins for comparing two samples, as Evidently's `get_binned_data`: numerical columns with more
 * than 20 distinct reference values get equal-width bins whose count follows Sturges' rule on the
 * reference ∪ current values (`numpy.histogram_bin_edges(..., bins='sturges')`); every other column is
 * binned by value (one bin per distinct value of the union).
 */

/** Distinct reference values above which numerical columns are binned by Sturges' rule. */
export const VALUE_BINS_MAX_UNIQUE = 20;

/**
 * Sturges edges of the union of two ascending-sorted, NaN-free samples, computed as NumPy does:
 * width = (max − min) / (log₂ N + 1), bins = ⌈(max − min) / width⌉, edges = linspace(min, max, bins + 1);
 * a constant sample gets one bin [v − 0.5, v + 0.5].
 * Reference: Sturges (1926), JASA 21(153); `numpy.histogram_bin_edges`.
 */
export function sturgesEdges(sortedA: Float64Array, sortedB: Float64Array): Float64Array {
  const n = sortedA.length + sortedB.length;
  if (n === 0) {
    throw new RangeError('sturgesEdges needs at least one value');
  }
  const lo = Math.min(sortedA.length ? sortedA[0] : Infinity, sortedB.length ? sortedB[0] : Infinity);
  const hi = Math.max(
    sortedA.length ? sortedA[sortedA.length - 1] : -Infinity,
    sortedB.length ? sortedB[sortedB.length - 1] : -Infinity,
  );
  const ptp = hi - lo;
  let first = lo;
  let last = hi;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  const width = ptp / (Math.log2(n) + 1);
  const bins = width ? Math.ceil((last - first) / width) : 1;
  const edges = new Float64Array(bins + 1);
  const step = (last - first) / bins;
  for (let i = 0; i < bins; i++) {
    edges[i] = i * step + first;
  }
  edges[bins] = last;
  return edges;
}

/** First index in an ascending array whose value is ≥ x (`side='left'`) or > x (`side='right'`). */
export function searchSorted(sorted: Float64Array, x: number, side: 'left' | 'right'): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (side === 'left' ? sorted[mid] < x : sorted[mid] <= x) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/**
 * Counts of an ascending-sorted sample in bins [e_i, e_{i+1}), the last bin closed, as `numpy.histogram`
 * with explicit edges (values outside the edges are not counted).
 */
export function histogramSorted(sorted: Float64Array, edges: Float64Array): Float64Array {
  const bins = edges.length - 1;
  const counts = new Float64Array(bins);
  let previous = searchSorted(sorted, edges[0], 'left');
  for (let i = 1; i <= bins; i++) {
    const next =
      i === bins ? searchSorted(sorted, edges[i], 'right') : searchSorted(sorted, edges[i], 'left');
    counts[i - 1] = next - previous;
    previous = next;
  }
  return counts;
}

/** Distinct values of an ascending-sorted sample and their counts. */
export function distinctSorted(sorted: Float64Array): { values: Float64Array; counts: Float64Array } {
  let distinct = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) {
      distinct++;
    }
  }
  const values = new Float64Array(distinct);
  const counts = new Float64Array(distinct);
  let k = -1;
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) {
      k++;
      values[k] = sorted[i];
    }
    counts[k]++;
  }
  return { values, counts };
}

/** Number of distinct values in the union of two ascending-sorted samples. */
export function unionDistinctCount(a: Float64Array, b: Float64Array): number {
  let i = 0;
  let j = 0;
  let count = 0;
  while (i < a.length || j < b.length) {
    const v = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
    while (i < a.length && a[i] === v) {
      i++;
    }
    while (j < b.length && b[j] === v) {
      j++;
    }
    count++;
  }
  return count;
}

/** Counts of two sorted samples on the union of their distinct values (ascending). */
export function valueBinsSorted(
  a: Float64Array,
  b: Float64Array,
): { values: Float64Array; reference: Float64Array; current: Float64Array } {
  const size = unionDistinctCount(a, b);
  const values = new Float64Array(size);
  const reference = new Float64Array(size);
  const current = new Float64Array(size);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length || j < b.length) {
    const v = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
    values[k] = v;
    while (i < a.length && a[i] === v) {
      i++;
      reference[k]++;
    }
    while (j < b.length && b[j] === v) {
      j++;
      current[k]++;
    }
    k++;
  }
  return { values, reference, current };
}
