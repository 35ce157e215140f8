/**
 * The compare view's snapshot, built from the compared runs' records and series and the view's options:
 * one chart per metric (runs overlaid, or groups of runs as a mean line with a min–max band), the params
 * table and the metric deltas against the baseline. Pure (no `vscode`): unit tests build snapshots
 * directly.
 */
import { compareChart, runColors, type CompareSeries } from '../../core/charts/compareChart';
import { paramScatterChart, parallelCoordinatesChart } from '../../core/charts/paramCharts';
import { groupBands } from '../../core/charts/seriesTransforms';
import { compareRuns, type ComparedInput, type RunComparison } from '../../core/compare/comparison';
import type { SeriesInput } from '../../core/metrics/metricColumns';
import type { RunRecord } from '../../core/runs/types';
import { dictFrom, ownValue } from '../../shared/dict';
import type { ChartModel } from '../../protocol/charts';
import { shortSha } from '../../shared/formatting';
import {
  comparePointsPerSeries,
  type CompareInputRow,
  type CompareOptions,
  type CompareRunInfo,
  type CompareSnapshot,
} from '../../protocol/compare';

/**
 * One compared run: its record and its series (metric name → points in step order, as objects or as
 * a followed run's columns; the snapshot is the same either way).
 */
export interface ComparedRunState<Series extends SeriesInput = SeriesInput> {
  record: RunRecord;
  series: ReadonlyMap<string, Series>;
}

/** `#<n> <task> · <id>`: the run's label in the legend and tables (unique: the index comes first). */
export function runLabel(record: RunRecord, index: number): string {
  return `#${index + 1} ${record.task} · ${record.id}`;
}

function paramText(value: unknown): string {
  return value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
}

/** The value a run is grouped by: its task or a param's value (`(none)` when it has no such param). */
function groupValue(record: RunRecord, groupBy: string): string {
  if (groupBy === 'task') {
    return record.task;
  }
  const value = ownValue(record.params, groupBy.replace(/^params\./, ''));
  return value === undefined ? '(none)' : paramText(value);
}

/** Which part of a snapshot {@link buildCompareSnapshot} builds. */
export interface SnapshotPart {
  /** The snapshot's `revision` (default 0). */
  revision?: number;
  /**
   * Curves charts to build, from the first (default: all); the others are counted in `pendingCharts`.
   * Each costs the downsampling of every run's series of its metric.
   */
  charts?: number;
  /**
   * A part built before, with charts pending: the snapshot returned is `after` (its revision, runs,
   * tables, notes and charts as they are) completed with charts of the metrics it has none of, built
   * from `runs` now; `unavailable`, `charts` and `revision` are not used then. Runs that changed in
   * between show in the next revision (the host sends one after every change).
   */
  after?: CompareSnapshot;
}

/**
 * Builds the snapshot.
 * @param runs the compared runs in the view's order (at least one).
 * @param options the view's options; a baseline or grouping that no longer applies (fewer runs, a param
 *   no run has) falls back to the first run and no grouping.
 * @param unavailable why each compared run that cannot be shown is left out (sentences naming the run
 *   and the fix); listed first among the notes, so the rest is drawn and the gap explained.
 * @param part the revision and how many curves charts to build (the host sends the first one first),
 *   or the part to complete ({@link SnapshotPart.after}).
 */
