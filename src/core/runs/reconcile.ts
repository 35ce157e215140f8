/**
 * Reconciliation: gives orphaned runs (left `queued`/`running` by a supervisor that died without a
 * trace) their final status, from what their run folder shows. Listing never depends on writing: when
 * the run folder cannot be written (read-only workspace, full disk), the final status is returned
 * without being saved.
 */
import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describeWriteFailure } from '../base/fsErrors';
import { isSameProcess } from '../base/process';
import { RUN_FILES, type RunStore } from './store';
import { isFinalStatus, type RunRecord } from './types';

/** The message recorded on runs found `running` after their supervisor and child are gone. */
export const ORPHANED_RUN_ERROR = 'the process supervising the run exited before it finished';

/** Options of {@link reconcileRuns}. */
export interface ReconcileOptions {
  /**
   * Told, with a message naming the run, the file and the reason, when a finalised run could not be
   * saved (it is returned all the same, and finalised again by a later listing).
   */
  warn?: (message: string) => void;
}

/**
 * Gives a final status to the runs of `store` left `queued`/`running` by a supervisor that died: when
 * neither the supervisor nor the child process is alive (on this host; a pid now held by another
 * process, told apart by its recorded start time, counts as dead), the run becomes `failed` with
 * {@link ORPHANED_RUN_ERROR}, summaries recomputed, and as its end (`endedAtInferred`) the last sign
 * of life in its folder: the newest mtime of its `heartbeat` (touched every second while supervised),
 * `output.log`, metrics files and `run.json`.
 * Runs from other hosts are left alone.
 * @returns the runs it finalised, also those it could not save (see {@link ReconcileOptions.warn}).
 */
export async function reconcileRuns(store: RunStore, options: ReconcileOptions = {}): Promise<RunRecord[]> {
  const fixed: RunRecord[] = [];
  const here = hostname();
  for (const id of await store.ids()) {
    let record = await store.get(id);
    if (!record || isFinalStatus(record.status) || (record.host !== undefined && record.host !== here)) {
      continue;
    }
    if (
      isSameProcess(record.supervisorPid, record.supervisorStart) ||
      isSameProcess(record.pid, record.pidStart)
    ) {
      continue;
    }
    // The supervisor writes the final status and then exits: if it did so after the read above, the
    // copy in hand is stale. Both processes are gone now, so the record on disk can no longer change
    // under us: read it again and finalise only what is still unfinished.
    record = await store.get(id);
    if (!record || isFinalStatus(record.status)) {
      continue;
    }
    const start = Date.parse(record.startedAt ?? record.createdAt);
    const endedAt = Math.max(start, Math.round(await lastWrite(store.runDir(id))));
    const { pid: _pid, pidStart: _pidStart, ...rest } = record;
    const finalRecord: RunRecord = {
      ...rest,
      status: 'failed',
      error: ORPHANED_RUN_ERROR,
      endedAt: new Date(endedAt).toISOString(),
      endedAtInferred: true,
      durationMs: endedAt - start,
      metrics: { ...record.metrics, ...(await store.summarize(id)) },
    };
    try {
      await store.write(finalRecord);
    } catch (error) {
      options.warn?.(
        `run ${id} is ${finalRecord.status} (its supervising process is gone), but that could not be saved: ` +
          `${describeWriteFailure(error, 'writing', store.file(id, 'record'))}; it is shown as such until it can be`,
      );
    }
    fixed.push(finalRecord);
  }
  return fixed;
}

/** The newest mtime (Unix ms) of the run folder's files, or now when none exists. */
async function lastWrite(dir: string): Promise<number> {
  let newest = 0;
  for (const name of Object.values(RUN_FILES)) {
    const info = await stat(join(dir, name)).catch(() => undefined);
    if (info) {
      newest = Math.max(newest, info.mtimeMs);
    }
  }
  return newest || Date.now();
}
