/** Text formatting for the CLI: tables, numbers, key metrics, run summaries. */
import { formatDuration } from '../protocol/format';
import { keyMetricsText, lastValues, rankMetricNames } from '../core/runs/keyMetrics';
import type { MetricSummary, RunRecord } from '../core/runs/types';

export { formatNumber } from '../protocol/format';

/** All metric names of a run, in the shared display order (`src/core/runs/keyMetrics.ts`). */
export function keyMetrics(metrics: Record<string, MetricSummary>, max = 3): string[] {
  return rankMetricNames(Object.keys(metrics)).slice(0, max);
}

/** `val_accuracy=0.95 loss=0.312`: the run's key metrics (the shared rule) with their last values. */
export function metricsText(metrics: Record<string, MetricSummary>, max = 3): string {
  return keyMetricsText(lastValues(metrics), { limit: max, style: 'assign' });
}

/** Duration of a run: recorded, or elapsed so far for a running one. */
export function runDuration(run: RunRecord, now = Date.now()): string {
  if (run.durationMs !== undefined) {
    return formatDuration(run.durationMs);
  }
  if (run.startedAt && (run.status === 'running' || run.status === 'queued')) {
    return `${formatDuration(now - Date.parse(run.startedAt))}…`;
  }
  return '–';
}

export function shortCommit(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 7) : '–';
}

/** Renders rows as a left-aligned table with two spaces between columns (no trailing spaces). */
export { textTable as table } from '../core/base/textTable';
