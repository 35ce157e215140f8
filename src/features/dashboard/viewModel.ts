/**
 * Pure transforms from a followed run (its `run.json` and series) to the dashboard's view models, and
 * the diff that turns one refresh into a `dashboard/update`. No `vscode`, no I/O: unit-tested with
 * plain data.
 */
import { metricChartId, metricCharts, metricGroupRows } from '../../core/charts/metricCharts';
import { LINE_DATASET } from '../../core/charts/lineChart';
import { groupMetrics, type MetricGroup } from '../../core/charts/metricGroups';
import type { MetricPoint } from '../../core/metrics/series';
import type { ImportedRunState } from '../../core/runs/importedFollower';
import { checkDetail } from '../../core/checks/evaluate';
import type { RunRecord } from '../../core/runs/types';
import type { ChartModel } from '../../protocol/charts';
import {
  MAX_POINTS_PER_SERIES,
  type DashboardHeader,
  type DashboardParam,
  type DashboardReportSection,
  type DashboardResult,
  type DashboardSeriesInfo,
  type DashboardSnapshot,
  type DashboardUpdate,
} from '../../protocol/dashboard';

/** What the view models are built from: the follower's state. */
export interface RunState {
  runId: string;
  record: RunRecord | undefined;
  series: ReadonlyMap<string, readonly MetricPoint[]>;
  lastStep: number | null;
  log: { lines: string[]; truncated: boolean };
  warnings: readonly string[];
  missing: boolean;
  /** Set for a run read from another tool's logs (then `record` is undefined). */
  imported?: ImportedRunState;
  /** Result charts from the run's artifacts (see `DashboardSnapshot.reports`). */
  reports?: DashboardReportSection[];
  /**
   * Why the run cannot be read (e.g. `could not read <path>: <reason>`); shown in the header's error line
   * in place of the run's own error.
   */
  error?: string;
}

/**
 * The header. A run without a readable `run.json` yet shows as `queued`; a vanished one as `missing`.
 * `durationMs` is the recorded duration, else (running) the time from start to `now` (Unix ms).
 */
export function buildHeader(state: RunState, now: number = Date.now()): DashboardHeader {
  if (state.imported) {
    return importedHeader(state, state.imported);
  }
  const r = state.record;
  const startedAt = r?.startedAt ?? null;
  let durationMs: number | null = r?.durationMs ?? null;
  if (durationMs === null && startedAt) {
    const end = r?.endedAt ? Date.parse(r.endedAt) : now;
    durationMs = Math.max(0, end - Date.parse(startedAt));
  }
  const backend = r?.info?.backend;
  return {
    runId: state.runId,
    task: r?.task ?? '',
    kind: r?.kind ?? '',
    status: state.missing ? 'missing' : (r?.status ?? 'queued'),
    commit: r?.git?.commit ?? null,
    subject: r?.git?.subject ?? null,
    branch: r?.git?.branch ?? null,
    dirty: r?.git?.dirty ?? false,
    snapshot: r?.git?.snapshot ?? null,
    gitNote: r?.git?.note ?? null,
    createdAt: r?.createdAt ?? '',
    startedAt,
    endedAt: r?.endedAt ?? null,
    durationMs: Number.isFinite(durationMs) ? durationMs : null,
    backend: typeof backend === 'string' ? backend : null,
    exitCode: r?.exitCode ?? null,
    error: state.error ?? r?.error ?? null,
    command: r?.command ?? '',
    lastStep: state.lastStep,
    imported: null,
    checks: (r?.checks ?? []).map((c) => ({ check: c.check, passed: c.passed, detail: checkDetail(c) })),
  };
}

/**
 * The header of an imported run: its name as the task, the format as the kind, the source's status
 * (`imported` when it records none) and commit, and its times when recorded.
 */
function importedHeader(state: RunState, run: ImportedRunState): DashboardHeader {
  const iso = (ms: number | undefined): string | null =>
    ms !== undefined && Number.isFinite(ms) ? new Date(ms).toISOString() : null;
  const durationMs =
    run.startTime !== undefined && run.endTime !== undefined && run.endTime >= run.startTime
      ? run.endTime - run.startTime
      : null;
  return {
    runId: run.key,
    task: run.source.experiment !== null ? `${run.source.experiment} / ${run.name}` : run.name,
    kind: run.source.format,
    status: state.missing ? 'missing' : (run.status ?? 'imported'),
    commit: run.gitCommit ?? null,
    subject: null,
    branch: null,
    dirty: false,
    snapshot: null,
    gitNote: run.gitCommit ? null : `no commit recorded by ${run.source.format}`,
    createdAt: iso(run.startTime) ?? '',
    startedAt: iso(run.startTime),
    endedAt: iso(run.endTime),
    durationMs,
    backend: null,
    exitCode: null,
    error: state.error ?? null,
    command: '',
    lastStep: state.lastStep,
    imported: run.source,
    checks: [],
  };
}

