/**
 * Opening compare views: one panel per list of runs (opening the same list again reveals it), and
 * restoring the panels that were open when the window reloaded.
 */
import type * as vscode from 'vscode';
import { isRunId } from '../../core/runs/ids';
import type { WatchSources } from '../../core/runs/importedFollower';
import { isImportedRecordId } from '../../core/runs/importedRecord';
import type { RunFollowers } from '../../core/runs/runFollowers';
import { DEFAULT_COMPARE_OPTIONS, validateCompareOptions, type CompareOptions } from '../../protocol/compare';
import type { PanelRegistry } from '../../webview/panelRegistry';
import { createWebviewPanel } from '../../webview/webviewHost';
import { WebviewTypes } from '../ids';
import { ComparePanel, type CompareLog } from './comparePanel';
import {
  ImportedComparedRun,
  ownComparedRun,
  type ComparedRun,
  type ImportedRunsSource,
} from './comparedRuns';

/** Most runs one compare view follows (every run is drawn; this only bounds a restored state). */
export const MAX_COMPARED_RUNS = 1000;

/** What the compare view needs from the composition root. */
export interface CompareServices {
  extensionUri: vscode.Uri;
  followers: RunFollowers;
  /** Runs other tools logged (the workspace scan), compared by their record ids. */
  imported?: ImportedRunsSource;
  /** Tails other tools' logs (the metrics worker), for imported runs. */
  watchImported?: () => Promise<WatchSources>;
  /** The open compare views, keyed by their runs' ids joined with commas. */
  panels: PanelRegistry<ComparePanel>;
  log?: CompareLog;
}

function keyOf(runIds: readonly string[]): string {
  return runIds.join(',');
}

/** An id a comparison may hold: an own run's id or an imported run's record id. */
export function isComparableId(id: string): boolean {
  return isRunId(id) || isImportedRecordId(id);
}

/** Starts following one compared run, own or imported. */
function followerOf(services: CompareServices): (runId: string) => ComparedRun {
  return (runId) => {
    if (isRunId(runId)) {
      return ownComparedRun(services.followers, runId);
    }
    if (!services.imported || !services.watchImported) {
      throw new Error(`comparing imported runs (${runId}) needs the workspace scan and the metrics watcher`);
    }
    return new ImportedComparedRun(runId, services.imported, services.watchImported);
  };
}

/**
 * Opens (or reveals) the compare view of `runIds`, in that order.
 * @throws Error when fewer than two ids are given or one is not a run id.
 */
export function openCompare(services: CompareServices, runIds: readonly string[]): ComparePanel {
  if (runIds.length < 2 || !runIds.every(isComparableId)) {
    throw new Error(`a comparison needs two or more run ids, got ${JSON.stringify(runIds)}`);
  }
  const key = keyOf(runIds);
  const open = services.panels.reveal(key);
  if (open) {
    return open;
  }
  const panel = createWebviewPanel({
    viewType: WebviewTypes.compare,
    title: `Compare ${runIds.length} runs`,
    bundle: 'compare',
    extensionUri: services.extensionUri,
  });
  return services.panels.add(
    key,
    new ComparePanel(panel, services.extensionUri, runIds, followerOf(services), services.log),
  );
}

/** The saved state of a compare view, checked: its run ids and options, or why it is not usable. */
export function readSavedCompare(raw: unknown): { runIds: string[]; options: CompareOptions } | string {
  if (typeof raw !== 'object' || raw === null) {
    return 'no saved state';
  }
  const { runIds, options } = raw as { runIds?: unknown; options?: unknown };
  if (
    !Array.isArray(runIds) ||
    runIds.length < 2 ||
    runIds.length > MAX_COMPARED_RUNS ||
    !runIds.every((id): id is string => typeof id === 'string' && isComparableId(id))
  ) {
    return 'the saved state names no list of run ids';
  }
  const checked =
    typeof options === 'object' && options !== null
      ? validateCompareOptions(options as Record<string, unknown>)
      : DEFAULT_COMPARE_OPTIONS;
  return { runIds, options: typeof checked === 'string' ? DEFAULT_COMPARE_OPTIONS : checked };
}

/** Restores a compare view open before a window reload (a bad state, or a list already shown, closes it). */
export function restoreCompare(services: CompareServices, panel: vscode.WebviewPanel, raw: unknown): void {
  const saved = readSavedCompare(raw);
  if (typeof saved === 'string' || services.panels.has(keyOf(saved.runIds))) {
    if (typeof saved === 'string') {
      services.log?.warn(`Did not restore a compare view: ${saved}`);
    }
    panel.dispose();
    return;
  }
  services.panels.add(
    keyOf(saved.runIds),
    new ComparePanel(
      panel,
      services.extensionUri,
      saved.runIds,
      followerOf(services),
      services.log,
      saved.options,
    ),
  );
}
