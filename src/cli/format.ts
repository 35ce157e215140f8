/** Text formatting for the CLI: tables, numbers, key metrics, run summaries. */
import { formatDuration } from '../core/config/duration';
import type { MetricSummary, RunRecord } from '../core/runs/types';

/** A number in at most 4 significant digits, without exponent for ordinary magnitudes. */
export function formatNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e9) {
    return String(value);
  }
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) {
    return value.toExponential(2);
  }
  return String(Number(value.toPrecision(4)));
}

const PREFERRED = [
  'val_accuracy',
  'val_acc',
  'accuracy',
  'acc',
  'val_loss',
  'loss',
  'val_mae',
  'mae',
  'f1',
  'r2',
];

/** Up to `max` metric names worth showing first: validation accuracy and loss, then the rest by name. */
export function keyMetrics(metrics: Record<string, MetricSummary>, max = 3): string[] {
  const names = Object.keys(metrics);
  const rankOf = (n: string): number => {
    const i = PREFERRED.indexOf(n.replace(/^(val|validation)[/_]/, 'val_'));
    return i < 0 ? PREFERRED.length : i;
  };
  // `eval/accuracy` ranks like `accuracy`, a little after it.
  const rank = (n: string): number => Math.min(rankOf(n), rankOf(n.split('/').pop() ?? n) + 0.5);
  return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)).slice(0, max);
}

/** `loss 0.312 · val_accuracy 0.95` from last values. */
export function metricsText(metrics: Record<string, MetricSummary>, max = 3, sep = ' '): string {
  return keyMetrics(metrics, max)
    .map((n) => `${n}=${formatNumber(metrics[n].last)}`)
    .join(sep);
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
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
