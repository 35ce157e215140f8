/**
 * The run picker of the run commands and of the views that open runs (dashboard, drift report): the
 * runs of the store, newest first, each with its status icon, task, description and id.
 */
import { CancelledError } from '../core/base/errors';
import type { RunRecord } from '../core/runs/types';
import { UserFacingError } from '../vscode/commandRunner';
import { pickMany, pickOne, type PickItem } from '../vscode/quickPick';
import { describeRun } from './runs/runsModel';

/**
 * Lets the user pick runs (newest first).
 * @param runs the runs to choose from.
 * @param placeHolder what the picker asks.
 * @param many true to let the user choose several runs.
 * @returns the chosen runs (one, unless `many`).
 * @throws UserFacingError when there are none; CancelledError when the picker is dismissed.
 */
export async function pickRuns(runs: RunRecord[], placeHolder: string, many: boolean): Promise<RunRecord[]> {
  if (runs.length === 0) {
    throw new UserFacingError('There are no runs to choose from.');
  }
  const now = Date.now();
  const items: PickItem<RunRecord>[] = runs.map((run) => {
    const row = describeRun(run, now);
    return {
      label: run.task,
      icon: row.icon,
      description: row.description,
      detail: run.id,
      value: run,
    };
  });
  const chosen = many
    ? await pickMany(items, placeHolder)
    : await pickOne(items, placeHolder).then((r) => r && [r]);
  if (chosen === undefined || chosen.length === 0) {
    throw new CancelledError();
  }
  return chosen;
}
