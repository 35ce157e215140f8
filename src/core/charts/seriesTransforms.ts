/**
 * What the compare view does to metric series before drawing them: smoothing, a y range that ignores
 * outliers, downsampling into per-bucket min–max bands (so a one-step spike stays visible), and runs
 * grouped into a mean line with a min–max band.
 */
import { MetricColumns, stepAt, type SeriesInput } from '../metrics/metricColumns';
import type { MetricPoint } from '../metrics/series';

/**
 * Exponential moving average with TensorBoard's debiasing (the scalars dashboard's smoothing): for a
 * weight w in [0, 1), `ema_i = w·ema_{i−1} + (1−w)·v_i` from `ema_{−1} = 0`, divided by `1 − w^(i+1)` so
 * the first points are not pulled towards 0. A series whose values are all equal is returned unchanged
 * (dividing by the debias factor would only add rounding noise). w = 0 returns the series.
 * Source: TensorBoard, `tensorboard/webapp/widgets/line_chart_v2/lib/data_transformer.ts` (behaviour,
 * not code).
 * @param weight the smoothing weight in [0, 1); TensorBoard's default is 0.6.
 * @returns new points (same steps and times), or `points` itself when nothing changes.
 * @throws RangeError when `weight` is outside [0, 1).
 */
export function smoothEma(points: readonly MetricPoint[], weight: number): readonly MetricPoint[] {
  if (!(weight >= 0 && weight < 1)) {
    throw new RangeError(`smoothEma: weight must be in [0, 1), got ${weight}`);
  }
  if (weight === 0 || points.length < 2 || points.every((p) => p.value === points[0].value)) {
    return points;
  }
  let last = 0;
  let count = 0;
  return points.map((p) => {
    last = last * weight + (1 - weight) * p.value;
    count++;
    return { ...p, value: last / (1 - weight ** count) };
  });
}

/**
 * The `q`-quantile of `values` with linear interpolation between order statistics (NumPy's default
 * `linear` method, Hyndman & Fan type 7).
 * @param values finite numbers, any order (not modified).
 * @returns `undefined` for no values.
 */
export function quantile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) {
    return undefined;
  }
  const sorted = Float64Array.from(values).sort();
  const h = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * A y range that leaves outliers out: the 5th to 95th percentile of every value (as TensorBoard's
 * "ignore outliers", MLflow and Aim do), widened by 5 % of its span on each side so the lines do not
 * touch the frame. Returns `undefined` when there are no values or the range is empty (one value):
 * the chart then picks its own range.
 */
export function clippedDomain(
  series: readonly (readonly MetricPoint[])[],
  lower = 0.05,
  upper = 0.95,
): [number, number] | undefined {
  const values: number[] = [];
  for (const points of series) {
    for (const p of points) {
      values.push(p.value);
    }
  }
  const lo = quantile(values, lower);
  const hi = quantile(values, upper);
  if (lo === undefined || hi === undefined || !(hi > lo)) {
    return undefined;
  }
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

/** One bucket of a downsampled series: the representative point and the range of values in it. */
export interface BandPoint {
  /** Step of the representative point (the bucket's last point, so the line ends at the last step). */
  step: number;
  /** The mean of the bucket's values: the line drawn. */
  value: number;
  /** Smallest and largest value in the bucket: the band drawn around the line. */
  min: number;
  max: number;
  /** Wall time of the bucket's last point, when known (Unix ms). */
  time?: number;
}

/**
 * Downsamples a series into at most `buckets` equal-width step ranges between its first and last step;
 * each non-empty bucket gives its mean (the line), min and max (the band) and last step. Unlike stride or
 * reservoir sampling, every extreme stays visible: a one-step spike widens its bucket's band to its value.
 * A series of at most `buckets` points keeps one bucket per point (min = max = value).
 * @param points in step order: point objects, or columns (which have no times: their bands have none).
 * @param buckets ≥ 1.
 * @throws RangeError when `buckets` is not a positive integer.
 */
export function minMaxBuckets(points: SeriesInput, buckets: number): BandPoint[] {
  if (!Number.isInteger(buckets) || buckets < 1) {
    throw new RangeError(`minMaxBuckets: buckets must be a positive integer, got ${buckets}`);
  }
  if (points instanceof MetricColumns) {
    return columnBuckets(points, buckets);
  }
  if (points.length <= buckets) {
    return points.map((p) => ({
      step: p.step,
      value: p.value,
      min: p.value,
      max: p.value,
      ...(p.time !== undefined ? { time: p.time } : {}),
    }));
  }
  const first = points[0].step;
  const span = points[points.length - 1].step - first;
  const out: BandPoint[] = [];
  // One pass over plain locals, one object per bucket (not per point): the host downsamples 400 series
  // of 100,000 points in the compare bench.
  let current = -1;
  let sum = 0;
  let count = 0;
  let step = 0;
  let min = 0;
  let max = 0;
  let time: number | undefined;
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    const index = span === 0 ? 0 : Math.min(buckets - 1, Math.floor(((p.step - first) / span) * buckets));
    if (index !== current) {
      if (count > 0) {
        out.push(bandOf(step, sum / count, min, max, time));
      }
      current = index;
      sum = 0;
      count = 0;
      min = p.value;
      max = p.value;
    }
    const value = p.value;
    sum += value;
    count++;
    step = p.step;
    min = Math.min(min, value);
    max = Math.max(max, value);
    time = p.time;
  }
  if (count > 0) {
    out.push(bandOf(step, sum / count, min, max, time));
  }
  return out;
}

