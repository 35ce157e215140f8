/**
 * Run summaries for the CLI's lines and tables. Numbers, durations and commits print through the shared
 * `src/shared/formatting.ts`, key metrics come from `src/core/runs/keyMetrics.ts`, tables from
 * `src/core/base/textTable.ts`: the same text as the HTML reports and the editor.
 */
import { keyMetricsText, lastValues, rankMetricNames } from '../core/runs/keyMetrics';
import { runDurationMs } from '../core/runs/duration';
import { isFinalStatus, type MetricSummary, type RunRecord } from '../core/runs/types';
import { formatDuration, MISSING } from '../shared/formatting';
import type { CliContext } from './command';
import { inertLines } from './terminalText';

/** All metric names of a run, in the shared display order (`src/core/runs/keyMetrics.ts`). */
export function keyMetrics(metrics: Record<string, MetricSummary>, max = 3): string[] {
  return rankMetricNames(Object.keys(metrics)).slice(0, max);
}

/** `val_accuracy=0.95 loss=0.312`: the run's key metrics (the shared rule) with their last values. */
export function metricsText(metrics: Record<string, MetricSummary>, max = 3): string {
  return keyMetricsText(lastValues(metrics), { limit: max, style: 'assign' });
}

/**
 * Duration of a run (`src/core/runs/duration.ts`): recorded, or elapsed so far with `…` for a run not
 * yet final; the dash when it has not started.
 */
export function runDuration(run: RunRecord, now = Date.now()): string {
  const ms = runDurationMs(run, now);
  if (ms === undefined) {
    return MISSING;
  }
  return isFinalStatus(run.status) ? formatDuration(ms) : `${formatDuration(ms)}…`;
}

/** A `warn` for core calls: `xlens: warning: <message>` on stderr, control characters made visible. */
export function warnTo(ctx: Pick<CliContext, 'stderr'>): (message: string) => void {
  return (message) => ctx.stderr.write(inertLines(`xlens: warning: ${message}\n`));
}

/**
 * `runs` with the records `reconcileRuns` finalised put in place of those read from disk: the same
 * on a writable workspace, and the final status on one where it could not be saved.
 */
export function withReconciled(runs: RunRecord[], reconciled: readonly RunRecord[]): RunRecord[] {
  const fixed = new Map(reconciled.map((r) => [r.id, r]));
  return runs.map((r) => fixed.get(r.id) ?? r);
}
