/**
 * The hierarchy of nested MLflow runs among imported runs: a run whose `mlflow.parentRunId` tag
 * (MLflow's `mlflow/utils/mlflow_tags.py`, set by `mlflow.start_run(nested=True)`) names another run of
 * the same source is that run's child. Used by `xlens runs` and the Runs view, so both nest alike.
 * A parent that is not among the runs (deleted, another store) leaves its child at the top; a cycle of
 * parent tags (only a hand-edited store has one) is cut where it closes.
 */
import type { ImportedRun } from '../discovery/importedRun';
import { PARENT_RUN_TAG } from './common';

/** Parents and children of a list of imported runs. */
export interface ImportedRunNesting {
  /** The run's parent among the runs, if any. */
  parent(run: ImportedRun): ImportedRun | undefined;
  /** The run's children, in the order of the list. */
  children(run: ImportedRun): ImportedRun[];
  /** Runs without a parent among the runs, in the order of the list. */
  roots(): ImportedRun[];
  /** Every run, each followed by its descendants (depth 0 for a root). */
  ordered(): { run: ImportedRun; depth: number }[];
}

/** Works out the nesting of `runs` (see the module comment). */
export function nestImportedRuns(runs: readonly ImportedRun[]): ImportedRunNesting {
  const byId = new Map<string, ImportedRun>();
  for (const run of runs) {
    byId.set(`${run.source}\u0000${run.id}`, run);
  }
  const parents = new Map<string, ImportedRun>();
  for (const run of runs) {
    const parentId = run.tags[PARENT_RUN_TAG];
    const parent = parentId ? byId.get(`${run.source}\u0000${parentId}`) : undefined;
    if (parent && parent !== run) {
      parents.set(run.key, parent);
    }
  }
  // Cut cycles: walk up from each run; a run met twice closes a cycle, and its parent link goes.
  for (const run of runs) {
    const seen = new Set<string>([run.key]);
    for (let up = parents.get(run.key); up; up = parents.get(up.key)) {
      if (seen.has(up.key)) {
        parents.delete(up.key);
        break;
      }
      seen.add(up.key);
    }
  }
  const children = new Map<string, ImportedRun[]>();
  for (const run of runs) {
    const parent = parents.get(run.key);
    if (parent) {
      const list = children.get(parent.key) ?? [];
      list.push(run);
      children.set(parent.key, list);
    }
  }
  const roots = runs.filter((run) => !parents.has(run.key));
  const ordered = (): { run: ImportedRun; depth: number }[] => {
    const out: { run: ImportedRun; depth: number }[] = [];
    const visit = (run: ImportedRun, depth: number): void => {
      out.push({ run, depth });
      for (const child of children.get(run.key) ?? []) {
        visit(child, depth + 1);
      }
    };
    roots.forEach((run) => visit(run, 0));
    return out;
  };
  return {
    parent: (run) => parents.get(run.key),
    children: (run) => children.get(run.key) ?? [],
    roots: () => roots,
    ordered,
  };
}
