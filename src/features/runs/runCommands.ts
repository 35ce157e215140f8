/**
 * The run commands: Cancel, Re-run, Show Output, Delete, Copy Run Id, Reveal Run Folder (Open Run
 * Dashboard is registered with the dashboard, `src/features/dashboard/registration.ts`). Each takes the runs from its arguments (tree selection, run id) or lets the user pick.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { CancelledError } from '../../core/base/errors';
import { isFinalStatus, type RunRecord } from '../../core/runs/types';
import { UserFacingError } from '../../vscode/commandRunner';
import { registerCommand } from '../registerCommand';
import type { Log } from '../../vscode/output';
import { confirmModal } from '../../vscode/toast';
import { Commands } from '../ids';
import type { ImportedRunsModel } from '../imported/importedModel';
import type { TasksModel } from '../tasks/tasksModel';
import { settableParams } from '../taskParams';
import type { RunsModel } from './runsModel';
import type { RunController } from './runController';
import type { RunsService } from './runsService';
import { pickRuns } from '../runPicker';
import { importedRunsFromArgs, runsFromArgs } from '../runSelection';

/** What the run commands need from the composition root. */
export interface RunCommandServices {
  log: Log;
  runs: RunsModel;
  tasks: TasksModel;
  service: RunsService;
  controller: RunController;
  /** Absolute path of `.xlens/runs`. */
  runsDir: string;
  /** Runs found in other tools' logs. */
  imported: ImportedRunsModel;
  /** Shows a run in the Runs view. */
  reveal(run: RunRecord): void;
}

export function registerRunCommands(s: RunCommandServices): vscode.Disposable[] {
  const choose = async (
    args: unknown[],
    placeHolder: string,
    filter: (r: RunRecord) => boolean = () => true,
  ) =>
    runsFromArgs(args, s.runs) ??
    (await pickRuns((await s.runs.allLoaded()).filter(filter), placeHolder, false));
  const chooseMany = async (
    args: unknown[],
    placeHolder: string,
    filter: (r: RunRecord) => boolean = () => true,
  ) =>
    runsFromArgs(args, s.runs) ??
    (await pickRuns((await s.runs.allLoaded()).filter(filter), placeHolder, true));

  return [
    registerCommand(Commands.cancelRun, s.log, async (...args) => {
      const runs = (await chooseMany(args, 'Runs to cancel', (r) => !isFinalStatus(r.status))).filter(
        (r) => !isFinalStatus(r.status),
      );
      if (runs.length === 0) {
        throw new UserFacingError('No run to cancel: the chosen runs have already finished.');
      }
      await s.controller.cancel(runs);
    }),

    registerCommand(Commands.rerun, s.log, async (...args) => {
      for (const run of await choose(args, 'Run to start again')) {
        const task = s.tasks.task(run.task);
        const started = await s.controller.rerun(run, task && settableParams(task));
        s.reveal(started);
      }
    }),

    registerCommand(Commands.showRunOutput, s.log, async (...args) => {
      const [run] = await choose(args, 'Run whose output to show');
      const file = join(s.runsDir, run.id, 'output.log');
      if (!existsSync(file)) {
        throw new UserFacingError(`Run ${run.id} has no output yet (${file} does not exist).`);
      }
      const editor = await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true });
      const end = editor.document.lineAt(Math.max(0, editor.document.lineCount - 1)).range.end;
      editor.selection = new vscode.Selection(end, end);
      editor.revealRange(new vscode.Range(end, end));
    }),

    registerCommand(Commands.deleteRun, s.log, async (...args) => {
      const runs = await chooseMany(args, 'Runs to delete');
      const active = runs.filter((r) => !isFinalStatus(r.status));
      if (active.length > 0) {
        throw new UserFacingError(
          `Cancel ${active.length === 1 ? `run ${active[0].id}` : `${active.length} running runs`} before deleting.`,
        );
      }
      const what = runs.length === 1 ? `run ${runs[0].id} (${runs[0].task})` : `${runs.length} runs`;
      // In Restricted Mode no git process runs (the workspace's git config and hooks could run
      // programs): only the folder goes, and the snapshot ref stays until deleted in a trusted window.
      const trusted = vscode.workspace.isTrusted;
      // A pulled run is a local copy of a record the remote keeps: deleting it here deletes the copy.
      const pulled = runs.filter((r) => r.origin !== undefined).length;
      const pulledNote =
        pulled === 0
          ? ''
          : ` ${pulled === runs.length ? (pulled === 1 ? 'It was' : 'They were') : `${pulled} of them were`} pulled from a remote: only the local copy goes, and Pull Runs brings it back.`;
      const confirmed = await confirmModal(
        `Delete ${what}?`,
        (trusted
          ? 'Its folder under .xlens/runs (metrics, output, artifacts) and its git snapshot ref are removed. This cannot be undone.'
          : 'Its folder under .xlens/runs (metrics, output, artifacts) is removed. This cannot be undone. ' +
            'Restricted Mode: its git snapshot ref (refs/xlens/runs/<id>) stays; delete runs again in a trusted window, or with `xlens rm`, to remove it.') +
          pulledNote,
        'Delete',
      );
      if (!confirmed) {
        throw new CancelledError();
      }
      await s.service.deleteRuns(
        runs.map((r) => r.id),
        { keepRefs: !trusted },
      );
      s.log.info(
        `Deleted ${runs.map((r) => r.id).join(', ')}${trusted ? '' : ' (folders only: Restricted Mode keeps the snapshot refs)'}`,
      );
    }),

    registerCommand(Commands.copyRunId, s.log, async (...args) => {
      const imported = importedRunsFromArgs(args);
      const runs = imported
        ? imported.map((r) => ({ id: r.key }))
        : await chooseMany(args, 'Runs whose ids to copy');
      await vscode.env.clipboard.writeText(runs.map((r) => r.id).join('\n'));
      vscode.window.setStatusBarMessage(
        `Copied ${runs.length === 1 ? runs[0].id : `${runs.length} run ids`}`,
        3000,
      );
    }),

    registerCommand(Commands.revealRunFolder, s.log, async (...args) => {
      const imported = importedRunsFromArgs(args)?.[0];
      const folder = imported
        ? vscode.Uri.file(imported.source)
        : vscode.Uri.file(join(s.runsDir, (await choose(args, 'Run whose folder to reveal'))[0].id));
      const command =
        vscode.env.uiKind === vscode.UIKind.Desktop && vscode.env.remoteName === undefined
          ? 'revealFileInOS'
          : 'revealInExplorer';
      await vscode.commands.executeCommand(command, folder);
    }),
  ];
}
