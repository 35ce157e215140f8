/**
 * Reads every run of the store for the Runs view: each `run.json` once, a bounded number at a time,
 * and `reconcileRuns()` (which reads every run again, one at a time) only when a run is left
 * queued or running by a process that is gone. No `vscode`: measured by `bench/runsView.bench.ts`.
 */
import { hostname } from 'node:os';
import { isAlive } from '../base/process';
import { heldByQueue } from '../queue/queueFiles';
import { reconcileRuns } from './reconcile';
import type { RunProblem, RunStore } from './store';
import { isFinalStatus, type RunRecord } from './types';

/** Files read at once: enough to keep libuv's 4 file threads busy, few enough not to exhaust handles. */
export const READ_CONCURRENCY = 16;

/** The outcome of {@link loadRuns}. */
export interface LoadedRuns {
  /** Readable runs, newest first (by id). */
  runs: RunRecord[];
  /** Run folders whose `run.json` is missing or damaged, with the store's message naming the file. */
  problems: RunProblem[];
  /** Runs whose process had died while they were active, now recorded `failed` by the store. */
  reconciled: RunRecord[];
}

/**
 * True when `run` is active on this machine but neither its supervisor nor its process lives, and the
 * local queue does not hold it.
 */
function isOrphaned(run: RunRecord, host: string, root: string): boolean {
  return (
    !isFinalStatus(run.status) &&
    (run.host === undefined || run.host === host) &&
    !isAlive(run.supervisorPid) &&
    !isAlive(run.pid) &&
    !heldByQueue(root, run)
  );
}

/**
 * Reads all runs of `store`.
 * @param concurrency most `run.json` files read at the same time.
 */
export async function loadRuns(store: RunStore, concurrency = READ_CONCURRENCY): Promise<LoadedRuns> {
  const ids = (await store.ids()).reverse();
  const runsRead: (RunRecord | undefined)[] = new Array<RunRecord | undefined>(ids.length);
  const problems: RunProblem[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const i = next++;
      const id = ids[i];
      try {
        runsRead[i] = await store.read(id);
      } catch (error) {
        problems.push({ id, dir: store.runDir(id), message: (error as Error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker));
  let runs = runsRead.filter((r): r is RunRecord => r !== undefined);
  const host = hostname();
  let reconciled: RunRecord[] = [];
  if (runs.some((r) => isOrphaned(r, host, store.root))) {
    reconciled = await reconcileRuns(store);
    const fixed = new Map(reconciled.map((r) => [r.id, r]));
    runs = runs.map((r) => fixed.get(r.id) ?? r);
  }
  return { runs, problems, reconciled };
}
