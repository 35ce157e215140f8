/**
 * The metric comparison printed after `xlens reproduce`: each summary metric's last value in the
 * original run and in the reproduction, and their difference.
 */
import type { RunRecord } from '../runs/types';

/** One row of the comparison. */
export interface MetricComparison {
  name: string;
  /** Last value in the original run; `null` when it did not log the metric. */
  original: number | null;
  /** Last value in the reproduction; `null` when it did not log the metric. */
  reproduced: number | null;
  /** `reproduced - original` (0 when bit-for-bit equal); `null` when either is missing. */
  difference: number | null;
  /** True when both values are the same number (`Object.is`, so `0` and `-0` differ). */
  identical: boolean;
}

/** Rows for the union of both runs' metric names, sorted by name. */
export function compareMetrics(original: RunRecord, reproduced: RunRecord): MetricComparison[] {
  const names = new Set([...Object.keys(original.metrics), ...Object.keys(reproduced.metrics)]);
  return [...names].sort().map((name) => {
    const a = Object.hasOwn(original.metrics, name) ? original.metrics[name].last : null;
    const b = Object.hasOwn(reproduced.metrics, name) ? reproduced.metrics[name].last : null;
    return {
      name,
      original: a,
      reproduced: b,
      difference: a === null || b === null ? null : b - a,
      identical: a !== null && b !== null && Object.is(a, b),
    };
  });
}
