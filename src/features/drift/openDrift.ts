/**
 * "Experiment Lens: Show Drift Report": opens the drift view for a drift run (from the Runs view, a run
 * id, or a pick among drift runs) or for two data files (chosen in the Explorer, or picked in open
 * dialogs), computing their report in a child process under a cancellable progress notification.
 * One panel per report; opening it again reveals it.
 */
import { join, relative, isAbsolute } from 'node:path';
import * as vscode from 'vscode';
import { CancelledError } from '../../core/base/errors';
import type { DriftReport } from '../../core/drift/types';
import type { RunRecord } from '../../core/runs/types';
import { UserFacingError } from '../../vscode/commandRunner';
import type { Log } from '../../vscode/output';
import { pickOne, type PickItem } from '../../vscode/quickPick';
import { WebviewTypes } from '../ids';
import { describeRun, type RunsModel } from '../runs/runsModel';
import { runsFromArgs } from '../runSelection';
import type { PanelRegistry } from '../../webview/panelRegistry';
import { createWebviewPanel } from '../../webview/webviewHost';
import { DriftPanel } from './driftPanel';
import { computeDriftReport, readRunDriftReport } from '../../core/drift/reportSource';

/** What the drift view needs from the composition root. */
export interface DriftServices {
  extensionUri: vscode.Uri;
  /** Absolute workspace root (paths in reports are shown relative to it). */
  root: string;
  /** Absolute path of `.xlens/runs`. */
  runsDir: string;
  runs: RunsModel;
  log: Log;
  /** The open drift panels, by report key; the root disposes them on deactivation. */
  panels: PanelRegistry<DriftPanel>;
  /** Aborted when the extension deactivates: stops a comparison's `xlens drift` child. */
  signal?: AbortSignal;
}

/** File extensions the drift engine reads (see `src/core/data/load.ts`). */
export const DRIFT_FILE_EXTENSIONS = [
  'csv',
  'tsv',
  'tab',
  'jsonl',
  'ndjson',
  'parquet',
  'pq',
  'arrow',
  'feather',
  'ipc',
];

function show(s: DriftServices, key: string, make: (panel: vscode.WebviewPanel) => DriftPanel): DriftPanel {
  const panel = createWebviewPanel({
    viewType: WebviewTypes.drift,
    title: 'Drift report',
    bundle: 'drift',
    extensionUri: s.extensionUri,
  });
  return s.panels.add(key, make(panel));
}

/**
 * Opens the report of a drift run.
 * @throws UserInputError when the run has no report.
 */
export async function openRunDrift(s: DriftServices, run: RunRecord): Promise<DriftPanel> {
  const key = `run:${run.id}`;
  const existing = s.panels.reveal(key);
  if (existing) {
    return existing;
  }
  const report = await readRunDriftReport(join(s.runsDir, run.id));
  return (
    s.panels.reveal(key) ??
    show(
      s,
      key,
      (panel) =>
        new DriftPanel(
          panel,
          s.extensionUri,
          key,
          report,
          { kind: 'run', runId: run.id, task: run.task },
          s.log,
        ),
    )
  );
}

