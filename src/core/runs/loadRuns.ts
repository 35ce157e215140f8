/**
 * Reads every run of the store for the Runs view through the runs index (`runsIndex.ts`: one compact
 * cache file plus a `stat` per run, `run.json` read only for new or changed runs, each run's detail
 * fields read when first used), and `reconcileRuns()`
 * (which reads every run again, one at a time) only when a run is left queued or running by a process
 * that is gone. No `vscode`: measured by `bench/runsView.bench.ts`.
 */
import { hostname } from 'node:os';
import { isAlive } from '../base/process';
import { heldByQueue } from '../queue/queueFiles';
import { reconcileRuns } from './reconcile';
import { listIndexedRuns, type RunsIndexStats } from './runsIndex';
import type { RunProblem, RunStore } from './store';
import { isFinalStatus, type RunRecord } from './types';

/** The outcome of {@link loadRuns}. */
export interface LoadedRuns {
  /** Readable runs, newest first (by id). */
  runs: RunRecord[];
  /** Run folders whose `run.json` is missing or damaged, with the store's message naming the file. */
  problems: RunProblem[];
  /** Runs whose process had died while they were active, now recorded `failed` by the store. */
  reconciled: RunRecord[];
  /** What the listing did with the runs index. */
  index: RunsIndexStats;
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

/** Reads all runs of `store`. */
export async function loadRuns(store: RunStore): Promise<LoadedRuns> {
  const { runs: listed, problems, stats } = await listIndexedRuns(store);
  let runs = listed;
  const host = hostname();
  let reconciled: RunRecord[] = [];
  if (runs.some((r) => isOrphaned(r, host, store.root))) {
    reconciled = await reconcileRuns(store);
    const fixed = new Map(reconciled.map((r) => [r.id, r]));
    runs = runs.map((r) => fixed.get(r.id) ?? r);
  }
  return { runs, problems, reconciled, index: stats };
}