/** The params table rows (of the run record, or of the imported run), sorted by name. */
export function buildParams(state: Pick<RunState, 'record' | 'imported'>): DashboardParam[] {
  return Object.entries(state.imported?.params ?? state.record?.params ?? {})
    .map(([name, value]) => ({ name, value }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Points recorded and points shown of one metric. */
export function seriesInfo(name: string, points: readonly MetricPoint[]): DashboardSeriesInfo {
  return { name, total: points.length, shown: Math.min(points.length, MAX_POINTS_PER_SERIES) };
}

/**
 * Splits the metric groups of a run (core's {@link groupMetrics}, the charts' grouping) into groups
 * drawn as charts, those where some member has two points or more, and results: the members of the
 * other groups, each recorded exactly once. A single point that shares a group with a curve
 * (`eval/accuracy` beside `accuracy`) stays in that chart. Metrics without points are in neither.
 */
export function splitMetrics(series: ReadonlyMap<string, readonly MetricPoint[]>): {
  charted: MetricGroup[];
  results: DashboardResult[];
} {
  const charted: MetricGroup[] = [];
  const results: DashboardResult[] = [];
  for (const group of groupMetrics(nonEmpty(series))) {
    const points = group.members.map((m) => series.get(m.name) ?? []);
    if (points.some((p) => p.length > 1)) {
      charted.push(group);
    } else {
      group.members.forEach((m, i) =>
        results.push({ name: m.name, value: points[i][0].value, step: points[i][0].step }),
      );
    }
  }
  const order = new Map([...series.keys()].map((name, i) => [name, i]));
  results.sort((a, b) => order.get(a.name)! - order.get(b.name)!);
  return { charted, results };
}

/** The metrics recorded once, as result cards (see {@link splitMetrics}). */
export function buildResults(series: ReadonlyMap<string, readonly MetricPoint[]>): DashboardResult[] {
  return splitMetrics(series).results;
}

/**
 * The charts of a run: one per metric group with a curve (see {@link splitMetrics}), each series
 * downsampled to the protocol's limit.
 */
export function buildCharts(series: ReadonlyMap<string, readonly MetricPoint[]>): ChartModel[] {
  const names = splitMetrics(series).charted.flatMap((g) => g.members.map((m) => m.name));
  const curves = new Map(names.map((name) => [name, series.get(name) ?? []] as const));
  return metricCharts(curves, { maxPoints: MAX_POINTS_PER_SERIES });
}

/** The full snapshot. */
export function buildSnapshot(state: RunState, now?: number): DashboardSnapshot {
  return {
    header: buildHeader(state, now),
    params: buildParams(state),
    charts: buildCharts(state.series),
    results: buildResults(state.series),
    series: [...state.series].map(([name, points]) => seriesInfo(name, points)),
    log: state.log,
    warnings: [...state.warnings],
    reports: state.reports ?? [],
  };
}

/** The member names of a group, as a key that changes when the chart's spec must change. */
function membership(group: MetricGroup): string {
  return group.members.map((m) => m.name).join('\u0000');
}

/**
 * Remembers which charts the view has, so each refresh sends only what changed: a new chart (or one
 * that gained a series) as a whole, the rows of a chart whose metrics got points, the counts.
 */
export class ChartTracker {
  private shown = new Map<string, string>();
  /** The result cards the view shows, as JSON. */
  private shownResults = '[]';

  /** Records that the view now shows exactly the charts and result cards of `series` (after a snapshot). */
  reset(series: ReadonlyMap<string, readonly MetricPoint[]>): void {
    const { charted, results } = splitMetrics(series);
    this.shown = new Map(charted.map((g) => [metricChartId(g), membership(g)] as [string, string]));
    this.shownResults = JSON.stringify(results);
  }

  /**
   * The chart part of an update after `appended` (metric name → points added) or, with `reset`,
   * after the series were read anew. Returns undefined fields when nothing changed.
   */
  diff(
    series: ReadonlyMap<string, readonly MetricPoint[]>,
    appended: ReadonlyMap<string, number>,
    reset: boolean,
  ): Pick<DashboardUpdate, 'charts' | 'data' | 'results' | 'series' | 'reset'> {
    if (reset) {
      this.reset(series);
      return {
        reset: true,
        charts: buildCharts(series),
        results: buildResults(series),
        series: [...series].map(([name, points]) => seriesInfo(name, points)),
      };
    }
    if (appended.size === 0) {
      return {};
    }
    const charts: ChartModel[] = [];
    const data: NonNullable<DashboardUpdate['data']> = [];
    const split = splitMetrics(series);
    const resultsJson = JSON.stringify(split.results);
    const results = resultsJson !== this.shownResults ? split.results : undefined;
    this.shownResults = resultsJson;
    for (const group of split.charted) {
      if (!group.members.some((m) => appended.has(m.name))) {
        continue;
      }
      const id = metricChartId(group);
      const key = membership(group);
      if (this.shown.get(id) !== key) {
        const subset = new Map(group.members.map((m) => [m.name, series.get(m.name) ?? []] as const));
        charts.push(...buildCharts(subset));
        this.shown.set(id, key);
      } else {
        data.push({
          chartId: id,
          dataset: LINE_DATASET,
          rows: metricGroupRows(group, series, MAX_POINTS_PER_SERIES),
        });
      }
    }
    return {
      charts: charts.length > 0 ? charts : undefined,
      data: data.length > 0 ? data : undefined,
      results,
      series: [...appended.keys()].map((name) => seriesInfo(name, series.get(name) ?? [])),
    };
  }
}

function nonEmpty(series: ReadonlyMap<string, readonly MetricPoint[]>): string[] {
  return [...series].filter(([, points]) => points.length > 0).map(([name]) => name);
}
