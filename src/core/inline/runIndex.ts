/**
 * The in-memory index the editor previews answer from (DESIGN.md, "Editor previews"): per task, its
 * recent runs, the key metric, and per param and per metric the values across those runs. Each is
 * built on the first question about it (a task's recent runs from the source, one param's or one
 * metric's values from those runs) and kept until {@link RunIndex.invalidate} names the task: a new
 * or changed run costs the rebuild of its own task's answers when next asked, not of every task's
 * (`bench/inline.bench.ts`: 1,000 runs, a 2,000-line file, "after a run").
 *
 * A run's value of a metric is its last value (the summary's `last`); "best" is the smallest or the
 * largest of those across runs as `metricGoal` decides (losses and errors smaller, the rest larger).
 */
import { isFinalStatus, type ParamValue, type RunRecord } from '../runs/types';
import { keyMetricNames } from '../runs/keyMetrics';
import { metricGoal } from '../runs/summaries';

/** Where the index takes the recent runs of a scope from (the Runs model, or a list of runs). */
export interface RecentRuns {
  /** The newest `count` runs of `task` (undefined: of the workspace), newest first. */
  recent(task: string | undefined, count: number): readonly RunRecord[];
}

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

/** A scope's recent runs, its key metric, and its param and metric answers (undefined: none). */
interface Scope extends ScopeSummary {
  params: Map<string, ParamStats | undefined>;
  metrics: Map<string, MetricStats | undefined>;
  names?: string[];
}

export class RunIndex {
  private readonly scopes = new Map<string, Scope>();
  private readonly source: RecentRuns;
  private readonly limit: number;

  /**
   * @param runs every run, newest first (`RunsModel.all()`), or where to take a scope's recent runs from.
   */
  constructor(
    runs: readonly RunRecord[] | RecentRuns,
    readonly options: RunIndexOptions,
  ) {
    this.limit = Math.max(1, Math.floor(options.runs));
    this.source = 'recent' in runs ? runs : grouped(runs);
  }

  /**
   * Forgets the answers of the scopes whose runs changed: the tasks named and the workspace's (whose
   * recent runs may be any task's). They are built again on the next question.
   */
  invalidate(tasks: Iterable<string>): void {
    for (const task of tasks) {
      this.scopes.delete(task);
    }
    this.scopes.delete(ALL);
  }

  private scopeOf(task: string | undefined): Scope {
    const key = task ?? ALL;
    let scope = this.scopes.get(key);
    if (!scope) {
      const runs = [...this.source.recent(task, this.limit)];
      const keyMetric = this.options.keyMetric ?? chooseKeyMetric(runs);
      scope = { runs, keyMetric, params: new Map(), metrics: new Map() };
      this.scopes.set(key, scope);
    }
    return scope;
  }

  /** The recent runs of `task` (undefined: of the workspace). */
  scope(task?: string): ScopeSummary {
    const { runs, keyMetric } = this.scopeOf(task);
    return { runs, keyMetric };
  }

  /** A param across the recent runs of `task` (undefined: of the workspace). */
  param(name: string, task?: string): ParamStats | undefined {
    const scope = this.scopeOf(task);
    if (!scope.params.has(name)) {
      scope.params.set(name, paramStats(name, scope));
    }
    return scope.params.get(name);
  }

  /** A metric across the recent runs of `task` (undefined: of the workspace). */
  metric(name: string, task?: string): MetricStats | undefined {
    const scope = this.scopeOf(task);
    if (!scope.metrics.has(name)) {
      scope.metrics.set(name, metricStats(name, scope.runs));
    }
    return scope.metrics.get(name);
  }

  /** The names of the params the runs of `task` recorded. */
  paramNames(task?: string): string[] {
    const scope = this.scopeOf(task);
    scope.names ??= [...new Set(scope.runs.flatMap((run) => Object.keys(run.params)))];
    return [...scope.names];
  }

  /**
   * The key metric of the newest run of `task` that has it, and its change against the run before
   * that has it (finished runs only for the previous one).
   */
  keyMetricChange(task?: string): KeyMetricChange | undefined {
    const { runs, keyMetric } = this.scopeOf(task);
    if (keyMetric === undefined) {
      return undefined;
    }
    const withMetric = runs.filter((r) => Object.hasOwn(r.metrics, keyMetric));
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

/** A list of runs (newest first) as a {@link RecentRuns}: grouped by task once. */
function grouped(runs: readonly RunRecord[]): RecentRuns {
  const byTask = new Map<string, RunRecord[]>();
  for (const run of runs) {
    const list = byTask.get(run.task);
    if (list) {
      list.push(run);
    } else {
      byTask.set(run.task, [run]);
    }
  }
  return {
    recent: (task, count) => (task === undefined ? runs : (byTask.get(task) ?? [])).slice(0, count),
  };
}

/** Param `name` across the runs of `scope` that recorded it, or undefined when none did. */
function paramStats(name: string, { runs, keyMetric }: ScopeSummary): ParamStats | undefined {
  const rows: ParamRow[] = [];
  for (const run of runs) {
    if (!Object.hasOwn(run.params, name)) {
      continue;
    }
    const summary =
      keyMetric !== undefined && Object.hasOwn(run.metrics, keyMetric) ? run.metrics[keyMetric] : undefined;
    const metric = summary?.last;
    rows.push({ run, value: run.params[name], ...(metric === undefined ? {} : { metric }) });
  }
  if (rows.length === 0) {
    return undefined;
  }
  const stats: ParamStats = {
    rows,
    distinct: new Set(rows.map((r) => JSON.stringify(r.value))).size,
    metric: keyMetric,
  };
  const goal = keyMetric === undefined ? 'max' : metricGoal(keyMetric);
  for (const row of rows) {
    if (row.metric === undefined || !Number.isFinite(row.metric)) {
      continue;
    }
    const best = stats.best?.metric;
    if (best === undefined || (goal === 'min' ? row.metric < best : row.metric > best)) {
      stats.best = row;
    }
  }
  return stats;
}

/** Metric `name` across the runs that logged it, or undefined when none did. */
function metricStats(name: string, runs: readonly RunRecord[]): MetricStats | undefined {
  const goal = metricGoal(name);
  const logged: MetricStats['runs'] = [];
  for (const run of runs) {
    if (!Object.hasOwn(run.metrics, name)) {
      continue;
    }
    const summary = run.metrics[name];
    logged.push({
      run,
      last: summary.last,
      best: goal === 'min' ? summary.min : summary.max,
      bestStep: summary.bestStep,
      lastStep: summary.lastStep,
    });
  }
  return logged.length === 0 ? undefined : { name, goal, runs: logged };
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
