/**
 * Protocol of the compare view (`webviews/compare`): any number of runs, one chart per metric with every
 * run overlaid, the params side by side and metric deltas against a baseline run. Types plus tiny
 * validators only, shared by the browser bundle and the extension host.
 *
 * Sequence: the view posts `webview/ready`; the host answers `compare/snapshot`. When the user changes
 * an option (x axis, log scale, smoothing, outliers, grouping, baseline) the view posts `compare/options`
 * and the host answers with a new snapshot built with them; while compared runs are running, snapshots
 * follow their new points (at most about once a second).
 */
import type { ChartModel } from './charts';
import {
  parseViewMessageOf,
  type MessageOf,
  type PageViewMessages,
  type PayloadValidators,
} from './messages';

/** The chart options the user can change. */
export interface CompareOptions {
  /** x axis: step, seconds since each run's first point, or wall-clock time. */
  x: 'step' | 'relative' | 'wall';
  yScale: 'linear' | 'log';
  /** Smoothing weight in [0, 0.99] (TensorBoard's debiased EMA); 0 draws raw values. */
  smoothing: number;
  /** Leave values outside the 5th–95th percentile out of the y range. */
  clipOutliers: boolean;
  /** Draw groups of runs (mean line, min–max band) instead of runs: `task`, `params.<key>`, or null. */
  groupBy: string | null;
  /** Index in the compared runs of the baseline of the deltas. */
  baseline: number;
  /** The metric of the params charts (parallel coordinates, scatter); null: the first (key) metric. */
  metric: string | null;
  /** The param on the scatter's x axis; null: the first param that differs. */
  param: string | null;
}

/** Most points (buckets) sent per series and chart: longer series are downsampled on the host. */
export const MAX_COMPARE_POINTS = 2000;

/**
 * Rows per chart the host aims at: with many runs each series gets `COMPARE_CHART_ROWS / series`
 * buckets (between {@link MIN_COMPARE_POINTS} and {@link MAX_COMPARE_POINTS}), so a chart of 100 runs
 * costs the view what one of 10 runs does. A chart is at most about a thousand pixels wide, so more
 * buckets per series than that draw nothing more; the min–max bands keep every spike either way.
 */
export const COMPARE_CHART_ROWS = 20_000;

/** Fewest buckets per series, however many runs are compared. */
export const MIN_COMPARE_POINTS = 200;

/** Buckets per series for a chart of `series` lines (see {@link COMPARE_CHART_ROWS}). */
export function comparePointsPerSeries(series: number): number {
  return Math.max(
    MIN_COMPARE_POINTS,
    Math.min(MAX_COMPARE_POINTS, Math.floor(COMPARE_CHART_ROWS / Math.max(1, series))),
  );
}

/** The options a new compare view starts with. */
export const DEFAULT_COMPARE_OPTIONS: CompareOptions = {
  x: 'step',
  yScale: 'linear',
  smoothing: 0,
  clipOutliers: false,
  groupBy: null,
  baseline: 0,
  metric: null,
  param: null,
};

/** One compared run, as the legend and the tables name it. */
export interface CompareRunInfo {
  id: string;
  /** `#<n> <task> · <id>`: unique, and the legend's label. */
  label: string;
  task: string;
  status: string;
  /** Short commit SHA, `dirty` appended for a snapshot; empty outside git. */
  commit: string;
}

/** A param across the runs: values as text (empty where a run lacks it). */
export interface CompareParamRow {
  name: string;
  values: string[];
  differs: boolean;
}

/** A metric across the runs: per run its last and best value and deltas against the baseline. */
export interface CompareMetricRow {
  name: string;
  goal: 'min' | 'max';
  /** Per run; `null` where the run has no value of the metric. */
  runs: ({
    last: number;
    best: number;
    bestStep: number;
    deltaLast: number | null;
    deltaBest: number | null;
  } | null)[];
}

/**
 * A data input (by path) across the runs: per run `same` or `changed` against the baseline's fingerprint,
 * `added` where the baseline lacks it, `missing` where this run lacks it (as `xlens diff` reports).
 */
export interface CompareInputRow {
  path: string;
  runs: ({ state: 'same' | 'changed' | 'added'; sha256: string; size: number } | { state: 'missing' })[];
  differs: boolean;
}

