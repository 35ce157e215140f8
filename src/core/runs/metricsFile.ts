/**
 * The run's checked metrics file (`metrics.jsonl`) as the runner writes it, and what of the task's own
 * metrics file (`XLENS_METRICS_FILE`, `metrics.raw.jsonl`) has not reached it yet: used by the runner
 * while it supervises the run, and by `reconcileRuns` for what the task wrote after its supervisor died.
 */
import type { MetricLine } from '../metrics/jsonl';

/**
 * One line of `metrics.jsonl` (with its newline): `{"step", "time", "values"}`, non-finite values
 * written as `null` so the file stays strict JSON and still shows where a metric blew up.
 * @param time Unix ms.
 * @param nonFinite names of metrics whose value at this step was not finite (absent from `values`).
 */
export function metricsFileLine(
  step: number,
  time: number,
  values: Record<string, number>,
  nonFinite: readonly string[] = [],
): string {
  const written =
    nonFinite.length === 0 ? values : { ...values, ...Object.fromEntries(nonFinite.map((n) => [n, null])) };
  return `${JSON.stringify({ step, time, values: written })}\n`;
}

/**
 * The lines of the task's metrics file that `metrics.jsonl` does not hold yet. The runner takes the
 * task's lines in order, so what it took is a prefix; a line counts as taken when `metrics.jsonl` holds
 * a line with the same step, values and non-finite names (its time may differ: the runner stamps lines
 * without one), each recorded line standing for one task line.
 * @param raw the accepted lines of the task's metrics file, read from its start, in order.
 * @param recorded the lines of `metrics.jsonl` (points from `stdout:` patterns and other sources too).
 * @returns the lines not yet recorded, and the number (1-based) of the last task line found recorded
 *   (0 when none), after which the file's bad lines were not reported yet.
 */
export function unrecordedLines(
  raw: readonly MetricLine[],
  recorded: readonly MetricLine[],
): { lines: MetricLine[]; lastRecorded: number } {
  const counts = new Map<string, number>();
  for (const line of recorded) {
    const key = pointKey(line);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const lines: MetricLine[] = [];
  let lastRecorded = 0;
  for (const line of raw) {
    const key = pointKey(line);
    const left = counts.get(key) ?? 0;
    if (left > 0) {
      counts.set(key, left - 1);
      lastRecorded = line.line;
    } else {
      lines.push(line);
    }
  }
  return { lines, lastRecorded };
}

/** Step, values and non-finite names of a line, independent of key order and of its time. */
function pointKey(line: MetricLine): string {
  const values = Object.entries(line.values).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const nonFinite = Object.keys(line.nonFinite ?? {}).sort();
  return JSON.stringify([line.step, values, nonFinite]);
}
