/**
 * The compare view as activation sees it: its view type, its lazily loaded panel code, its serializer
 * and the command that opens it (Compare Runs, on a multi-selection in the Runs view or from the
 * palette). The panel code loads on first use only.
 */
import type * as vscode from 'vscode';
import type { Log } from '../../vscode/output';
import { lazily, registerLazySerializer, type LazyWebview } from '../../webview/lazyWebview';
import { UserFacingError } from '../../vscode/commandRunner';
import { Commands, WebviewTypes } from '../ids';
import { registerCommand } from '../registerCommand';
import { pickRuns } from '../runPicker';
import { comparedIdsFromArgs } from '../runSelection';
import type { RunsModel } from '../runs/runsModel';
import type * as CompareCode from './openCompare';
import type { CompareServices } from './openCompare';

const compare: LazyWebview<typeof CompareCode> = {
  viewType: WebviewTypes.compare,
  load: () => import('./openCompare'),
};

/** What the compare view's registration needs from the composition root. */
export interface CompareRegistrationServices extends CompareServices {
  runs: RunsModel;
  log: Log;
}

const open = lazily(compare, (code, s: CompareServices, runIds: string[]) => code.openCompare(s, runIds));

/**
 * Registers the compare view's serializer and Compare Runs (arguments: the Runs view's selection, own
 * and imported runs; from the palette the user ticks the runs). Own runs are compared oldest first, so
 * the first is the baseline, then the imported runs of the selection.
 */
export function registerCompare(s: CompareRegistrationServices): vscode.Disposable[] {
  return [
    registerLazySerializer(compare, (code, panel, state) =>
      Promise.resolve(code.restoreCompare(s, panel, state)),
    ),
    registerCommand(Commands.compareRuns, s.log, async (...args) => {
      // From a CodeLens or another command: a list of run ids, compared in that order.
      const [first] = args;
      if (Array.isArray(first) && first.length >= 2 && first.every((id) => typeof id === 'string')) {
        const missing = first.filter(
          (id: string) => s.runs.get(id) === undefined && s.imported?.byRecordId(id) === undefined,
        );
        if (missing.length > 0) {
          throw new UserFacingError(`There is no run ${missing.join(', ')} (it may have been deleted).`);
        }
        await open(s, first);
        return;
      }
      // From the Runs view: own and imported runs of the selection; from the palette the user ticks runs.
      const ids =
        comparedIdsFromArgs(args, s.runs) ??
        (await pickRuns(await s.runs.allLoaded(), 'Runs to compare (two or more)', true))
          .map((r) => r.id)
          .sort((a, b) => a.localeCompare(b));
      if (ids.length < 2) {
        throw new UserFacingError(
          'Select two or more runs to compare (Ctrl/Cmd-click rows in the Runs view).',
        );
      }
      await open(s, ids);
    }),
  ];
}
