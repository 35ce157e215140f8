/**
 * A throttle for updates that come in bursts (a followed run's metrics, new runs): the action runs at
 * most once per interval, after the first request of a burst, and at once when asked to.
 */

/** Runs an action at most once per interval (ms) for {@link schedule}, or at once for {@link now}. */
export class Throttle {
  private pending: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  /**
   * @param intervalMs how long after the first request of a burst the action runs, in ms.
   * @param action what runs; it is not run after {@link dispose}.
   */
  constructor(
    private readonly intervalMs: number,
    private readonly action: () => void,
  ) {}

  /** Runs the action `intervalMs` from now, unless a run is already pending (then that one serves). */
  schedule(): void {
    if (this.pending !== undefined || this.disposed) {
      return;
    }
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.action();
    }, this.intervalMs);
  }

  /** Runs the action now, and drops a pending run (what it would have shown, this run shows). */
  now(): void {
    if (this.disposed) {
      return;
    }
    clearTimeout(this.pending);
    this.pending = undefined;
    this.action();
  }

  /** Drops a pending run; later requests do nothing. */
  dispose(): void {
    this.disposed = true;
    clearTimeout(this.pending);
    this.pending = undefined;
  }
}