/** Everything the view shows. */
export interface CompareSnapshot {
  runs: CompareRunInfo[];
  params: CompareParamRow[];
  metrics: CompareMetricRow[];
  charts: ChartModel[];
  /** The lines of every chart (runs, or groups when grouped) with their colours, for the view's legend. */
  legend: { label: string; color: string }[];
  options: CompareOptions;
  /** What `groupBy` may be: `task` and the params that differ. */
  groupChoices: string[];
  /** Things the charts left out or changed, in words (e.g. values ≤ 0 on a log scale). */
  notes: string[];
  /** The params charts (parallel coordinates, then the scatter) of the chosen metric; none without params. */
  paramCharts: ChartModel[];
  /** What `metric` may be: the metrics with a value in some run. */
  metricChoices: string[];
  /** What `param` may be: every param. */
  paramChoices: string[];
  /** The runs' data inputs, compared by fingerprint. */
  data: CompareInputRow[];
  /**
   * Which state of the runs and options this snapshot shows. The host sends a first part with
   * `pendingCharts`, then the same snapshot with the other charts added, of the same revision: the
   * view keeps the charts it already drew for that revision.
   */
  revision: number;
  /**
   * Curves charts left out of `charts` (0: none): the host sends the first chart at once and the
   * others in the next snapshot, of the same revision.
   */
  pendingCharts: number;
}

/** Messages from the extension host to the compare view. */
export interface CompareHostMessages {
  'compare/snapshot': CompareSnapshot;
}

/** Messages from the compare view to the extension host. */
export interface CompareViewMessages extends PageViewMessages {
  /** The user changed the chart options. */
  'compare/options': CompareOptions;
  /** The user asked for a run's dashboard. */
  'compare/openDashboard': { runId: string };
  /**
   * Every chart of a complete snapshot of `revision` is drawn, `charts` charts in `ms` ms (the editor tests
   * wait for it). A draw that a newer snapshot replaced before it ended posts nothing.
   */
  'compare/rendered': { revision: number; charts: number; ms: number };
  /** The user asked for the code diff of the two compared runs (Compare Code). */
  'compare/compareCode': Record<string, never>;
}

export type CompareHostMessage = MessageOf<CompareHostMessages>;
export type CompareViewMessage = MessageOf<CompareViewMessages>;

/** The saved state of a compare view (its runs, in order, and its options), for restoring after a reload. */
export interface CompareSavedState {
  runIds: string[];
  options: CompareOptions;
}

/** Checks chart options from the (untrusted) view; returns them or what is wrong. */
export function validateCompareOptions(p: Record<string, unknown>): CompareOptions | string {
  const { x, yScale, smoothing, clipOutliers, groupBy, baseline } = p;
  // Absent in states saved before these options existed: the defaults.
  const metric = p.metric ?? null;
  const param = p.param ?? null;
  if (x !== 'step' && x !== 'relative' && x !== 'wall') {
    return 'options.x must be step, relative or wall';
  }
  if (yScale !== 'linear' && yScale !== 'log') {
    return 'options.yScale must be linear or log';
  }
  if (typeof smoothing !== 'number' || !(smoothing >= 0 && smoothing <= 0.99)) {
    return 'options.smoothing must be a number in [0, 0.99]';
  }
  if (typeof clipOutliers !== 'boolean') {
    return 'options.clipOutliers must be a boolean';
  }
  if (groupBy !== null && (typeof groupBy !== 'string' || groupBy.length > 500)) {
    return 'options.groupBy must be null or a field name';
  }
  if (typeof baseline !== 'number' || !Number.isInteger(baseline) || baseline < 0 || baseline > 100_000) {
    return 'options.baseline must be a run index';
  }
  for (const [key, value] of [
    ['metric', metric],
    ['param', param],
  ] as const) {
    if (value !== null && (typeof value !== 'string' || value.length > 500)) {
      return `options.${key} must be null or a name`;
    }
  }
  return {
    x,
    yScale,
    smoothing,
    clipOutliers,
    groupBy,
    baseline,
    metric: metric as string | null,
    param: param as string | null,
  };
}

const compareValidators: PayloadValidators<Omit<CompareViewMessages, keyof PageViewMessages>> = {
  'compare/options': validateCompareOptions,
  'compare/openDashboard': (p) =>
    typeof p.runId === 'string' && /^[\w.-]{1,100}$/.test(p.runId)
      ? { runId: p.runId }
      : '"compare/openDashboard" needs payload.runId, a run id',
  'compare/rendered': (p) =>
    [p.revision, p.charts, p.ms].every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0)
      ? { revision: p.revision as number, charts: p.charts as number, ms: p.ms as number }
      : '"compare/rendered" needs numbers revision, charts and ms >= 0',
  'compare/compareCode': () => ({}),
};

/** Validates a message received from the (untrusted) view: the typed message, or what is wrong with it. */
export function parseCompareViewMessage(value: unknown): CompareViewMessage | string {
  return parseViewMessageOf<CompareViewMessages>(value, compareValidators);
}
