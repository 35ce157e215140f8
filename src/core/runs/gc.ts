/**
 * `xlens gc`: which runs to delete to free space. A run is deleted when it is beyond the `keep` newest
 * and older than `olderThanMs` (each rule applies when given; at least one must be). Never deleted:
 * runs still queued or running, starred runs (`annotations.json`), and runs whose annotations cannot
 * be read (kept to be safe, with the reason).
 */
import { UserInputError } from '../base/errors';
import { deleteRecordRef } from '../git/recordRefs';
import { pathSize } from '../runner/artifacts';
import { readAnnotations } from './annotations';
import type { RunStore } from './store';
import { isFinalStatus, type RunRecord } from './types';

/** What to delete. */
export interface GcOptions {
  /** Keep the newest N runs (all tasks together). */
  keep?: number;
  /** Delete only runs created more than this many ms before `now`. */
  olderThanMs?: number;
  /** Unix ms; default `Date.now()`. */
  now?: number;
}

/** The outcome of {@link planGc}. */
export interface GcPlan {
  /** Runs to delete, newest first, with the bytes of their folders. */
  remove: { run: RunRecord; bytes: number }[];
  /** Runs the rules selected but that are kept, with why (running, starred, unreadable annotations). */
  spared: { run: RunRecord; reason: string }[];
  /** Total bytes of the folders to delete. */
  bytes: number;
}

/**
 * Plans a collection (nothing is deleted).
 * @throws UserInputError when neither `keep` nor `olderThanMs` is given.
 */
export async function planGc(store: RunStore, options: GcOptions): Promise<GcPlan> {
  if (options.keep === undefined && options.olderThanMs === undefined) {
    throw new UserInputError('xlens gc: say which runs to delete: --keep N, --older-than 30d, or both.');
  }
  const now = options.now ?? Date.now();
  const { runs } = await store.list();
  const plan: GcPlan = { remove: [], spared: [], bytes: 0 };
  for (const [index, run] of runs.entries()) {
    if (options.keep !== undefined && index < options.keep) {
      continue;
    }
    if (options.olderThanMs !== undefined && now - Date.parse(run.createdAt) <= options.olderThanMs) {
      continue;
    }
    if (!isFinalStatus(run.status)) {
      plan.spared.push({ run, reason: run.status });
      continue;
    }
    let starred: boolean;
    try {
      starred = (await readAnnotations(store.runDir(run.id))).starred === true;
    } catch (error) {
      plan.spared.push({ run, reason: `annotations unreadable: ${(error as Error).message}` });
      continue;
    }
    if (starred) {
      plan.spared.push({ run, reason: 'starred' });
      continue;
    }
    const bytes = await pathSize(store.runDir(run.id), store.runDir(run.id)).catch(() => 0);
    plan.remove.push({ run, bytes });
    plan.bytes += bytes;
  }
  return plan;
}

/** Deletes the planned runs: folders, snapshot refs and record refs (no hooks run). */
export async function executeGc(store: RunStore, plan: GcPlan): Promise<void> {
  for (const { run } of plan.remove) {
    await store.delete(run.id);
    await deleteRecordRef(store.root, run.id);
  }
}
