/**
 * Chart specs of metric series: one chart per metric group (training and validation curves overlaid)
 * for a run, and one chart per metric across runs for comparisons. Used by the run dashboard, the run
 * comparison view and the standalone HTML run report, so all of them draw the same pictures.
 */
import type { ChartModel } from '../../protocol/charts';
import type { MetricPoint } from '../metrics/series';
import { lineChart, lineRows, type LineRow } from './lineChart';
import { groupMetrics, type MetricGroup } from './metricGroups';

/** Options shared by the metric chart builders. */
export interface MetricChartOptions {
  /** x axis title: `step` (default) or `epoch` when the steps count epochs. */
  xTitle?: string;
  /** Points per series above which LTTB downsampling applies. Default 2000. */
  maxPoints?: number;
  /** Chart height in px. Default 220. */
  height?: number;
}

/** Chart id of a metric group, stable across updates: `metric:<group key>`. */
export function metricChartId(group: MetricGroup): string {
  return `metric:${group.key}`;
}

/**
 * One chart per metric group of a run (see {@link groupMetrics}): `loss` and `val_loss` share a chart,
 * a metric without partner gets its own. Metrics without points are left out.
 *
 * @param series metric name → points ordered by step (the run's `metrics.jsonl` or a reader's output).
 */
export function metricCharts(
  series: ReadonlyMap<string, readonly MetricPoint[]>,
  options: MetricChartOptions = {},
): ChartModel[] {
  const names = [...series].filter(([, points]) => points.length > 0).map(([name]) => name);
  return groupMetrics(names).map((group) =>
    lineChart(
      group.members.map((m) => ({ label: m.name, points: series.get(m.name) ?? [] })),
      { ...options, id: metricChartId(group), title: group.title },
    ),
  );
}

/**
 * The rows of one metric group's chart, downsampled: what a host sends to swap the dataset of a chart
 * built by {@link metricCharts} when new points arrive (the chart's spec stays as it is).
 */
export function metricGroupRows(
  group: MetricGroup,
  series: ReadonlyMap<string, readonly MetricPoint[]>,
  maxPoints?: number,
): LineRow[] {
  return lineRows(
    group.members.map((m) => ({ label: m.name, points: series.get(m.name) ?? [] })),
    maxPoints,
  );
}

/** One run's series of the compared metric. */
export interface ComparedRun {
  /** Legend label, unique among the runs (e.g. `train · 20261124T090612Z-7f3a`). */
  label: string;
  points: readonly MetricPoint[];
}

/**
 * A run comparison: one metric, one line per run, coloured by run.
 * @throws Error when two runs share a label.
 */
export function runComparisonChart(
  metric: string,
  runs: readonly ComparedRun[],
  options: MetricChartOptions = {},
): ChartModel {
  return lineChart(runs, { ...options, id: `compare:${metric}`, title: metric });
}
