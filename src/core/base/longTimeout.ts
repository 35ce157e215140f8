/**
 * Timers of any length. Node's `setTimeout` holds a signed 32-bit delay: anything from 2^31 ms
 * (about 24.8 days) up fires after 1 ms instead, with a warning. {@link setLongTimeout} waits in steps
 * of at most {@link MAX_TIMER_STEP_MS}, re-arming until the deadline.
 */
import type { Disposable } from './disposable';

/** The longest delay (ms) Node's `setTimeout` honours: 2^31 − 1. */
export const MAX_TIMER_STEP_MS = 2 ** 31 - 1;

/**
 * Calls `callback` once, `ms` milliseconds from now (measured on the monotonic clock, so a change of
 * the wall clock does not move it).
 * @param ms the delay in ms; any finite length (a non-finite or negative one is refused).
 * @param stepMs the longest single timer (tests shorten it); default {@link MAX_TIMER_STEP_MS}.
 * @returns a disposable that cancels the timer.
 * @throws RangeError when `ms` is not a finite number ≥ 0 (a bug of the caller: config values are
 *   checked when loaded).
 */
export function setLongTimeout(callback: () => void, ms: number, stepMs = MAX_TIMER_STEP_MS): Disposable {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`timer delay must be a finite number of ms >= 0, got ${ms}`);
  }
  const step = Math.max(1, Math.min(stepMs, MAX_TIMER_STEP_MS));
  const deadline = performance.now() + ms;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    const remaining = deadline - performance.now();
    if (remaining <= 0) {
      timer = undefined;
      callback();
      return;
    }
    timer = setTimeout(arm, Math.min(Math.ceil(remaining), step));
  };
  timer = setTimeout(arm, Math.min(Math.ceil(ms), step));
  return {
    dispose() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
