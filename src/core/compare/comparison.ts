/**
 * A comparison of runs, as `xlens compare`, `xlens diff` and the compare view present it: params side
 * by side (which differ), metric summaries with deltas against the first run (the baseline), and the data
 * inputs' fingerprints (same, changed, missing against the baseline).
 */
import { ownValue } from '../../shared/dict';
import { rankMetricNames } from '../runs/keyMetrics';
import { bestValue, metricGoal } from '../runs/summaries';
import type { MetricSummary, ParamValue, RunRecord } from '../runs/types';

/** One param across the compared runs. */
export interface ComparedParam {
  name: string;
  /** The value per run, in the runs' order; `undefined` where a run has no such param. */
  values: (ParamValue | undefined)[];
  /** True when the runs do not all have the same value (a missing param counts as a value). */
  differs: boolean;
}

/** One metric's summary in one run, with deltas against the baseline run. */
export interface ComparedSummary {
  last: number;
  min: number;
  max: number;
  /** Best value under the metric's goal (min for loss-like names, max otherwise). */
  best: number;
  /** Step of the best value. */
  bestStep: number;
  /** This run's last value minus the baseline's; `null` for the baseline or when it lacks the metric. */
  deltaLast: number | null;
  /** This run's best value minus the baseline's; `null` likewise. */
  deltaBest: number | null;
}

/** One metric across the compared runs. */
export interface ComparedMetric {
  name: string;
  /** Whether lower or higher values are better (from the name: `metricGoal`). */
  goal: 'min' | 'max';
  /** The summary per run, in the runs' order; `null` where a run has no finite value of it. */
  runs: (ComparedSummary | null)[];
  /**
   * Per run, how many values were non-finite (NaN, ±Infinity) and left out of its summary (`nonFinite`
   * in run.json; 0 when none): with a `null` summary, a run that only logged non-finite values (a
   * diverged training) tells apart from one that never logged the metric.
   */
  nonFinite: number[];
}

/**
 * How a run's data input compares with the baseline's input of the same path: the same content, changed
 * content, or `added` when the baseline has no input there (a run without the input is `null`: missing).
 */
export type InputState = 'same' | 'changed' | 'added';

/** One data input (by path) across the compared runs. */
export interface ComparedInput {
  path: string;
  /** Per run: its fingerprint (sha256, hex), size in bytes and state; `null` when the run lacks it (missing). */
  runs: ({ sha256: string; size: number; state: InputState } | null)[];
  /** True when any run's state is not `same`. */
  differs: boolean;
}

/** What {@link compareRuns} returns. */
export interface RunComparison {
  /** The ids of the compared runs; the first is the baseline of every delta. */
  runIds: string[];
  params: ComparedParam[];
  metrics: ComparedMetric[];
  data: ComparedInput[];
}

/** Options of {@link compareRuns}. */
export interface CompareOptions {
  /** Only these metrics, in this order (default: every metric of any run, key metrics first). */
  metrics?: readonly string[];
  /** Index of the run the deltas and data states are against (default 0, the first run). */
  baseline?: number;
}

/**
 * Compares runs; the baseline (the first run unless `options.baseline`) is what deltas and data states
 * are against.
 * @param runs at least one run (a single run compares with nothing: no deltas).
 * @throws RangeError when `options.baseline` is not an index of `runs`.
 */
export function compareRuns(runs: readonly RunRecord[], options: CompareOptions = {}): RunComparison {
  const baseline = options.baseline ?? 0;
  if (!Number.isInteger(baseline) || baseline < 0 || (runs.length > 0 && baseline >= runs.length)) {
    throw new RangeError(`compareRuns: baseline ${baseline} is not an index of the ${runs.length} runs`);
  }
  const paramNames = new Set<string>();
  const metricNames = new Set<string>();
  for (const run of runs) {
    Object.keys(run.params).forEach((name) => paramNames.add(name));
    Object.keys(run.metrics).forEach((name) => metricNames.add(name));
  }
  const params = [...paramNames].sort().map((name): ComparedParam => {
    const values = runs.map((run) => ownValue(run.params, name));
    return { name, values, differs: values.some((v) => v !== values[0]) };
  });
  const names = options.metrics ?? rankMetricNames(metricNames);
  const metrics = names.map((name): ComparedMetric => {
    const recorded = runs.map((run) => ownValue(run.metrics, name));
    const summaries = recorded.map(usable);
    const base = summaries[baseline];
    return {
      name,
      goal: metricGoal(name),
      runs: summaries.map((summary, i) => {
        if (!summary) {
          return null;
        }
        const best = bestValue(name, summary);
        return {
          last: summary.last,
          min: summary.min,
          max: summary.max,
          best,
          bestStep: summary.bestStep,
          deltaLast: i !== baseline && base ? summary.last - base.last : null,
          deltaBest: i !== baseline && base ? best - bestValue(name, base) : null,
        };
      }),
      nonFinite: recorded.map((summary) => summary?.nonFinite ?? 0),
    };
  });
  return { runIds: runs.map((run) => run.id), params, metrics, data: compareInputs(runs, baseline) };
}

function usable(summary: MetricSummary | undefined): MetricSummary | undefined {
  return summary && summary.count > 0 ? summary : undefined;
}

function compareInputs(runs: readonly RunRecord[], baseline: number): ComparedInput[] {
  const paths = new Set<string>();
  for (const run of runs) {
    run.data.forEach((input) => paths.add(input.path));
  }
  return [...paths].sort().map((path): ComparedInput => {
    const inputs = runs.map((run) => run.data.find((input) => input.path === path));
    const base = inputs[baseline];
    const states = inputs.map((input, i) => {
      if (!input) {
        return null;
      }
      const state: InputState =
        i === baseline ? 'same' : !base ? 'added' : input.sha256 === base.sha256 ? 'same' : 'changed';
      return { sha256: input.sha256, size: input.size, state };
    });
    return {
      path,
      runs: states,
      differs: states.some((s) => s === null || s.state !== 'same'),
    };
  });
}
