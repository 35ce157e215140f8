/**
 * A run's code and reproduction in the editor: Reproduce Run, Checkout Run's Code (with "Stash
 * first"), Create Branch from Run, and Browse Run's Code, which opens the run's files read-only from
 * git objects through the `xlens-run:` content provider (`xlens-run:/<id>/<path>`). All of it is
 * core (`core/git/runCode.ts`, `core/reproduce`); this file asks and shows.
 */
import * as vscode from 'vscode';
import { CancelledError } from '../../core/base/errors';
import { compareMetrics } from '../../core/reproduce/comparison';
import { isFinalStatus, type RunRecord } from '../../core/runs/types';
import { UserFacingError } from '../../vscode/commandRunner';
import type { Log } from '../../vscode/output';
import { showInfoToast } from '../../vscode/toast';
import { Commands } from '../ids';
import { registerCommand } from '../registerCommand';
import { pickRuns } from '../runPicker';
import { runsFromArgs } from '../runSelection';
import type { RunController } from './runController';
import type { RunsModel } from './runsModel';

/** Core's git code for runs, loaded on first use (activation loads no library). */
const runCode = () => import('../../core/git/runCode');

/** The URI scheme of a run's files: `xlens-run:/<run id>/<path in the repository>`. */
export const RUN_CODE_SCHEME = 'xlens-run';

/** The query of an `xlens-run:` URI that stands for a file absent from the run's code (an empty document). */
const ABSENT = 'absent';

/** What the code commands need from the composition root. */
export interface CodeCommandServices {
  root: string;
  log: Log;
  runs: RunsModel;
  controller: RunController;
}

/** The URI of `path` (relative to the repository root) in run `runId`'s code. */
export function runCodeUri(runId: string, path: string): vscode.Uri {
  return vscode.Uri.from({ scheme: RUN_CODE_SCHEME, path: `/${runId}/${path}` });
}

/** Read-only documents of a run's files, read from git objects (never from the working tree). */
class RunCodeProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly s: CodeCommandServices) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    // A side of a code diff where the file does not exist (added or deleted between the runs).
    if (uri.query === ABSENT) {
      return '';
    }
    if (!vscode.workspace.isTrusted) {
      throw new UserFacingError("Browsing a run's code runs git, which is disabled in Restricted Mode.");
    }
    const [, id, ...rest] = uri.path.split('/');
    const run = this.s.runs.get(id);
    if (run === undefined) {
      throw new UserFacingError(`There is no run "${id}".`);
    }
    const { requireRunCode, readCodeFile } = await runCode();
    const { repoRoot, revision } = await requireRunCode(this.s.root, run);
    return (await readCodeFile(repoRoot, revision, rest.join('/'))).toString('utf8');
  }
}

