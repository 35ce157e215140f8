/**
 * One {@link RunFollower} per run folder for the whole process: every view of a run (dashboard, task
 * terminal, Runs view, status bar) leases the same follower, so they read each file once and agree on
 * what the run has reached. A follower starts with its first lease and stops with its last.
 */
import { join } from 'node:path';
import type { Disposable } from '../base/disposable';
import { isRunId } from './ids';
import { RunFollower, type RunFollowerOptions } from './runFollower';

/** A subscriber's hold on a shared follower; disposing it releases the hold (once). */
export interface RunFollowerLease extends Disposable {
  readonly follower: RunFollower;
  /** Resolves after the follower's first read of the run folder. */
  readonly ready: Promise<void>;
}

interface Entry {
  follower: RunFollower;
  leases: number;
}

/** The shared followers of the runs under one runs folder (`<workspace>/.xlens/runs`). */
export class RunFollowers implements Disposable {
  private readonly entries = new Map<string, Entry>();
  private disposed = false;

  /**
   * @param runsDir absolute path of the store's runs folder.
   * @param options tuning passed to every follower (tests shorten the poll).
   */
  constructor(
    readonly runsDir: string,
    private readonly options: RunFollowerOptions = {},
  ) {}

  /**
   * Leases the follower of run `runId`, starting it when it is the first lease.
   * @throws Error when `runId` is not a run id (it would become a path), or after dispose.
   */
  follow(runId: string): RunFollowerLease {
    if (!isRunId(runId)) {
      throw new Error(`"${runId}" is not a run id`);
    }
    if (this.disposed) {
      throw new Error('the run followers were disposed');
    }
    let entry = this.entries.get(runId);
    if (entry === undefined) {
      entry = { follower: new RunFollower(join(this.runsDir, runId), this.options), leases: 0 };
      this.entries.set(runId, entry);
    }
    entry.leases++;
    const held = entry;
    let released = false;
    return {
      follower: held.follower,
      ready: held.follower.start(),
      dispose: () => {
        if (released) {
          return;
        }
        released = true;
        held.leases--;
        if (held.leases === 0 && this.entries.get(runId) === held) {
          this.entries.delete(runId);
          held.follower.dispose();
        }
      },
    };
  }

  /** The follower of `runId` while someone leases it. */
  peek(runId: string): RunFollower | undefined {
    return this.entries.get(runId)?.follower;
  }

  /** Stops every follower; leases released later are no-ops. */
  dispose(): void {
    this.disposed = true;
    for (const { follower } of this.entries.values()) {
      follower.dispose();
    }
    this.entries.clear();
  }
}
