/**
 * Space set aside in the run folder while a run goes on (`space.reserve`), given back just before the
 * final record is written: on a disk that filled up during the run (the task's output, another
 * program), the final `run.json` then still finds room, so the run ends with a status saying what
 * happened rather than staying `running`.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';

/**
 * Bytes set aside: several times a large `run.json` (an atomic write holds the old and the new one at
 * once). Random, so a compressing file system really allocates them.
 */
export const RESERVE_BYTES = 256 * 1024;

/** The reserve file of one run. */
export class SpaceReserve {
  /** @param file the reserve's path (`<runDir>/space.reserve`). */
  constructor(private readonly file: string) {}

  /**
   * Writes the reserve.
   * @returns false when the disk refuses (already full, read-only): the run goes on without one.
   */
  async take(): Promise<boolean> {
    try {
      await writeFile(this.file, randomBytes(RESERVE_BYTES));
      return true;
    } catch {
      await this.release();
      return false;
    }
  }

  /** Removes the reserve (nothing when absent); never rejects. */
  async release(): Promise<void> {
    await rm(this.file, { force: true }).catch(() => undefined);
  }

  /** Synchronous {@link release}, for exit handlers; never throws. */
  releaseSync(): void {
    try {
      rmSync(this.file, { force: true });
    } catch {
      // Nothing more can be done while exiting.
    }
  }
}
