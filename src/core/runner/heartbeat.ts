/** The heartbeat of a supervised run: the mtime of `<runDir>/heartbeat`, touched while it is supervised. */
import { utimes, writeFile } from 'node:fs/promises';

/**
 * Touches `file` now and every `intervalMs` (ms) while the run is supervised: when the supervisor dies
 * without a trace, its mtime is the last moment the run was known to be alive (see `reconcileRuns`).
 * Failed touches (full disk, folder removed) are ignored.
 * @returns the timer (unref'd); `clearInterval` it when supervision ends.
 */
export function startHeartbeat(file: string, intervalMs: number): NodeJS.Timeout {
  const beat = (): void => {
    const now = new Date();
    void utimes(file, now, now).catch(() => writeFile(file, '').catch(() => undefined));
  };
  beat();
  const timer = setInterval(beat, intervalMs);
  timer.unref();
  return timer;
}
