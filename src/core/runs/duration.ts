/** How long a run took, or has taken so far: the one rule behind the CLI's lists and the editor's labels. */
import type { RunRecord } from './types';

/**
 * The run's duration in ms: `durationMs` once recorded; else from `startedAt` (for a running run without
 * one, `createdAt`) to `endedAt`, or to `now` while it runs. `undefined` when the run has not started.
 * @param now Unix ms of the present.
 */
export function runDurationMs(run: RunRecord, now: number): number | undefined {
  if (run.durationMs !== undefined) {
    return run.durationMs;
  }
  const start = run.startedAt ?? (run.status === 'running' ? run.createdAt : undefined);
  if (start === undefined) {
    return undefined;
  }
  const end = run.endedAt !== undefined ? Date.parse(run.endedAt) : now;
  return Math.max(0, end - Date.parse(start));
}
