/**
 * The texts of the editor previews: CodeLens titles, inlay hint labels and hover Markdown, built from
 * the in-memory index. No `vscode` import, so every text is unit-tested.
 */
import type { KeyMetricChange, MetricStats, ParamStats, RunIndex } from '../../core/inline/runIndex';
import { sparklineDataUri } from '../../core/inline/sparkline';
import type { ParamValue, RunRecord } from '../../core/runs/types';
import { formatNumber } from '../../shared/formatting';
import { escapeMarkdown, relativeTime } from '../runLabels';

/** How many runs a hover table lists at most. */
const TABLE_ROWS = 10;

/** A name from data as Markdown code (backticks inside become quotes, so the span cannot end early). */
export function codeSpan(name: string): string {
  return `\`${name.replace(/`/g, "'")}\``;
}

/** `▲0.01`, `▼0.002`, `=` for no change. */
export function deltaText(delta: number): string {
  if (delta === 0) {
    return '=';
  }
  return `${delta > 0 ? '▲' : '▼'}${formatNumber(Math.abs(delta), 2)}`;
}

/**
 * The CodeLens title of a task's last run: `✓ val_accuracy 0.972 ▲0.01 · 3 min ago` (status mark,
 * key metric, its change against the previous run, age).
 */
export function lastRunTitle(latest: RunRecord, change: KeyMetricChange | undefined, now: number): string {
  const mark =
    latest.status === 'succeeded'
      ? '$(pass)'
      : latest.status === 'failed'
        ? '$(error)'
        : latest.status === 'cancelled'
          ? '$(circle-slash)'
          : '$(sync~spin)';
  const metric = change
    ? ` ${change.name} ${formatNumber(change.value)}${change.delta === undefined ? '' : ` ${deltaText(change.delta)}`}`
    : '';
  return `${mark} ${latest.status}${metric} · ${relativeTime(Date.parse(latest.createdAt), now)}`;
}

/** A param value as written in YAML (`0.003`, `"adam"`, `true`). */
export function valueText(value: ParamValue): string {
  return typeof value === 'number' ? formatNumber(value) : JSON.stringify(value);
}

/** The inlay hint after a varied param: `◂ best val_accuracy 0.972 at 0.003`; undefined when not varied. */
export function paramHint(stats: ParamStats | undefined): string | undefined {
  if (!stats || stats.distinct < 2 || !stats.best || stats.metric === undefined) {
    return undefined;
  }
  return `◂ best ${stats.metric} ${formatNumber(stats.best.metric)} at ${valueText(stats.best.value)}`;
}

function image(values: readonly number[], alt = 'trend'): string {
  const uri = sparklineDataUri(values);
  return uri === undefined ? '' : `![${alt}](${uri})`;
}

/** Hover of a param: the values it took in recent runs with each run's key metric, and a sparkline. */
export function paramHover(name: string, stats: ParamStats, now: number): string {
  const metric = stats.metric ?? 'key metric';
  const rows = stats.rows
    .slice(0, TABLE_ROWS)
    .map(
      (r) =>
        `| ${escapeMarkdown(valueText(r.value))} | ${formatNumber(r.metric)} | ${relativeTime(Date.parse(r.run.createdAt), now)} | \`${r.run.id}\` |`,
    );
  const trend = stats.rows
    .map((r) => r.metric)
    .filter((m): m is number => m !== undefined)
    .reverse();
  const best = stats.best
    ? `Best ${escapeMarkdown(metric)} ${formatNumber(stats.best.metric)} at ${escapeMarkdown(valueText(stats.best.value))} (run \`${stats.best.run.id}\`)`
    : 'No run has the key metric yet';
  return [
    `**${codeSpan(name)}** in the last ${stats.rows.length} runs · ${stats.distinct} value${stats.distinct === 1 ? '' : 's'}`,
    '',
    `${best}  ${image(trend)}`,
    '',
    `| ${escapeMarkdown(name)} | ${escapeMarkdown(metric)} | started | run |`,
    '| ---: | ---: | --- | --- |',
    ...rows,
  ].join('\n');
}

/**
 * Hover of a metric where code logs it: the latest run's last and best values, a sparkline of the
 * latest run's points over its steps (when `latestSeries` has two or more), and the trend of the last
 * value over the recent runs.
 * @param latestSeries the latest run's points of the metric in step order (read by its follower).
 */
export function metricHover(
  stats: MetricStats,
  scope: string,
  now: number,
  dashboardLink?: string,
  latestSeries?: readonly { step: number; value: number }[],
): string {
  const [latest] = stats.runs;
  const trend = stats.runs.map((r) => r.last).reverse();
  const bestOver = stats.runs.reduce(
    (best, r) =>
      best === undefined || (stats.goal === 'min' ? r.best < best.best : r.best > best.best) ? r : best,
    undefined as MetricStats['runs'][number] | undefined,
  );
  const lines = [
    `**${codeSpan(stats.name)}** (${stats.goal === 'min' ? 'lower' : 'higher'} is better) · ${escapeMarkdown(scope)}`,
    '',
    `Latest run \`${latest.run.id}\` (${latest.run.status}, ${relativeTime(Date.parse(latest.run.createdAt), now)}): ` +
      `last ${formatNumber(latest.last)} at step ${latest.lastStep}, best ${formatNumber(latest.best)} at step ${latest.bestStep}`,
  ];
  const steps =
    latestSeries === undefined
      ? ''
      : image(
          latestSeries.map((p) => p.value),
          'steps',
        );
  if (steps !== '' && latestSeries) {
    const first = latestSeries[0].step;
    const last = latestSeries[latestSeries.length - 1].step;
    lines.push('', `Latest run over steps ${first}–${last}: ${steps}`);
  }
  if (bestOver && stats.runs.length > 1) {
    lines.push(
      '',
      `Best of ${stats.runs.length} runs: ${formatNumber(bestOver.best)} in \`${bestOver.run.id}\``,
    );
  }
  if (trend.length > 1) {
    lines.push('', `Last value over the runs, oldest to newest: ${image(trend)}`);
  }
  if (dashboardLink) {
    lines.push('', dashboardLink);
  }
  return lines.join('\n');
}

/** The inlay hint after a logged metric: ` = 0.972` (the latest run's last value). */
export function metricHint(stats: MetricStats | undefined): string | undefined {
  const latest = stats?.runs[0];
  return latest ? `= ${formatNumber(latest.last)}` : undefined;
}

/** A short Markdown summary of a run: status, age and key metric. */
export function runSummaryMarkdown(run: RunRecord, index: { index: RunIndex }, now = Date.now()): string {
  const change = index.index.keyMetricChange(run.task);
  const metric =
    change && index.index.scope(run.task).runs[0]?.id === run.id
      ? ` · ${change.name} ${formatNumber(change.value)}`
      : '';
  return `**${escapeMarkdown(run.task)}** ${run.status} · ${relativeTime(Date.parse(run.createdAt), now)}${metric}`;
}
