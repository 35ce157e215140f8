/**
 * Opening run dashboards: one panel per run (opening it again reveals it), for the workspace's own
 * runs and for runs imported from other tools' logs, and restoring the panels that were open when
 * the window reloaded.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ImportedRun } from '../../core/metrics/discovery';
import type { DashboardSnapshot } from '../../protocol/dashboard';
import { createWebviewPanel } from '../../webview/webviewHost';
import {
  DASHBOARD_VIEW_TYPE,
  DashboardPanel,
  type DashboardFollower,
  type DashboardLog,
  type DashboardSavedState,
} from './dashboardPanel';
import { ImportedFollower, importedRunState, type WatchSources } from './importedFollower';
import { RunFollower } from './runFollower';
import type { ImportedRunState } from './viewModel';

/** What the dashboard needs from the composition root. */
export interface DashboardServices {
  /** The extension's folder (`context.extensionUri`): bundles under `dist/webviews`, icons under `media`. */
  extensionUri: vscode.Uri;
  /** Absolute path of the run store's runs folder, `<workspace>/.xlens/runs`. */
  runsDir: string;
  /** Tails other tools' logs (the metrics worker), for dashboards of imported runs. */
  watchImported?: () => Promise<WatchSources>;
  log?: DashboardLog;
}

const open = new Map<string, DashboardPanel>();

/** A run id as the store writes it; anything else is refused before it becomes a path. */
function checkRunId(runId: string): void {
  if (!/^[\w.-]{1,100}$/.test(runId) || runId === '.' || runId === '..') {
    throw new Error(`"${runId}" is not a run id`);
  }
}

function track(panel: DashboardPanel): DashboardPanel {
  open.set(panel.runId, panel);
  panel.onDidDispose(() => {
    if (open.get(panel.runId) === panel) {
      open.delete(panel.runId);
    }
  });
  return panel;
}

function reveal(key: string): DashboardPanel | undefined {
  const existing = open.get(key);
  if (existing && !existing.isDisposed) {
    existing.panel.reveal();
    return existing;
  }
  return undefined;
}

function newPanel(services: DashboardServices, title: string): vscode.WebviewPanel {
  return createWebviewPanel({
    viewType: DASHBOARD_VIEW_TYPE,
    title,
    bundle: 'dashboard',
    extensionUri: services.extensionUri,
  });
}

function panelFor(
  services: DashboardServices,
  panel: vscode.WebviewPanel,
  key: string,
  follower: DashboardFollower,
): DashboardPanel {
  return track(new DashboardPanel(panel, services.extensionUri, key, follower, services.log));
}

/**
 * Opens the dashboard of `runId` (or reveals it when open) and returns its panel.
 * @throws Error when `runId` is not a run id.
 */
export function openRunDashboard(services: DashboardServices, runId: string): DashboardPanel {
  checkRunId(runId);
  return (
    reveal(runId) ??
    panelFor(
      services,
      newPanel(services, `Run ${runId}`),
      runId,
      new RunFollower(join(services.runsDir, runId)),
    )
  );
}

/** Opens (or reveals) the dashboard of a run found in another tool's logs; it updates while the tool writes. */
export async function openImportedDashboard(
  services: DashboardServices,
  run: ImportedRun,
): Promise<DashboardPanel> {
  const existing = reveal(run.key);
  if (existing) {
    return existing;
  }
  const watch = await watchOf(services);
  return (
    reveal(run.key) ??
    panelFor(
      services,
      newPanel(services, run.name),
      run.key,
      new ImportedFollower(importedRunState(run), watch),
    )
  );
}

function watchOf(services: DashboardServices): Promise<WatchSources> {
  if (!services.watchImported) {
    return Promise.reject(new Error('dashboards of imported runs need a metrics watcher'));
  }
  return services.watchImported();
}

/** The dashboards open now, by run id (imported runs by their key). */
export function openDashboards(): ReadonlyMap<string, DashboardPanel> {
  return open;
}

/** Reads the imported run a restored view showed, from the snapshot it saved; undefined when it is none. */
function savedImported(
  state: Partial<DashboardSavedState> & { snapshot?: DashboardSnapshot },
): ImportedRunState | undefined {
  const header = state.snapshot?.header;
  const source = header?.imported;
  if (!header || !source || typeof source.source !== 'string' || typeof source.format !== 'string') {
    return undefined;
  }
  return {
    key: header.runId,
    name: header.task,
    source,
    params: Object.fromEntries((state.snapshot?.params ?? []).map((p) => [p.name, p.value])),
  };
}

/**
 * Restores a dashboard open before a window reload: the view saved its run id (and, for an imported
 * run, its source) with `setState`. A state naming no run, or a run already shown, closes the panel.
 */
export async function restoreDashboard(
  services: DashboardServices,
  panel: vscode.WebviewPanel,
  raw: unknown,
): Promise<void> {
  const state = (raw ?? {}) as Partial<DashboardSavedState> & { snapshot?: DashboardSnapshot };
  const runId = state.runId;
  if (typeof runId !== 'string' || open.has(runId)) {
    panel.dispose();
    return;
  }
  const imported = savedImported(state);
  if (imported) {
    panelFor(services, panel, runId, new ImportedFollower(imported, await watchOf(services)));
    return;
  }
  if (!/^[\w.-]{1,100}$/.test(runId)) {
    panel.dispose();
    return;
  }
  panelFor(services, panel, runId, new RunFollower(join(services.runsDir, runId)));
}

/**
 * Registers {@link restoreDashboard} for the dashboard's view type. Needs the activation event
 * `onWebviewPanel:xlens.dashboard`.
 */
export function registerDashboardSerializer(services: DashboardServices): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
    deserializeWebviewPanel: (panel, state) => restoreDashboard(services, panel, state),
  });
}
