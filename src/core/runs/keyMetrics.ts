/**
 * Which metrics of a run are worth showing first: the one rule behind `xlens runs`/`xlens show`, the
 * Runs tree, the status bar, the task provider and imported runs, so a run shows the same key metrics
 * everywhere.
 */
import { formatNumber } from '../../shared/formatting';
import { dict } from '../../shared/dict';

/** Metrics people look at first, in order of preference (names after {@link canonicalName}). */
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

/** Bookkeeping series that say where a run is or how it was driven (schedules), not how good it is. */
const BOOKKEEPING_METRICS = new Set(['epoch', 'step', 'iteration', 'lr', 'learning_rate', 'time']);

/** `Val/Accuracy` and `validation_accuracy` rank as `val_accuracy`. */
function canonicalName(name: string): string {
  return name.toLowerCase().replace(/^(val|validation)[/_]/, 'val_');
}

function preferredRank(name: string): number {
  const i = PREFERRED_METRICS.indexOf(canonicalName(name));
  return i === -1 ? PREFERRED_METRICS.length : i;
}

/** Rank of a name: its place in the preferred list; `eval/accuracy` ranks just after `accuracy`. */
function rank(name: string): number {
  const last = name.split('/').pop() ?? name;
  return Math.min(preferredRank(name), preferredRank(last) + 0.5);
}

/** True for bookkeeping series such as `epoch` or `lr` (case-insensitive). */
export function isBookkeepingMetric(name: string): boolean {
  return BOOKKEEPING_METRICS.has(name.toLowerCase());
}

/**
 * All metric names in display order: well-known quality metrics first (validation accuracy, accuracy,
 * losses, f1, mae, rmse, r2; `val/x` and `validation_x` rank as `val_x`, `eval/x` just after `x`), then
 * the rest alphabetically, bookkeeping series (`epoch`, `lr`, …) last.
 */
export function rankMetricNames(names: Iterable<string>): string[] {
  const key = (n: string): number => rank(n) + (isBookkeepingMetric(n) ? PREFERRED_METRICS.length + 1 : 0);
  return [...names].sort((a, b) => key(a) - key(b) || a.localeCompare(b));
}

/**
 * Up to `limit` metric names for a one-line summary of a run. With `chosen` (the user's
 * `xlens.runs.keyMetrics` setting), those of them the run has, in that order (all of them, even beyond
 * `limit`). Otherwise {@link rankMetricNames}'s order without the bookkeeping series.
 * @param names the run's metric names.
 */
export function keyMetricNames(names: Iterable<string>, limit = 2, chosen: readonly string[] = []): string[] {
  const all = [...names];
  if (chosen.length > 0) {
    const have = new Set(all);
    return chosen.filter((name) => have.has(name)).slice(0, Math.max(limit, chosen.length));
  }
  return rankMetricNames(all.filter((n) => !isBookkeepingMetric(n))).slice(0, limit);
}

/** How {@link keyMetricsText} writes one metric. */
export type KeyMetricStyle =
  /** `val_accuracy 0.9706 · loss 0.08123` (editor labels). */
  | 'label'
  /** `val_accuracy=0.9706 loss=0.08123` (CLI lines, easy to grep). */
  | 'assign';

/**
 * The key metrics of a run with their last values, formatted by the shared `formatNumber`.
 * @param lastValues last value of each metric, by name.
 * @param options `limit` (default 2), `chosen` (see {@link keyMetricNames}), `style` (default `label`).
 * @returns the text, empty when the run has no metrics.
 */
export function keyMetricsText(
  lastValues: Readonly<Record<string, number>>,
  options: { limit?: number; chosen?: readonly string[]; style?: KeyMetricStyle } = {},
): string {
  const names = keyMetricNames(Object.keys(lastValues), options.limit ?? 2, options.chosen ?? []);
  return options.style === 'assign'
    ? names.map((n) => `${n}=${formatNumber(lastValues[n])}`).join(' ')
    : names.map((n) => `${n} ${formatNumber(lastValues[n])}`).join(' · ');
}

/** The last value of each metric, from `run.json` summaries or an imported run's metric list. */
export function lastValues(
  metrics: Readonly<Record<string, { last: number }>> | readonly { name: string; last: number }[],
): Record<string, number> {
  const out = dict<number>();
  if (Array.isArray(metrics)) {
    for (const m of metrics as readonly { name: string; last: number }[]) {
      out[m.name] = m.last;
    }
  } else {
    for (const [name, m] of Object.entries(metrics as Readonly<Record<string, { last: number }>>)) {
      out[name] = m.last;
    }
  }
  return out;
}
