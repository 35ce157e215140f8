/**
 * The run commands: Cancel, Re-run, Open Dashboard, Show Output, Delete, Copy Run Id, Reveal Run
 * Folder. Each takes the runs from its arguments (tree selection, run id) or lets the user pick.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { CancelledError } from '../../core/base/errors';
import { isFinalStatus, type RunRecord } from '../../core/runs/types';
import { registerCommand, UserFacingError } from '../../vscode/commands';
import type { Log } from '../../vscode/output';
import { pickMany, pickOne, type PickItem } from '../../vscode/quickPick';
import { confirmModal } from '../../vscode/toast';
import { Commands } from '../commands';
import type { ImportedRunsModel } from '../imported/model';
import type { TasksModel } from '../tasks/model';
import { settableParams } from '../tasks/params';
import { describeRun, type RunsModel } from './model';
import type { RunController } from './runController';
import type { RunsService } from './runsService';
import { importedRunsFromArgs, runsFromArgs } from './selection';
import type { ImportedRun } from '../../core/metrics/discovery/importedRun';

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
  /** Opens (or reveals) the dashboard of a run. */
  openDashboard(runId: string): Promise<void>;
  /** Opens (or reveals) the dashboard of a run imported from another tool's logs. */
  openImportedDashboard(run: ImportedRun): Promise<void>;
  /** Shows a run in the Runs view. */
  reveal(run: RunRecord): void;
}

/** Dashboards opened at once from one multi-selection, at most. */
const MAX_DASHBOARDS = 6;

export function registerRunCommands(s: RunCommandServices): vscode.Disposable[] {
  const choose = async (
    args: unknown[],
    placeHolder: string,
    filter: (r: RunRecord) => boolean = () => true,
  ) => runsFromArgs(args, s.runs) ?? (await pickRuns(s.runs.all().filter(filter), placeHolder, false));
  const chooseMany = async (
    args: unknown[],
    placeHolder: string,
    filter: (r: RunRecord) => boolean = () => true,
  ) => runsFromArgs(args, s.runs) ?? (await pickRuns(s.runs.all().filter(filter), placeHolder, true));

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

    registerCommand(Commands.openRunDashboard, s.log, async (...args) => {
      const imported = importedRunsFromArgs(args);
      if (imported) {
        for (const run of imported.slice(0, MAX_DASHBOARDS)) {
          await s.openImportedDashboard(run);
        }
        return;
      }
      const runs = await choose(args, 'Run whose dashboard to open');
      for (const run of runs.slice(0, MAX_DASHBOARDS)) {
        await s.openDashboard(run.id);
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
      const confirmed = await confirmModal(
        `Delete ${what}?`,
        'Its folder under .xlens/runs (metrics, output, artifacts) and its git snapshot ref are removed. This cannot be undone.',
        'Delete',
      );
      if (!confirmed) {
        throw new CancelledError();
      }
      await s.service.deleteRuns(runs.map((r) => r.id));
      s.log.info(`Deleted ${runs.map((r) => r.id).join(', ')}`);
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

/**
 * Lets the user pick runs (newest first).
 * @throws UserFacingError when there are none; CancelledError when the picker is dismissed.
 */
async function pickRuns(runs: RunRecord[], placeHolder: string, many: boolean): Promise<RunRecord[]> {
  if (runs.length === 0) {
    throw new UserFacingError('There are no runs to choose from.');
  }
  const now = Date.now();
  const items: PickItem<RunRecord>[] = runs.map((run) => {
    const row = describeRun(run, now);
    return {
      label: `$(${row.icon.id}) ${run.task}`,
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
