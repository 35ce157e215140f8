/**
 * Which points of a source's read are new to the run, when the source may re-send what it sent before:
 * a file that was rewritten (Lightning rewrites `metrics.csv` with a wider header) is read again from
 * its start, and the points the run already took must not be taken twice.
 */
import type { SeriesRun } from '../metrics/series';

/** A point of a run's series, named as the run records it (with the source's prefix). */
export interface NamedPoint {
  name: string;
  step: number;
  time: number | undefined;
  value: number;
}

/**
 * The points of `run` to take, and whether the source has caught up with what was taken before.
 *
 * While a source re-sends (`resending`), a point at or below the highest step already taken for its
 * series (`highWater`) is skipped. A rewrite may arrive over several reads (a large file is read in
 * chunks, or the writer is caught halfway): re-sending lasts until a read brings a point beyond the high
 * water of its series, so the rest of a rewrite that comes in a later read is skipped too.
 * @param prefix put before each series name (see `MetricSourcesTail.prefixOf`).
 * @param highWater series name → highest step taken so far (not modified).
 * @returns the points in the run's series order, and `caughtUp`: false while the source is still
 *   re-sending what was taken (the caller keeps `resending` for the next read).
 */
export function newPoints(
  run: SeriesRun,
  prefix: string,
  highWater: ReadonlyMap<string, number>,
  resending: boolean,
): { points: NamedPoint[]; caughtUp: boolean } {
  const points: NamedPoint[] = [];
  let caughtUp = !resending;
  for (const [tag, series] of run.metrics) {
    const name = prefix + tag;
    const taken = highWater.get(name) ?? -1;
    for (const point of series) {
      if (resending && point.step <= taken) {
        continue;
      }
      caughtUp = true;
      points.push({ name, step: point.step, time: point.time, value: point.value });
    }
  }
  return { points, caughtUp };
}