export function registerCodeCommands(s: CodeCommandServices): vscode.Disposable[] {
  const chooseOne = async (
    args: unknown[],
    placeHolder: string,
    filter: (r: RunRecord) => boolean = () => true,
  ) => {
    const [run] =
      runsFromArgs(args, s.runs) ??
      (await pickRuns((await s.runs.allLoaded()).filter(filter), placeHolder, false));
    return run;
  };
  return [
    vscode.workspace.registerTextDocumentContentProvider(RUN_CODE_SCHEME, new RunCodeProvider(s)),

    registerCommand(Commands.reproduceRun, s.log, async (...args) => {
      const original = await chooseOne(args, 'Run to reproduce', (r) => isFinalStatus(r.status));
      const { started, ended } = await s.controller.reproduce(original);
      await vscode.commands.executeCommand(Commands.openRunDashboard.id, started.id);
      void ended.then(() => {
        const reproduced = s.runs.get(started.id);
        if (reproduced === undefined) {
          return;
        }
        const rows = compareMetrics(original, reproduced);
        s.log.info(
          `Reproduction ${reproduced.id} of ${original.id} (${reproduced.status}):\n` +
            rows
              .map((r) => `  ${r.name}: ${r.original} → ${r.reproduced} (difference ${r.difference})`)
              .join('\n'),
        );
        const same = rows.filter((r) => r.identical).length;
        showInfoToast(
          s.log,
          `Reproduction of ${original.id} ${reproduced.status}: ${same} of ${rows.length} metrics identical.`,
          {
            title: 'Compare Runs',
            run: () =>
              void vscode.commands.executeCommand(Commands.compareRuns.id, [original.id, reproduced.id]),
          },
        );
      });
    }),

    registerCommand(Commands.checkoutRunCode, s.log, async (...args) => {
      const run = await chooseOne(args, 'Run whose code to check out');
      let stash = false;
      try {
        await checkoutOnce(s, run, false);
        return;
      } catch (error) {
        if (!(error instanceof Error) || !/uncommitted changes/.test(error.message)) {
          throw error;
        }
        const choice = await vscode.window.showWarningMessage(
          error.message.replace(/ \(`xlens checkout.*$/, '.'),
          { modal: true },
          'Stash first',
        );
        stash = choice === 'Stash first';
      }
      if (!stash) {
        throw new CancelledError();
      }
      await checkoutOnce(s, run, true);
    }),

    registerCommand(Commands.createBranchFromRun, s.log, async (...args) => {
      const run = await chooseOne(args, 'Run to branch from');
      const name = await vscode.window.showInputBox({
        title: `Create Branch from Run ${run.id}`,
        prompt: `A new branch at the run's ${run.git.snapshot ? 'snapshot' : 'commit'}`,
        value: `run-${run.id.slice(-8)}`,
      });
      if (name === undefined) {
        throw new CancelledError();
      }
      const at = await (await runCode()).createRunBranch(s.root, run, name.trim());
      showInfoToast(s.log, `Created branch ${name.trim()} at ${at.slice(0, 7)}, the code of run ${run.id}.`);
    }),

    registerCommand(Commands.compareCode, s.log, async (...args) => {
      const [a, b] = await chooseTwo(s, args);
      await compareCode(s, a, b);
    }),

    registerCommand(Commands.browseRunCode, s.log, async (...args) => {
      const run = await chooseOne(args, 'Run whose code to browse');
      const { listCodeFiles, requireRunCode } = await runCode();
      const { repoRoot, revision } = await requireRunCode(s.root, run);
      const files = await listCodeFiles(repoRoot, revision);
      const chosen = await vscode.window.showQuickPick(
        files.map((f) => ({ label: f.path, description: `${f.size} bytes` })),
        { title: `Code of run ${run.id} (${revision.slice(0, 7)}, read-only)`, matchOnDescription: false },
      );
      if (chosen === undefined) {
        throw new CancelledError();
      }
      const document = await vscode.workspace.openTextDocument(runCodeUri(run.id, chosen.label));
      await vscode.window.showTextDocument(document, { preview: true });
    }),
  ];
}

async function checkoutOnce(s: CodeCommandServices, run: RunRecord, stash: boolean): Promise<void> {
  const done = await (await runCode()).checkoutRunCode(s.root, run, { stash });
  showInfoToast(
    s.log,
    `HEAD is at ${done.commit.slice(0, 7)} (detached), the code of run ${run.id}` +
      (done.snapshot ? ' with its uncommitted changes' : '') +
      (done.stashed ? `; your changes are stashed ("${done.stashed}").` : '.'),
  );
}

/**
 * The two runs Compare Code compares, older first: two run ids (from the compare view), the Runs view's
 * selection, or two runs the user ticks.
 * @throws UserFacingError when not exactly two runs are named.
 */
async function chooseTwo(s: CodeCommandServices, args: unknown[]): Promise<[RunRecord, RunRecord]> {
  const [first] = args;
  const runs = Array.isArray(first)
    ? first.map((id) => {
        const run = typeof id === 'string' ? s.runs.get(id) : undefined;
        if (run === undefined) {
          throw new UserFacingError(`There is no run ${String(id)} (it may have been deleted).`);
        }
        return run;
      })
    : (runsFromArgs(args, s.runs) ??
      (await pickRuns(await s.runs.allLoaded(), 'Two runs whose code to compare', true)));
  if (runs.length !== 2) {
    throw new UserFacingError(
      `Compare Code compares two runs; ${runs.length} were chosen (Ctrl/Cmd-click two rows in the Runs view).`,
    );
  }
  const [a, b] = [...runs].sort((x, y) => x.id.localeCompare(y.id));
  return [a, b];
}

/**
 * Shows what changed between two runs' code: the changed files in a quick pick (first entry: all of
 * them in one multi-file diff editor), then the chosen file in VS Code's diff editor. Both sides are
 * read-only `xlens-run:` documents read from git objects.
 */
async function compareCode(s: CodeCommandServices, a: RunRecord, b: RunRecord): Promise<void> {
  const { changedCodeFiles, requireRunCode } = await runCode();
  const from = await requireRunCode(s.root, a);
  const to = await requireRunCode(s.root, b);
  const side = (run: RunRecord, revision: string) =>
    `${revision.slice(0, 7)}${run.git.snapshot ? ' snapshot' : ''}`;
  const title = `${a.id} (${side(a, from.revision)}) ↔ ${b.id} (${side(b, to.revision)})`;
  const files =
    from.revision === to.revision ? [] : await changedCodeFiles(from.repoRoot, from.revision, to.revision);
  if (files.length === 0) {
    showInfoToast(s.log, `Runs ${a.id} and ${b.id} ran the same code (${from.revision.slice(0, 7)}).`);
    return;
  }
  const uris = (path: string, change: 'added' | 'deleted' | 'modified'): [vscode.Uri, vscode.Uri] => [
    change === 'added' ? runCodeUri(a.id, path).with({ query: ABSENT }) : runCodeUri(a.id, path),
    change === 'deleted' ? runCodeUri(b.id, path).with({ query: ABSENT }) : runCodeUri(b.id, path),
  ];
  const all = {
    label: `All ${files.length} changed files`,
    iconPath: new vscode.ThemeIcon('diff-multiple'),
    file: undefined,
  };
  const chosen = await vscode.window.showQuickPick(
    [
      all,
      ...files.map((f) => ({
        label: f.path,
        description: f.change,
        iconPath: new vscode.ThemeIcon(
          f.change === 'added' ? 'diff-added' : f.change === 'deleted' ? 'diff-removed' : 'diff-modified',
        ),
        file: f,
      })),
    ],
    { title: `Code changed from ${title}`, placeHolder: 'File to compare', matchOnDescription: true },
  );
  if (chosen === undefined) {
    throw new CancelledError();
  }
  if (chosen.file === undefined) {
    // The multi-file diff editor (the `vscode.changes` API command): each entry [label, left, right].
    await vscode.commands.executeCommand(
      'vscode.changes',
      title,
      files.map((f) => [runCodeUri(b.id, f.path), ...uris(f.path, f.change)]),
    );
    return;
  }
  const [left, right] = uris(chosen.file.path, chosen.file.change);
  await vscode.commands.executeCommand('vscode.diff', left, right, `${chosen.file.path} (${title})`, {
    preview: true,
  });
}
