/**
 * Which runs a run command acts on, from the arguments VS Code passes: from a tree menu the clicked
 * element and the multi-selection, from a webview or the status bar a run id, from the palette
 * nothing (then the user picks). No `vscode` import.
 */
import type { ImportedRun } from '../core/metrics/discovery/importedRun';
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

function isImportedRunElement(value: unknown): value is ImportedRunElement {
  return (
    isImportedElement(value) &&
    value.kind === 'importedRun' &&
    typeof (value.run as Partial<ImportedRun> | undefined)?.key === 'string'
  );
}
