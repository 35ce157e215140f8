/**
 * The workspace-wide commands: Refresh (reads `xlens.yaml`, the runs and other tools' logs again) and
 * Show Log, plus the stand-ins registered when no folder is open, which tell the user to open one.
 */
import type * as vscode from 'vscode';
import { UserFacingError } from '../../vscode/commandRunner';
import { registerCommand } from '../registerCommand';
import type { Log } from '../../vscode/output';
import { Commands, type CommandSpec } from '../ids';

/** Registers Show Log: reveals the extension's log in the Output panel. */
export function registerShowLogCommand(log: Log): vscode.Disposable {
  return registerCommand(Commands.showLog, log, () => log.show());
}

/** What Refresh needs from the composition root. */
export interface RefreshServices {
  log: Log;
  /** Reads `xlens.yaml` again (the project service). */
  project: { reload(): Promise<void> };
  /** Reads every run folder again (the runs service). */
  runs: { reloadAll(): Promise<void> };
  /** Looks for other tools' logs again (the imported runs service). */
  imported: { rescan(): Promise<void> };
  /** The Runs view, redrawn once everything is read. */
  runsTree: { refresh(): void };
}

/** Registers Refresh: reads the config, the runs and other tools' logs again, then redraws the Runs view. */
export function registerRefreshCommand(s: RefreshServices): vscode.Disposable {
  return registerCommand(Commands.refresh, s.log, async () => {
    await Promise.all([s.project.reload(), s.runs.reloadAll(), s.imported.rescan()]);
    s.runsTree.refresh();
  });
}

/** The error of every command (and of the API's `startRun`) while no folder is open. */
export function noFolderError(): UserFacingError {
  return new UserFacingError(
    'Experiment Lens needs an open folder: open the folder that holds (or will hold) xlens.yaml.',
  );
}

/**
 * Registers every command but Show Log as a stand-in that tells the user to open a folder: without a
 * workspace folder there is no `xlens.yaml` and no run store.
 * @returns the registrations, for the composition root to track.
 */
export function registerNoFolderCommands(log: Log): vscode.Disposable[] {
  return (Object.values(Commands) as CommandSpec[])
    .filter((spec) => spec.id !== Commands.showLog.id)
    .map((spec) => registerCommand(spec, log, () => Promise.reject(noFolderError())));
}
