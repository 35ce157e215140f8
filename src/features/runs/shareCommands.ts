/** Push Runs… and Pull Runs: sharing runs through a git remote (core/share), from the editor. */
import * as vscode from 'vscode';
import { CancelledError } from '../../core/base/errors';
import { isFinalStatus } from '../../core/runs/types';
import { UserFacingError } from '../../vscode/commandRunner';
import type { Log } from '../../vscode/output';
import { showInfoToast } from '../../vscode/toast';
import { Commands } from '../ids';
import { registerCommand } from '../registerCommand';
import { pickRuns } from '../runPicker';
import { runsFromArgs } from '../runSelection';
import type { RunsModel } from './runsModel';
import type { RunsService } from './runsService';
import type { TasksModel } from '../tasks/tasksModel';

/** What the share commands need from the composition root. */
export interface ShareCommandServices {
  root: string;
  log: Log;
  runs: RunsModel;
  service: RunsService;
  /** The loaded xlens.yaml: its `share.max_artifact_mb` applies to pushes from the editor too. */
  tasks: TasksModel;
}

/** Core's sharing and the run store, loaded on first use (activation loads no library). */
const core = async () => ({
  ...(await import('../../core/share/share')),
  ...(await import('../../core/runs/store')),
});

async function chooseRemote(root: string, action: string): Promise<string> {
  const remotes = await (await core()).listRemotes(root);
  if (remotes.length === 0) {
    throw new UserFacingError(
      `This repository has no git remote to ${action}; add one with \`git remote add\`.`,
    );
  }
  if (remotes.length === 1) {
    return remotes[0];
  }
  const chosen = await vscode.window.showQuickPick(remotes, { title: `Remote to ${action}` });
  if (chosen === undefined) {
    throw new CancelledError();
  }
  return chosen;
}

/** The push options xlens.yaml sets (`share.max_artifact_mb`), as `xlens push` reads them. */
function pushOptions(tasks: TasksModel): { maxArtifactBytes?: number } {
  const bytes = tasks.config.kind === 'loaded' ? tasks.config.config?.share?.maxArtifactBytes : undefined;
  return bytes === undefined ? {} : { maxArtifactBytes: bytes };
}

export function registerShareCommands(s: ShareCommandServices): vscode.Disposable[] {
  return [
    registerCommand(Commands.pushRuns, s.log, async (...args) => {
      const runs =
        runsFromArgs(args, s.runs) ??
        (await pickRuns(
          (await s.runs.allLoaded()).filter((r) => isFinalStatus(r.status)),
          'Runs to push',
          true,
        ));
      const remote = await chooseRemote(s.root, 'push to');
      const { RunStore, pushRuns } = await core();
      const store = new RunStore(s.root);
      try {
        const result = await vscode.window.withProgress(
          {
            location: vscode.ProgressLocation.Notification,
            title: `Pushing ${runs.length} runs to ${remote}…`,
          },
          () => pushRuns(s.root, store, remote, runs, pushOptions(s.tasks)),
        );
        s.log.info(`Pushed to ${remote}: ${result.pushed.join(', ') || 'nothing new'}`);
        showInfoToast(
          s.log,
          `${result.pushed.length} runs pushed, ${result.upToDate.length} already on ${remote}.`,
        );
      } finally {
        store.dispose();
      }
    }),

    registerCommand(Commands.pullRuns, s.log, async () => {
      const remote = await chooseRemote(s.root, 'pull from');
      const { RunStore, pullRuns } = await core();
      const store = new RunStore(s.root);
      try {
        const result = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Pulling runs from ${remote}…` },
          () => pullRuns(s.root, store, remote),
        );
        result.skipped.forEach((k) => s.log.warn(`Pull skipped ${k.id}: ${k.reason}`));
        await s.service.reloadAll();
        showInfoToast(
          s.log,
          `${result.added.length} new runs, ${result.updated.length} updated from ${remote}.` +
            (result.keptAnnotations.length > 0
              ? ` Kept the stars and notes set here on ${result.keptAnnotations.length} of them.`
              : ''),
        );
      } finally {
        store.dispose();
      }
    }),
  ];
}
