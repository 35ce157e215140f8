/**
 * The in-memory index the editor previews answer from (DESIGN.md, "Editor previews"): per task, its
 * recent runs, the key metric, and per param and per metric the values across those runs. Built from
 * run records (`run.json` summaries) in one pass, so a CodeLens, an inlay hint or a hover is a few map
 * lookups (`bench/inline.bench.ts`: 1,000 runs, a 2,000-line file).
 *
 * A run's value of a metric is its last value (the summary's `last`); "best" is the smallest or the
 * largest of those across runs as `metricGoal` decides (losses and errors smaller, the rest larger).
 */
import { isFinalStatus, type ParamValue, type RunRecord } from '../runs/types';
import { keyMetricNames } from '../runs/keyMetrics';
import { metricGoal } from '../runs/summaries';

/** Options of the index (the `xlens.inline.*` settings). */
export interface RunIndexOptions {
  /** Metric shown as "the key metric"; undefined: chosen per task (`keyMetricNames`). */
  keyMetric?: string;
  /** How many recent runs of each task (and of the workspace) count, ≥ 1. */
  runs: number;
}

/** One run's value of a param, with its value of the key metric. */
export interface ParamRow {
  run: RunRecord;
  value: ParamValue;
  /** The run's last value of the key metric, when it has one. */
  metric?: number;
}

/** A param across the recent runs of a scope. */
export interface ParamStats {
  /** Newest first. */
  rows: ParamRow[];
  /** How many different values the param took (JSON-compared). */
  distinct: number;
  /** The key metric's name. */
  metric?: string;
  /** The row with the best key metric value. */
  best?: ParamRow;
}

/** A metric across the recent runs of a scope. */
export interface MetricStats {
  name: string;
  goal: 'min' | 'max';
  /** Runs that logged it, newest first, with their summaries. */
  runs: { run: RunRecord; last: number; best: number; bestStep: number; lastStep: number }[];
}

/** The recent runs of one task (or of the workspace). */
export interface ScopeSummary {
  /** Newest first, at most {@link RunIndexOptions.runs}. */
  runs: RunRecord[];
  /** The key metric of the scope, if its runs have metrics. */
  keyMetric?: string;
}

/** The key metric's last value and its change against the previous run that has it. */
export interface KeyMetricChange {
  name: string;
  value: number;
  /** `value` minus the previous run's value; undefined without a previous run. */
  delta?: number;
}

const ALL = '\0all';

export class RunIndex {
  private readonly byScope = new Map<string, RunRecord[]>([[ALL, []]]);
  private readonly scopes = new Map<string, ScopeSummary>();
  private readonly params = new Map<string, Map<string, ParamStats>>();
  private readonly metrics = new Map<string, Map<string, MetricStats>>();

  /**
   * Groups the runs by task (one pass); a task's aggregates are built on the first question about it,
   * so a change of runs costs a grouping, and a provider pays only for the tasks it shows.
   * @param runs every run, newest first (`RunsModel.all()`).
   */
  constructor(
    runs: readonly RunRecord[],
    readonly options: RunIndexOptions,
  ) {
    const limit = Math.max(1, Math.floor(options.runs));
    const all = this.byScope.get(ALL) ?? [];
    for (const run of runs) {
      let list = this.byScope.get(run.task);
      if (!list) {
        list = [];
        this.byScope.set(run.task, list);
      }
      if (list.length < limit) {
        list.push(run);
      }
      if (all.length < limit) {
        all.push(run);
      }
    }
  }

  /** The aggregates of a scope, built on first use. */
  private ensure(scope: string): void {
    if (!this.scopes.has(scope)) {
      this.index(scope, this.byScope.get(scope) ?? []);
    }
  }

  private index(scope: string, runs: RunRecord[]): void {
    const keyMetric = this.options.keyMetric ?? chooseKeyMetric(runs);
    this.scopes.set(scope, { runs, keyMetric });
    const params = new Map<string, ParamStats>();
    const metrics = new Map<string, MetricStats>();
    for (const run of runs) {
      const metric = keyMetric === undefined ? undefined : run.metrics[keyMetric]?.last;
      for (const [name, value] of Object.entries(run.params)) {
        let stats = params.get(name);
        if (!stats) {
          stats = { rows: [], distinct: 0, metric: keyMetric };
          params.set(name, stats);
        }
        stats.rows.push({ run, value, ...(metric === undefined ? {} : { metric }) });
      }
      for (const [name, summary] of Object.entries(run.metrics)) {
        let stats = metrics.get(name);
        if (!stats) {
          stats = { name, goal: metricGoal(name), runs: [] };
          metrics.set(name, stats);
        }
        stats.runs.push({
          run,
          last: summary.last,
          best: stats.goal === 'min' ? summary.min : summary.max,
          bestStep: summary.bestStep,
          lastStep: summary.lastStep,
        });
      }
    }
    const goal = keyMetric === undefined ? 'max' : metricGoal(keyMetric);
    for (const stats of params.values()) {
      stats.distinct = new Set(stats.rows.map((r) => JSON.stringify(r.value))).size;
      for (const row of stats.rows) {
        if (row.metric === undefined || !Number.isFinite(row.metric)) {
          continue;
        }
        const best = stats.best?.metric;
        if (best === undefined || (goal === 'min' ? row.metric < best : row.metric > best)) {
          stats.best = row;
        }
      }
    }
    this.params.set(scope, params);
    this.metrics.set(scope, metrics);
  }

  /** The recent runs of `task` (undefined: of the workspace). */
  scope(task?: string): ScopeSummary {
    this.ensure(task ?? ALL);
    return this.scopes.get(task ?? ALL) ?? { runs: [] };
  }

  /** A param across the recent runs of `task` (undefined: of the workspace). */
  param(name: string, task?: string): ParamStats | undefined {
    this.ensure(task ?? ALL);
    return this.params.get(task ?? ALL)?.get(name);
  }

  /** A metric across the recent runs of `task` (undefined: of the workspace). */
  metric(name: string, task?: string): MetricStats | undefined {
    this.ensure(task ?? ALL);
    return this.metrics.get(task ?? ALL)?.get(name);
  }

  /** The names of the params the runs of `task` recorded. */
  paramNames(task?: string): string[] {
    this.ensure(task ?? ALL);
    return [...(this.params.get(task ?? ALL)?.keys() ?? [])];
  }

  /**
   * The key metric of the newest run of `task` that has it, and its change against the run before
   * that has it (finished runs only for the previous one).
   */
  keyMetricChange(task?: string): KeyMetricChange | undefined {
    const { runs, keyMetric } = this.scope(task);
    if (keyMetric === undefined) {
      return undefined;
    }
    const withMetric = runs.filter((r) => r.metrics[keyMetric] !== undefined);
    const [latest, ...older] = withMetric;
    if (!latest) {
      return undefined;
    }
    const previous = older.find((r) => isFinalStatus(r.status));
    const value = latest.metrics[keyMetric].last;
    return {
      name: keyMetric,
      value,
      ...(previous ? { delta: value - previous.metrics[keyMetric].last } : {}),
    };
  }
}

/** The key metric of a set of runs: the first key metric of the newest run that has metrics. */
function chooseKeyMetric(runs: readonly RunRecord[]): string | undefined {
  for (const run of runs) {
    const [name] = keyMetricNames(Object.keys(run.metrics), 1);
    if (name !== undefined) {
      return name;
    }
  }
  return undefined;
}
