/**
 * Text for run and commit labels: relative dates, status icons, and the key metrics worth showing in one
 * line. Numbers and durations print through the shared `src/shared/formatting.ts`. Pure functions; no
 * `vscode`.
 */
import {
  keyMetricNames as coreKeyMetricNames,
  keyMetricsText as coreKeyMetricsText,
  lastValues,
} from '../core/runs/keyMetrics';
import type { MetricSummary, RunStatus, TaskKind } from '../core/runs/types';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * "just now", "5 min ago", "3 h ago", "2 days ago"; beyond 30 days the date itself (YYYY-MM-DD, UTC).
 * @param time Unix ms of the moment described.
 * @param now Unix ms of the present.
 */
export function relativeTime(time: number, now: number): string {
  const ago = Math.max(0, now - time);
  if (ago < MINUTE) {
    return 'just now';
  }
  if (ago < HOUR) {
    return `${Math.floor(ago / MINUTE)} min ago`;
  }
  if (ago < DAY) {
    return `${Math.floor(ago / HOUR)} h ago`;
  }
  if (ago < 30 * DAY) {
    const days = Math.floor(ago / DAY);
    return days === 1 ? 'yesterday' : `${days} days ago`;
  }
  return new Date(time).toISOString().slice(0, 10);
}

/** How long a run took, or has been running (the shared rule of `src/core/runs/duration.ts`). */
export { runDurationMs } from '../core/runs/duration';

/** The key metric names of a run (the shared rule of `src/core/runs/keyMetrics.ts`). */
export function keyMetricNames(
  metrics: Record<string, MetricSummary>,
  limit = 2,
  chosen: readonly string[] = [],
): string[] {
  return coreKeyMetricNames(Object.keys(metrics), limit, chosen);
}

/** "val_accuracy 0.9706 · loss 0.08123" for the key metrics of a run (their last values). */
export function keyMetricsText(
  metrics: Record<string, MetricSummary>,
  limit = 2,
  chosen: readonly string[] = [],
): string {
  return coreKeyMetricsText(lastValues(metrics), { limit, chosen });
}

/** Every run status (a record keyed by the union, so a new status fails to compile here). */
const STATUS_SET: Record<RunStatus, true> = {
  queued: true,
  running: true,
  succeeded: true,
  failed: true,
  cancelled: true,
};
export const RUN_STATUSES = Object.keys(STATUS_SET) as RunStatus[];

/** Every task kind a run may record (keyed by the union, so a new kind fails to compile here). */
const KIND_SET: Record<TaskKind, true> = {
  command: true,
  'tfjs-train': true,
  'tfjs-eval': true,
  drift: true,
  eval: true,
  monitor: true,
};
export const TASK_KINDS = Object.keys(KIND_SET) as TaskKind[];

/** Codicon id and theme colour id for a run status (the colour may be absent). */
export interface StatusIcon {
  id: string;
  color?: string;
}

/** The icon of each status; running spins. */
export function statusIcon(status: RunStatus): StatusIcon {
  switch (status) {
    case 'queued':
      return { id: 'clock' };
    case 'running':
      return { id: 'loading~spin' };
    case 'succeeded':
      return { id: 'pass', color: 'testing.iconPassed' };
    case 'failed':
      return { id: 'error', color: 'testing.iconFailed' };
    case 'cancelled':
      return { id: 'circle-slash', color: 'testing.iconSkipped' };
  }
}

/** Escapes text for Markdown so names and values never turn into markup. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]<>|#~]/g, (c) => `\\${c}`);
}
