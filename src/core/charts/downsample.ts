/**
 * Downsampling of metric series before they are drawn or sent to a webview. A line chart cannot show more
 * points than it has pixels, and vega slows down well before 100,000 points per series.
 */
import { createLTTB } from 'downsample';
import type { MetricPoint } from '../metrics/series';

/** Points per series above which series are downsampled. */
export const DEFAULT_MAX_POINTS = 2000;

const lttb = createLTTB<MetricPoint>({ x: 'step', y: 'value' });

/**
 * Reduces a series to at most `max` points with Largest-Triangle-Three-Buckets (Sveinn Steinarsson,
 * "Downsampling Time Series for Visual Representation", 2013; the `downsample` package's implementation).
 * LTTB keeps the first and last point and, per bucket, the point spanning the largest triangle with its
 * neighbours, so spikes, minima and maxima survive while flat stretches thin out.
 *
 * @param points the series ordered by step (as readers produce it); not modified.
 * @param max the largest number of points to return, ≥ 3 (default {@link DEFAULT_MAX_POINTS}).
 * @returns `points` itself when it already has at most `max` points, else a new array of at most `max`
 *   of the original point objects, in step order.
 * @throws RangeError when `max` is not an integer ≥ 3.
 */
export function downsampleSeries(
  points: readonly MetricPoint[],
  max: number = DEFAULT_MAX_POINTS,
): MetricPoint[] {
  if (!Number.isInteger(max) || max < 3) {
    throw new RangeError(`downsampleSeries: max must be an integer >= 3, got ${max}`);
  }
  if (points.length <= max) {
    return points as MetricPoint[];
  }
  return Array.from(lttb(points as MetricPoint[], max));
}
