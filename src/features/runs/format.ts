/**
 * Text for run and commit labels: relative dates, durations, metric values, and the choice of the
 * metrics worth showing in one line. Pure functions; no `vscode`.
 */
import type { MetricSummary, RunRecord, RunStatus } from '../../core/runs/types';

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

/** A duration in ms as "850 ms", "12.3 s", "4m 05s", "2h 03m". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) {
    return '–';
  }
  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }
  if (ms < MINUTE) {
    return `${(ms / 1000).toFixed(1)} s`;
  }
  const totalSeconds = Math.floor(ms / 1000);
  const seconds = totalSeconds % 60;
  const minutes = Math.floor(totalSeconds / 60) % 60;
  const hours = Math.floor(totalSeconds / 3600);
  return hours > 0
    ? `${hours}h ${String(minutes).padStart(2, '0')}m`
    : `${minutes}m ${String(seconds).padStart(2, '0')}s`;
}

/** A metric value with 4 significant digits, without exponent noise for ordinary magnitudes. */
export function formatMetricValue(value: number): string {
  if (!Number.isFinite(value)) {
    return String(value);
  }
  if (Number.isInteger(value) && Math.abs(value) < 1e6) {
    return String(value);
  }
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) {
    return value.toExponential(2);
  }
  return String(Number(value.toPrecision(4)));
}

/**
 * How long a run took, or has been running: `durationMs` when final, else now − `startedAt`.
 * `undefined` when the run has not started.
 */
export function runDurationMs(run: RunRecord, now: number): number | undefined {
  if (run.durationMs !== undefined) {
    return run.durationMs;
  }
  const start = run.startedAt ?? (run.status === 'running' ? run.createdAt : undefined);
  if (start === undefined) {
    return undefined;
  }
  const end = run.endedAt !== undefined ? Date.parse(run.endedAt) : now;
  return Math.max(0, end - Date.parse(start));
}

/** Metrics people look at first, in order of preference. */
const PREFERRED_METRICS = [
  'val_accuracy',
  'val_acc',
  'accuracy',
  'acc',
  'val_loss',
  'loss',
  'f1',
  'val_mae',
  'mae',
  'rmse',
  'r2',
];

/** Bookkeeping series that say where a run is, not how good it is. */
const PROGRESS_METRICS = new Set(['epoch', 'step', 'iteration', 'lr', 'learning_rate', 'time']);

/**
 * Picks up to `limit` metric names for a one-line summary. With `chosen` (the user's setting), those
 * of them the run has, in that order. Otherwise well-known quality metrics first (as ordered in
 * {@link PREFERRED_METRICS}), then the rest alphabetically; progress counters such as `epoch` are
 * left out.
 */
export function keyMetricNames(
  metrics: Record<string, MetricSummary>,
  limit = 2,
  chosen: readonly string[] = [],
): string[] {
  if (chosen.length > 0) {
    return chosen.filter((name) => metrics[name] !== undefined).slice(0, Math.max(limit, chosen.length));
  }
  const names = Object.keys(metrics).filter((n) => !PROGRESS_METRICS.has(n.toLowerCase()));
  const rank = (name: string): number => {
    const i = PREFERRED_METRICS.indexOf(name.toLowerCase());
    return i === -1 ? PREFERRED_METRICS.length : i;
  };
  return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)).slice(0, limit);
}

/** "val_accuracy 0.9706 · loss 0.08123" for the key metrics of a run (their last values). */
export function keyMetricsText(
  metrics: Record<string, MetricSummary>,
  limit = 2,
  chosen: readonly string[] = [],
): string {
  return keyMetricNames(metrics, limit, chosen)
    .map((name) => `${name} ${formatMetricValue(metrics[name].last)}`)
    .join(' · ');
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