function displayPath(root: string, file: string): string {
  const rel = relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/**
 * Compares two files and opens their report.
 * @throws UserInputError for unreadable files (the CLI's message, naming file and row); CancelledError
 *   when the user cancels.
 */
export async function openFilesDrift(
  s: DriftServices,
  reference: string,
  current: string,
): Promise<DriftPanel> {
  const ref = displayPath(s.root, reference);
  const cur = displayPath(s.root, current);
  const key = `files:${reference}\n${current}`;
  const existing = s.panels.reveal(key);
  if (existing) {
    return existing;
  }
  const report = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Comparing ${cur} with ${ref}…`,
      cancellable: true,
    },
    async (_progress, token): Promise<DriftReport> => {
      const controller = new AbortController();
      const subscription = token.onCancellationRequested(() => controller.abort());
      const signal = s.signal ? AbortSignal.any([controller.signal, s.signal]) : controller.signal;
      try {
        return await computeDriftReport({ reference: ref, current: cur, cwd: s.root, signal });
      } finally {
        subscription.dispose();
      }
    },
  );
  s.log.info(
    `Drift of ${cur} against ${ref}: ${report.dataset.drifted} of ${report.dataset.columns} columns drifted`,
  );
  return (
    s.panels.reveal(key) ??
    show(
      s,
      key,
      (panel) =>
        new DriftPanel(
          panel,
          s.extensionUri,
          key,
          report,
          { kind: 'files', reference: ref, current: cur },
          s.log,
        ),
    )
  );
}

function isUri(value: unknown): value is vscode.Uri {
  return value instanceof vscode.Uri;
}

async function pickFile(title: string): Promise<string> {
  const chosen = await vscode.window.showOpenDialog({
    title,
    canSelectMany: false,
    canSelectFiles: true,
    canSelectFolders: false,
    openLabel: 'Choose',
    filters: { 'Data files': DRIFT_FILE_EXTENSIONS },
  });
  if (!chosen || chosen.length === 0) {
    throw new CancelledError();
  }
  return chosen[0].fsPath;
}

/** Which of two files is the reference: asked, since the Explorer's selection order says nothing. */
async function orderFiles(root: string, a: string, b: string): Promise<[string, string]> {
  const name = (p: string): string => displayPath(root, p);
  const items: PickItem<[string, string]>[] = [
    { label: `${name(a)} is the reference`, description: `current: ${name(b)}`, value: [a, b] },
    { label: `${name(b)} is the reference`, description: `current: ${name(a)}`, value: [b, a] },
  ];
  const order = await pickOne(
    items,
    'Which file is the reference (the baseline the other is compared with)?',
  );
  if (!order) {
    throw new CancelledError();
  }
  return order;
}

/**
 * Restores the drift panel of a run that was open before a window reload: the view saved its snapshot,
 * whose source names the run, and the report is read again from the run folder. Panels of two compared
 * files are closed: comparing again is the user's call. Called by the serializer (`registration.ts`).
 */
export async function restoreDriftPanel(
  s: DriftServices,
  panel: vscode.WebviewPanel,
  state: unknown,
): Promise<void> {
  const source = (state as { snapshot?: { source?: { kind?: unknown; runId?: unknown; task?: unknown } } })
    ?.snapshot?.source;
  const runId = source?.kind === 'run' ? source.runId : undefined;
  const task = typeof source?.task === 'string' ? source.task : '';
  const key = `run:${String(runId)}`;
  if (typeof runId !== 'string' || !/^[\w.-]{1,100}$/.test(runId) || s.panels.has(key)) {
    panel.dispose();
    return;
  }
  try {
    const report = await readRunDriftReport(join(s.runsDir, runId));
    s.panels.add(
      key,
      new DriftPanel(panel, s.extensionUri, key, report, { kind: 'run', runId, task }, s.log),
    );
  } catch (error) {
    s.log.warn(`Could not restore the drift report of run ${runId}: ${String(error)}`);
    panel.dispose();
  }
}

const COMPARE_FILES = Symbol('compare files');

/**
 * Show Drift Report, as registered in `registration.ts`. Arguments: a run (tree element or id), or
 * Explorer URIs, or nothing (pick).
 */
export async function showDriftReport(s: DriftServices, ...args: unknown[]): Promise<void> {
  const [first, second] = args;
  if (isUri(first)) {
    const selected = Array.isArray(second) ? second.filter(isUri) : [];
    const files = (selected.some((u) => u.fsPath === first.fsPath) ? selected : [first]).map((u) => u.fsPath);
    if (files.length > 2) {
      throw new UserFacingError(`Select two data files to compare (${files.length} are selected).`);
    }
    const [reference, current] =
      files.length === 2
        ? await orderFiles(s.root, files[0], files[1])
        : [files[0], await pickFile(`Current data to compare with ${displayPath(s.root, files[0])}`)];
    await openFilesDrift(s, reference, current);
    return;
  }
  const fromArgs = runsFromArgs(args, s.runs);
  if (fromArgs) {
    for (const run of fromArgs.slice(0, 4)) {
      await openRunDrift(s, run);
    }
    return;
  }
  const driftRuns = (await s.runs.allLoaded()).filter((r) => r.kind === 'drift' && r.status === 'succeeded');
  const now = Date.now();
  const items: PickItem<RunRecord | typeof COMPARE_FILES>[] = [
    {
      label: 'Compare two files…',
      icon: { id: 'files' },
      description: 'reference and current data',
      value: COMPARE_FILES,
    },
    ...driftRuns.map((run) => ({
      label: run.task,
      icon: { id: 'graph' },
      description: describeRun(run, now).description,
      detail: run.id,
      value: run,
    })),
  ];
  const chosen = await pickOne(items, 'Drift report to show');
  if (chosen === undefined) {
    throw new CancelledError();
  }
  if (chosen === COMPARE_FILES) {
    const reference = await pickFile('Reference data (the baseline)');
    const current = await pickFile('Current data (compared with the reference)');
    await openFilesDrift(s, reference, current);
    return;
  }
  await openRunDrift(s, chosen);
}