export function buildCompareSnapshot(
  runs: readonly ComparedRunState[],
  options: CompareOptions,
  unavailable: readonly string[] = [],
  part: SnapshotPart = {},
): CompareSnapshot {
  const records = runs.map((r) => r.record);
  const baseline = options.baseline < records.length ? options.baseline : 0;
  const comparison = compareRuns(records, { baseline });
  const differing = comparison.params.filter((p) => p.differs).map((p) => `params.${p.name}`);
  const groupChoices = ['task', ...differing];
  const groupBy = options.groupBy !== null && groupChoices.includes(options.groupBy) ? options.groupBy : null;
  const metricChoices = comparison.metrics.filter((m) => m.runs.some((r) => r !== null)).map((m) => m.name);
  const paramChoices = comparison.params.map((p) => p.name);
  const effective: CompareOptions = {
    ...options,
    baseline,
    groupBy,
    metric: options.metric !== null && metricChoices.includes(options.metric) ? options.metric : null,
    param: options.param !== null && paramChoices.includes(options.param) ? options.param : null,
  };
  const labels = records.map(runLabel);
  const legendLabels = groupBy
    ? [...groupsOf(runs, groupBy)].map(([value, members]) => groupLabel(groupBy, value, members.length))
    : labels;
  const colors = runColors(legendLabels.length);
  const after = part.after;
  const notes: string[] = after ? [] : [...unavailable];
  // The metrics still to chart: with `after`, those it has no chart of (by title, the metric's name).
  const charted = new Set(after?.charts.map((c) => c.title));
  const todo = comparison.metrics.filter(
    (metric) => !charted.has(metric.name) && runs.some((r) => (r.series.get(metric.name)?.length ?? 0) > 0),
  );
  const built = after ? todo.length : Math.min(todo.length, part.charts ?? todo.length);
  const offset = after?.charts.length ?? 0;
  const charts: ChartModel[] = [];
  todo.slice(0, built).forEach((metric, i) => {
    const series = groupBy
      ? groupedSeries(runs, metric.name, groupBy)
      : runs.map((r, i) => ({ label: labels[i], points: r.series.get(metric.name) ?? [] }));
    const result = compareChart(metric.name, series, {
      id: `compare:${offset + i}`,
      x: effective.x,
      yScale: effective.yScale,
      smoothing: effective.smoothing,
      clipOutliers: effective.clipOutliers,
      maxPoints: comparePointsPerSeries(series.length),
      colors,
    });
    for (const [label, count] of result.omitted) {
      notes.push(`${metric.name}: ${count} values ≤ 0 of ${label} are not drawn on the log scale.`);
    }
    if (result.untimed.length > 0) {
      notes.push(
        `${metric.name}: ${result.untimed.join(', ')} ${result.untimed.length === 1 ? 'has' : 'have'} no times; drawn by step.`,
      );
    }
    charts.push(result.model);
  });
  if (after) {
    // Everything else as `after` showed it: one state per revision, whatever changed since.
    return {
      ...after,
      charts: [...after.charts, ...charts],
      notes: [...after.notes, ...notes],
      pendingCharts: 0,
    };
  }
  const runInfo: CompareRunInfo[] = records.map((record, i) => ({
    id: record.id,
    label: labels[i],
    task: record.task,
    status: record.status,
    commit: record.git.commit ? `${shortSha(record.git.commit)}${record.git.dirty ? ' dirty' : ''}` : '',
  }));
  return {
    runs: runInfo,
    params: comparison.params.map((p) => ({
      name: p.name,
      values: p.values.map(paramText),
      differs: p.differs,
    })),
    metrics: comparison.metrics.map((m) => ({
      name: m.name,
      goal: m.goal,
      runs: m.runs.map((s) =>
        s
          ? {
              last: s.last,
              best: s.best,
              bestStep: s.bestStep,
              deltaLast: s.deltaLast,
              deltaBest: s.deltaBest,
            }
          : null,
      ),
    })),
    charts,
    legend: legendLabels.map((label, i) => ({ label, color: colors[i] })),
    options: effective,
    groupChoices,
    notes,
    paramCharts: paramCharts(comparison, labels, runColors(labels.length), effective),
    metricChoices,
    paramChoices,
    data: comparison.data.map(inputRow),
    revision: part.revision ?? 0,
    pendingCharts: todo.length - built,
  };
}

/** An input across the runs as the view shows it (core's `null` for a run without it is `missing`). */
function inputRow(input: ComparedInput): CompareInputRow {
  return {
    path: input.path,
    runs: input.runs.map((r) => r ?? { state: 'missing' as const }),
    differs: input.differs,
  };
}

/**
 * The parallel coordinates (the params that differ, or all when none differ, then the metric) and the
 * scatter of one param against the metric, by each run's last value of the metric (the metrics
 * table's value). None when the runs have no params or no metric.
 */
function paramCharts(
  comparison: RunComparison,
  labels: readonly string[],
  colors: readonly string[],
  options: CompareOptions,
): ChartModel[] {
  const metric =
    comparison.metrics.find((m) => m.name === options.metric) ??
    comparison.metrics.find((m) => m.runs.some((r) => r !== null));
  if (!metric || comparison.params.length === 0) {
    return [];
  }
  const differing = comparison.params.filter((p) => p.differs);
  const axes = (differing.length > 0 ? differing : comparison.params).map((p) => p.name);
  const param = options.param ?? axes[0];
  const runs = labels.map((label, i) => ({
    label,
    params: dictFrom(
      comparison.params.flatMap((p) => (p.values[i] === undefined ? [] : [[p.name, p.values[i]]])),
    ),
    value: metric.runs[i]?.last ?? null,
  }));
  return [
    parallelCoordinatesChart(metric.name, axes, runs, { id: 'compare:parallel' }),
    paramScatterChart(param, metric.name, runs, { id: 'compare:scatter', colors }),
  ];
}

/** The runs by the value they are grouped by, in the order the values first appear. */
function groupsOf(runs: readonly ComparedRunState[], groupBy: string): Map<string, ComparedRunState[]> {
  const groups = new Map<string, ComparedRunState[]>();
  for (const run of runs) {
    const key = groupValue(run.record, groupBy);
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return groups;
}

/** A group's label: `lr=0.01 (3 runs)`. */
function groupLabel(groupBy: string, value: string, size: number): string {
  const field = groupBy === 'task' ? 'task' : groupBy.replace(/^params\./, '');
  return `${field}=${value} (${size} run${size === 1 ? '' : 's'})`;
}

/** A metric's series per group of runs: the group's mean line and min–max band over its runs. */
function groupedSeries(runs: readonly ComparedRunState[], metric: string, groupBy: string): CompareSeries[] {
  const groups = groupsOf(runs, groupBy);
  return [...groups].map(([value, members]) => ({
    label: groupLabel(groupBy, value, members.length),
    points: [],
    bands: groupBands(
      members.map((m) => m.series.get(metric) ?? []),
      comparePointsPerSeries(groups.size),
    ),
  }));
}
