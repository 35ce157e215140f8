/**
 * Which runs a run command acts on, from the arguments VS Code passes: from a tree menu the clicked
 * element and the multi-selection, from a webview or the status bar a run id, from the palette
 * nothing (then the user picks). No `vscode` import.
 */
import type { ImportedRun } from '../core/metrics/discovery/importedRun';
import { importedRecordId } from '../core/runs/importedRecord';
import type { RunRecord } from '../core/runs/types';
import { isImportedElement, type ImportedRunElement } from './imported/importedModel';
import { isCommitGroup, type RunsElement, type RunsModel } from './runs/runsModel';

function isRunsElement(value: unknown): value is RunsElement {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const v = value as { kind?: unknown; id?: unknown; task?: unknown };
  return v.kind === 'commit' || (typeof v.id === 'string' && typeof v.task === 'string');
}

/**
 * The runs named by command arguments, as the model holds them now (a tree element may be stale),
 * or `undefined` when the arguments name none (invoked from the palette).
 * - `(element, selection[])` from a tree: the selection when it includes the element, else the element;
 *   commit groups in it stand for their runs.
 * - `(runId: string)`: that run.
 * @throws Error naming the id when a run id is not in the model (deleted meanwhile).
 */
export function runsFromArgs(args: readonly unknown[], model: RunsModel): RunRecord[] | undefined {
  const [first, second] = args;
  if (typeof first === 'string') {
    const run = model.get(first);
    if (run === undefined) {
      throw new Error(`There is no run "${first}" (it may have been deleted).`);
    }
    return [run];
  }
  if (!isRunsElement(first)) {
    return undefined;
  }
  const selection = Array.isArray(second) ? second.filter(isRunsElement) : [];
  const chosen = selection.some((e) => sameElement(e, first)) ? selection : [first];
  const runs = chosen.flatMap((e) => (isCommitGroup(e) ? model.runsIn(e) : [model.get(e.id)]));
  const unique = new Map<string, RunRecord>();
  for (const run of runs) {
    if (run !== undefined) {
      unique.set(run.id, run);
    }
  }
  return [...unique.values()];
}

function sameElement(a: RunsElement, b: RunsElement): boolean {
  if (isCommitGroup(a) || isCommitGroup(b)) {
    return isCommitGroup(a) && isCommitGroup(b) && a.sha === b.sha;
  }
  return a.id === b.id;
}

/**
 * The imported runs named by tree arguments: the clicked imported run, with the other imported runs
 * of the multi-selection when it includes it; `undefined` when the clicked element is not one.
 */
export function importedRunsFromArgs(args: readonly unknown[]): ImportedRun[] | undefined {
  const [first, second] = args;
  if (!isImportedRunElement(first)) {
    return undefined;
  }
  const selection = Array.isArray(second) ? second.filter(isImportedRunElement) : [];
  const chosen = selection.some((e) => e.run.key === first.run.key) ? selection : [first];
  return [...new Map(chosen.map((e) => [e.run.key, e.run])).values()];
}

/**
 * The ids Compare Runs compares from its arguments: a multi-selection of the Runs view that includes the
 * clicked element, or else the clicked element, with own runs (commit groups standing for their runs)
 * and imported runs alike; own runs first, then imported runs (by their record ids, `importedRecordId`,
 * as the experiments table names them), each part sorted by id so that own runs go oldest first and the
 * same selection always opens the same view. A run id gives that run; `undefined` when the arguments
 * name no run (from the palette).
 * @throws Error naming the id when a run id is not in the model (deleted meanwhile).
 */
export function comparedIdsFromArgs(args: readonly unknown[], model: RunsModel): string[] | undefined {
  const [first, second] = args;
  if (!isRunsElement(first) && !isImportedRunElement(first)) {
    return runsFromArgs(args, model)?.map((run) => run.id);
  }
  const selection: unknown[] = Array.isArray(second) ? second : [];
  const inSelection = selection.some((e) =>
    isRunsElement(first)
      ? isRunsElement(e) && sameElement(e, first)
      : isImportedRunElement(e) && e.run.key === first.run.key,
  );
  const chosen = inSelection ? selection : [first];
  const own = chosen.filter(isRunsElement);
  const ownIds = own.length > 0 ? (runsFromArgs([own[0], own], model) ?? []).map((run) => run.id) : [];
  const importedIds = chosen.filter(isImportedRunElement).map((e) => importedRecordId(e.run));
  const byId = (a: string, b: string): number => a.localeCompare(b);
  return [...new Set(ownIds)].sort(byId).concat([...new Set(importedIds)].sort(byId));
}

function isImportedRunElement(value: unknown): value is ImportedRunElement {
  return (
    isImportedElement(value) &&
    value.kind === 'importedRun' &&
    typeof (value.run as Partial<ImportedRun> | undefined)?.key === 'string'
  );
}