/**
 * {@link minMaxBuckets} of columns: the same buckets, read from the typed arrays. Steps in order (the
 * follower's case) take {@link sortedColumnBuckets}; otherwise the point loop.
 */
function columnBuckets(series: MetricColumns, buckets: number): BandPoint[] {
  const { steps, values, length } = series;
  if (length <= buckets) {
    const out: BandPoint[] = new Array<BandPoint>(length);
    for (let i = 0; i < length; i++) {
      out[i] = { step: steps[i], value: values[i], min: values[i], max: values[i] };
    }
    return out;
  }
  return series.stepsInOrder ? sortedColumnBuckets(series, buckets) : unsortedColumnBuckets(series, buckets);
}

/**
 * The buckets of columns whose steps never go back, found without a bucket index per point: a bucket's
 * index is non-decreasing along such steps, so each bucket's end is searched (guessed from the previous
 * bucket's size, then galloped and bisected) with the same index formula as the point loop, and its
 * points are summed in a tight loop (the compare view downsamples 400 series of 100,000 points before
 * its first chart). Only for {@link MetricColumns.stepsInOrder}.
 */
function sortedColumnBuckets(series: MetricColumns, buckets: number): BandPoint[] {
  const { steps, values, length } = series;
  const first = steps[0];
  const span = steps[length - 1] - first;
  const indexAt = (i: number): number =>
    span === 0 ? 0 : Math.min(buckets - 1, Math.floor(((steps[i] - first) / span) * buckets));
  const out: BandPoint[] = [];
  let guess = 1;
  let start = 0;
  while (start < length) {
    const index = indexAt(start);
    const end = bucketEnd(indexAt, index, start, length, guess);
    let sum = 0;
    let min = values[start];
    let max = min;
    // Comparisons, not Math.min/max (a tenth of the host's time before the compare view's first chart
    // went to them). Comparisons skip NaN and do not order -0 before 0, which Math.min/max do: a bucket
    // whose sum is NaN or whose extreme is a zero is gone over again with Math.min/max, so every
    // bucket ends as in the point loop.
    for (let i = start; i < end; i++) {
      const value = values[i];
      sum += value;
      if (value < min) {
        min = value;
      } else if (value > max) {
        max = value;
      }
    }
    if (Number.isNaN(sum) || min === 0 || max === 0) {
      for (let i = start; i < end; i++) {
        min = Math.min(min, values[i]);
        max = Math.max(max, values[i]);
      }
    }
    out.push({ step: steps[end - 1], value: sum / (end - start), min, max });
    guess = end - start;
    start = end;
  }
  return out;
}

