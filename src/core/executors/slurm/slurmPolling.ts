/**
 * The poll interval of a Slurm job's state (`squeue --json`). Slurm's documentation asks users not to
 * poll the controller in tight loops, and a job may wait hours in a long queue, so the interval starts
 * at `baseMs` (default 1 s: a state change shows within about 2 s) and, once the job has kept the same
 * state for a minute, grows by half at every poll up to {@link MAX_POLL_MS}. It starts over at every
 * change of state. The run folder is watched in between (every 250 ms): the job's start marker and its
 * exit status make the supervisor poll at once, so starting and ending show quickly even after backing off.
 */

/** The longest interval between two polls of the same job, ms. */
export const MAX_POLL_MS = 15_000;
/** How long a state is kept before polling backs off, ms. */
const BACKOFF_AFTER_MS = 60_000;

/** Intervals between polls of one job. */
export class SlurmPolling {
  private state = '';
  private since = Date.now();
  private interval: number;

  constructor(private readonly baseMs = 1000) {
    this.interval = baseMs;
  }

  /** The wait before the next poll, given the state just read. */
  next(state: string): number {
    const now = Date.now();
    if (state !== this.state) {
      this.state = state;
      this.since = now;
      this.interval = this.baseMs;
    } else if (now - this.since >= BACKOFF_AFTER_MS) {
      this.interval = Math.min(MAX_POLL_MS, Math.round(this.interval * 1.5));
    }
    return this.interval;
  }
}
