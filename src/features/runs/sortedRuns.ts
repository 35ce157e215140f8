/**
 * The Runs model's runs sorted newest first and grouped by commit and by task, built once and then
 * patched as runs change: a running run's new record (new metrics, a new status) replaces the old one
 * in place, a new run is inserted where it sorts, a deleted one is taken out. A patch costs a binary
 * search and an array splice per list instead of a sort of every run, and each run's lineage (a pass
 * over every run's params) is computed only when a Runs view row asks for one
 * (`bench/inline.bench.ts`, "after a run"; `bench/runsView.bench.ts`).
 *
 * Pure (no `vscode`); `runsModel.ts` owns one and drops it when a patch does not apply (a run that
 * moved to another time, task or commit, or a new HEAD).
 */
import { lineages, type RunLineage } from '../../core/runs/runLineage';
import type { RunRecord } from '../../core/runs/types';

/** The runs made from one commit (or, with `sha: null`, outside git / before the first commit). */
export interface CommitGroup {
  kind: 'commit';
  /** Full SHA of the commit; `null` for runs without one. */
  sha: string | null;
}

/** Runs sorted and grouped; the tree asks for them once per row. */
export interface SortedRuns {
  /** Every run, newest first. */
  all: RunRecord[];
  groups: CommitGroup[];
  /** The runs of each commit, newest first. */
  byCommit: Map<string | null, RunRecord[]>;
  position: Map<string | null, number>;
  /** Each run's place among its task's runs, computed for the rows that ask. */
  lineage: (run: RunRecord) => RunLineage;
  /** The runs of each task, newest first (the editor previews ask per task, per lens and hint). */
  byTask: Map<string, RunRecord[]>;
}

/** Order of runs: newest first by creation time, then by id (ids sort by time). */
export function newestFirst(a: RunRecord, b: RunRecord): number {
  return compareText(b.createdAt, a.createdAt) || compareText(b.id, a.id);
}

/**
 * Code unit order: `createdAt` and ids are ASCII in a fixed layout (ISO 8601 UTC; the id's timestamp
 * and hex), so it is their order; `localeCompare` is several times slower over thousands of runs.
 */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts and groups `runs`; `head` is the workspace's HEAD commit (its group comes first). */
export function buildSortedRuns(runs: Iterable<RunRecord>, head: string | null): SortedRuns {
  const all = [...runs].sort(newestFirst);
  // Map insertion order is the order of each group's newest run, newest first.
  const byCommit = new Map<string | null, RunRecord[]>();
  const byTask = new Map<string, RunRecord[]>();
  for (const run of all) {
    const runs = byCommit.get(run.git.commit);
    if (runs) {
      runs.push(run);
    } else {
      byCommit.set(run.git.commit, [run]);
    }
    const ofTask = byTask.get(run.task);
    if (ofTask) {
      ofTask.push(run);
    } else {
      byTask.set(run.task, [run]);
    }
  }
  const index: SortedRuns = {
    all,
    groups: [],
    byCommit,
    position: new Map(),
    lineage: lazyLineages(all),
    byTask,
  };
  rankGroups(index, [...byCommit.keys()], head);
  return index;
}

/**
 * Puts `run` (new, or replacing `previous`) into `index` in place.
 * @returns false when the patch does not apply (the run changed its time, task or commit): build anew.
 */
export function patchSortedRuns(
  index: SortedRuns,
  previous: RunRecord | undefined,
  run: RunRecord,
  head: string | null,
): boolean {
  if (previous !== undefined) {
    if (
      previous.createdAt !== run.createdAt ||
      previous.task !== run.task ||
      previous.git.commit !== run.git.commit
    ) {
      return false;
    }
    // Same place in every list: replace the record where it is.
    const replaced =
      replace(index.all, previous, run) &&
      replace(index.byCommit.get(run.git.commit), previous, run) &&
      replace(index.byTask.get(run.task), previous, run);
    index.lineage = lazyLineages(index.all);
    return replaced;
  }
  insert(index.all, run);
  insertInto(index.byTask, run.task, run);
  const group = index.byCommit.get(run.git.commit);
  const regroup = group === undefined || newestFirst(run, group[0]) < 0;
  insertInto(index.byCommit, run.git.commit, run);
  if (regroup) {
    // The run is its group's newest: the group may move up.
    reorderGroups(index, head);
  }
  index.lineage = lazyLineages(index.all);
  return true;
}

/**
 * Takes `run` out of `index` in place.
 * @returns false when it was not there: build anew.
 */
export function removeFromSortedRuns(index: SortedRuns, run: RunRecord, head: string | null): boolean {
  const group = index.byCommit.get(run.git.commit);
  const wasNewest = group?.[0] === run;
  const removed =
    remove(index.all, run) &&
    removeFrom(index.byCommit, run.git.commit, run) &&
    removeFrom(index.byTask, run.task, run);
  if (wasNewest) {
    reorderGroups(index, head);
  }
  index.lineage = lazyLineages(index.all);
  return removed;
}

/** The lineages of `all`, computed on the first question (only Runs view rows ask). */
function lazyLineages(all: readonly RunRecord[]): (run: RunRecord) => RunLineage {
  let of: ((run: RunRecord) => RunLineage) | undefined;
  return (run) => (of ??= lineages(all))(run);
}

/** Orders the groups as {@link buildSortedRuns} does: by their newest run, then HEAD first, no commit last. */
function reorderGroups(index: SortedRuns, head: string | null): void {
  const shas = [...index.byCommit.keys()].sort((a, b) =>
    newestFirst(index.byCommit.get(a)![0], index.byCommit.get(b)![0]),
  );
  rankGroups(index, shas, head);
}

/** Sets the groups from `shas` (newest run first): a stable sort on the rank keeps that order within each rank. */
function rankGroups(index: SortedRuns, shas: (string | null)[], head: string | null): void {
  const rank = (sha: string | null): number => (sha === null ? 2 : sha === head ? 0 : 1);
  index.groups = shas.sort((a, b) => rank(a) - rank(b)).map((sha): CommitGroup => ({ kind: 'commit', sha }));
  index.position = new Map(index.groups.map((g, i) => [g.sha, i] as const));
}

function replace(list: RunRecord[] | undefined, previous: RunRecord, run: RunRecord): boolean {
  const at = list === undefined ? -1 : list.indexOf(previous);
  if (at < 0) {
    return false;
  }
  list![at] = run;
  return true;
}

/** Inserts `run` where it sorts in `list` (newest first): a binary search. */
function insert(list: RunRecord[], run: RunRecord): void {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (newestFirst(list[mid], run) < 0) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  list.splice(low, 0, run);
}

function insertInto<K>(lists: Map<K, RunRecord[]>, key: K, run: RunRecord): void {
  const list = lists.get(key);
  if (list) {
    insert(list, run);
  } else {
    lists.set(key, [run]);
  }
}

function remove(list: RunRecord[] | undefined, run: RunRecord): boolean {
  const at = list === undefined ? -1 : list.indexOf(run);
  if (at >= 0) {
    list!.splice(at, 1);
  }
  return at >= 0;
}

function removeFrom<K>(lists: Map<K, RunRecord[]>, key: K, run: RunRecord): boolean {
  const list = lists.get(key);
  const removed = remove(list, run);
  if (list !== undefined && list.length === 0) {
    lists.delete(key);
  }
  return removed;
}