/**
 * The first position after `start` whose bucket index is not `index` (or `length`), for indices that
 * do not decrease along the positions: tries `start + guess` first, then gallops and bisects.
 */
function bucketEnd(
  indexAt: (i: number) => number,
  index: number,
  start: number,
  length: number,
  guess: number,
): number {
  // Invariant: indexAt(lo) === index; hi === length or indexAt(hi) !== index.
  let lo = start;
  let hi = Math.min(length, start + Math.max(1, guess));
  if (hi < length && indexAt(hi) === index) {
    let stride = Math.max(1, guess);
    lo = hi;
    for (;;) {
      stride *= 2;
      hi = Math.min(length, lo + stride);
      if (hi === length || indexAt(hi) !== index) {
        break;
      }
      lo = hi;
    }
  } else if (hi - 1 > lo && indexAt(hi - 1) === index) {
    return hi;
  }
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (indexAt(mid) === index) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return hi;
}

/** The point loop of {@link minMaxBuckets} over columns (steps in any order). */
function unsortedColumnBuckets(series: MetricColumns, buckets: number): BandPoint[] {
  const { steps, values, length } = series;
  const first = steps[0];
  const span = steps[length - 1] - first;
  const out: BandPoint[] = [];
  let current = -1;
  let sum = 0;
  let count = 0;
  let step = 0;
  let min = 0;
  let max = 0;
  for (let i = 0; i < length; i++) {
    const index = span === 0 ? 0 : Math.min(buckets - 1, Math.floor(((steps[i] - first) / span) * buckets));
    const value = values[i];
    if (index !== current) {
      if (count > 0) {
        out.push({ step, value: sum / count, min, max });
      }
      current = index;
      sum = 0;
      count = 0;
      min = value;
      max = value;
    }
    sum += value;
    count++;
    step = steps[i];
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  if (count > 0) {
    out.push({ step, value: sum / count, min, max });
  }
  return out;
}

function bandOf(step: number, value: number, min: number, max: number, time: number | undefined): BandPoint {
  return time === undefined ? { step, value, min, max } : { step, value, min, max, time };
}

/**
 * Runs grouped into one line: over `buckets` equal-width step ranges spanning every run, each run's mean
 * in the bucket, then across the runs that have points there their mean (the line), min and max (the
 * band). The step of a bucket is its centre, rounded.
 * @param runs each run's series, in step order.
 * @returns one point per bucket with at least one run's point; `runs` counts the runs that had one.
 */
export function groupBands(runs: readonly SeriesInput[], buckets: number): (BandPoint & { runs: number })[] {
  const present = runs.filter((points) => points.length > 0);
  if (present.length === 0) {
    return [];
  }
  const first = Math.min(...present.map((points) => stepAt(points, 0)));
  const last = Math.max(...present.map((points) => stepAt(points, points.length - 1)));
  const width = Math.max(1, last - first + 1) / buckets;
  const means: Map<number, number[]> = new Map();
  for (const points of present) {
    let index = -1;
    let sum = 0;
    let count = 0;
    const columns = points instanceof MetricColumns ? points : undefined;
    const objects = columns ? undefined : (points as readonly MetricPoint[]);
    for (let i = 0; i < points.length; i++) {
      const step = columns ? columns.steps[i] : objects![i].step;
      const bucket = Math.min(buckets - 1, Math.floor((step - first) / width));
      if (bucket !== index) {
        if (count > 0) {
          addMean(means, index, sum / count);
        }
        index = bucket;
        sum = 0;
        count = 0;
      }
      sum += columns ? columns.values[i] : objects![i].value;
      count++;
    }
    if (count > 0) {
      addMean(means, index, sum / count);
    }
  }
  return [...means.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, values]) => ({
      step: Math.round(first + (index + 0.5) * width),
      value: values.reduce((a, b) => a + b, 0) / values.length,
      min: Math.min(...values),
      max: Math.max(...values),
      runs: values.length,
    }));
}

function addMean(means: Map<number, number[]>, index: number, mean: number): void {
  const list = means.get(index);
  if (list) {
    list.push(mean);
  } else {
    means.set(index, [mean]);
  }
}
