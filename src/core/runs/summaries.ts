/** Metric summaries kept in `run.json`: last, min, max, best step and count per metric. */
import { ownValue } from '../../shared/dict';
import { MetricColumns, type SeriesInput } from '../metrics/metricColumns';
import type { MetricSummary } from './types';

/** Substrings that mark a metric to minimise anywhere in its name (`val_loss`, `trainloss`, `rmse`). */
const LOWER_ANYWHERE = /(loss|error|mae|mse|mape|perplexity|nll)/i;
/** Short words that mark a metric to minimise only as whole words (`wer` but not `power`). */
const LOWER_WORD = /(^|[^a-z])(err|ppl|cost|distance|wer|cer|regret|time|latency|seconds)($|[^a-z])/i;

/**
 * Whether lower or higher values of a metric are better, from its name: names containing loss,
 * error, mae, mse, rmse (and similar) are minimised; everything else (accuracy, f1, auc, r2...) is
 * maximised. The last path segment decides (`val/loss` → min).
 */
export function metricGoal(name: string): 'min' | 'max' {
  const last = name.split(/[/:]/).pop() ?? name;
  return LOWER_ANYWHERE.test(last) || LOWER_WORD.test(last) ? 'min' : 'max';
}

/**
 * Adds one finite point to a summary (or starts one; a summary of non-finite values only, `count` 0,
 * starts again from this point); returns the updated summary (`nonFinite` kept).
 */
export function addToSummary(
  summary: MetricSummary | undefined,
  name: string,
  step: number,
  value: number,
): MetricSummary {
  if (!summary || summary.count === 0) {
    const started: MetricSummary = {
      last: value,
      lastStep: step,
      min: value,
      max: value,
      bestStep: step,
      count: 1,
    };
    if (summary?.nonFinite) {
      started.nonFinite = summary.nonFinite;
    }
    return started;
  }
  const kept = summary.nonFinite ? { nonFinite: summary.nonFinite } : {};
  const goal = metricGoal(name);
  const best = goal === 'min' ? summary.min : summary.max;
  const improves = goal === 'min' ? value < best : value > best;
  return {
    last: value,
    lastStep: step,
    min: Math.min(summary.min, value),
    max: Math.max(summary.max, value),
    bestStep: improves ? step : summary.bestStep,
    count: summary.count + 1,
    ...kept,
  };
}

/**
 * Adds `points[from..]` (finite values, in the order written) to a summary: the same result as
 * {@link addToSummary} point by point, in one pass (a follower reads 100,000 lines of a run at once).
 * @param points point objects or columns (a followed run's series).
 * @returns `summary` itself when there is nothing to add.
 */
export function addPointsToSummary(
  summary: MetricSummary | undefined,
  name: string,
  points: SeriesInput,
  from = 0,
): MetricSummary | undefined {
  if (from >= points.length) {
    return summary;
  }
  const columns = points instanceof MetricColumns ? points : undefined;
  const objects = columns ? undefined : (points as Exclude<SeriesInput, MetricColumns>);
  const stepAt = (k: number): number => (columns ? columns.steps[k] : objects![k].step);
  const valueAt = (k: number): number => (columns ? columns.values[k] : objects![k].value);
  let i = from;
  let started = summary;
  if (!started || started.count === 0) {
    started = addToSummary(started, name, stepAt(i), valueAt(i));
    i++;
  }
  const lower = metricGoal(name) === 'min';
  let { last, lastStep, min, max, bestStep, count } = started;
  for (; i < points.length; i++) {
    const step = stepAt(i);
    const value = valueAt(i);
    if (lower ? value < min : value > max) {
      bestStep = step;
    }
    last = value;
    lastStep = step;
    min = Math.min(min, value);
    max = Math.max(max, value);
    count++;
  }
  const result: MetricSummary = { last, lastStep, min, max, bestStep, count };
  if (started.nonFinite) {
    result.nonFinite = started.nonFinite;
  }
  return result;
}

/**
 * Adds one metrics-protocol line to `summaries` (in place): each finite value through
 * {@link addToSummary}, each non-finite one (named in `nonFinite`) counted in the summary's
 * `nonFinite`. A name without a finite value yet gets a summary of its non-finite values only:
 * `count` 0, `last`/`min`/`max` NaN (`null` in `run.json`), `lastStep` and `bestStep` the step of its
 * latest one, so a metric that only ever diverged is still listed.
 * @param summaries a null-prototype dictionary (`dict()` of src/shared/dict.ts): metric names such as
 *   `__proto__` or `constructor` are ordinary keys there; only its own entries are read.
 */
export function addLineToSummaries(
  summaries: Record<string, MetricSummary>,
  step: number,
  values: Record<string, number>,
  nonFinite: readonly string[],
  pending: Map<string, number>,
): void {
  for (const name of nonFinite) {
    const summary = ownValue(summaries, name);
    if (summary && summary.count > 0) {
      summaries[name] = { ...summary, nonFinite: (summary.nonFinite ?? 0) + 1 };
    } else {
      // Counts left in `pending` by callers of an older version of this function are taken too.
      const before = (summary?.nonFinite ?? 0) + (pending.get(name) ?? 0);
      pending.delete(name);
      summaries[name] = {
        last: Number.NaN,
        lastStep: step,
        min: Number.NaN,
        max: Number.NaN,
        bestStep: step,
        count: 0,
        nonFinite: before + 1,
      };
    }
  }
  for (const [name, value] of Object.entries(values)) {
    summaries[name] = addToSummary(ownValue(summaries, name), name, step, value);
  }
}

/** The best value of a summary under {@link metricGoal}. */
export function bestValue(name: string, summary: MetricSummary): number {
  return metricGoal(name) === 'min' ? summary.min : summary.max;
}

/** Which value of a metric's summary to read: the last, the smallest, the largest, or the best. */
export type SummaryAggregate = 'last' | 'min' | 'max' | 'best';

/**
 * The value of `summary` for `aggregate` (`best` under {@link metricGoal} of `name`): what checks compare
 * and what the experiments table shows for `name:min`, `name:max`, `name:best`.
 */
export function summaryValue(name: string, summary: MetricSummary, aggregate: SummaryAggregate): number {
  switch (aggregate) {
    case 'last':
      return summary.last;
    case 'min':
      return summary.min;
    case 'max':
      return summary.max;
    case 'best':
      return bestValue(name, summary);
  }
}
