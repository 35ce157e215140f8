/**
 * Opening run dashboards: one panel per run (opening it again reveals it), for the workspace's own
 * runs and for runs imported from other tools' logs, and restoring the panels that were open when
 * the window reloaded.
 */
import type * as vscode from 'vscode';
import type { ImportedRun } from '../../core/metrics/discovery/importedRun';
import { isRunId } from '../../core/runs/ids';
import type { RunFollowers } from '../../core/runs/runFollowers';
import type { PanelRegistry } from '../../webview/panelRegistry';
import { createWebviewPanel } from '../../webview/webviewHost';
import { WebviewTypes } from '../ids';
import { DashboardPanel, type DashboardFollower, type DashboardLog } from './dashboardPanel';
import { ImportedFollower, importedRunState, type WatchSources } from '../../core/runs/importedFollower';
import { readSavedDashboard } from './savedState';

/** What the dashboard needs from the composition root. */
export interface DashboardServices {
  /** The extension's folder (`context.extensionUri`): bundles under `dist/webviews`, icons under `media`. */
  extensionUri: vscode.Uri;
  /** Absolute workspace root: restored dashboards of imported runs follow sources inside it only. */
  root: string;
  /** The shared followers of the workspace's run folders (`<workspace>/.xlens/runs`). */
  followers: RunFollowers;
  /** The open dashboards, by run id (imported runs by their key); the root disposes them on deactivation. */
  panels: PanelRegistry<DashboardPanel>;
  /** Tails other tools' logs (the metrics worker), for dashboards of imported runs. */
  watchImported?: () => Promise<WatchSources>;
  log?: DashboardLog;
}

function newPanel(services: DashboardServices, title: string): vscode.WebviewPanel {
  return createWebviewPanel({
    viewType: WebviewTypes.dashboard,
    title,
    bundle: 'dashboard',
    extensionUri: services.extensionUri,
    // Kept alive while hidden: drawing a dashboard again took seconds on every tab switch (issue 11;
    // test/e2e/dashboardTabs.e2e.ts measures it), and a dashboard moved to another editor group was
    // left blank when its document was re-created. A dashboard holds one document of a few charts.
    retainContextWhenHidden: true,
  });
}

function panelFor(
  services: DashboardServices,
  panel: vscode.WebviewPanel,
  key: string,
  follower: DashboardFollower,
  release: vscode.Disposable = follower,
): DashboardPanel {
  return services.panels.add(
    key,
    new DashboardPanel(panel, services.extensionUri, key, follower, services.log, release),
  );
}

/** A dashboard of a run of the store, on the run's shared follower. */
function runPanelFor(services: DashboardServices, panel: vscode.WebviewPanel, runId: string): DashboardPanel {
  const lease = services.followers.follow(runId);
  try {
    return panelFor(services, panel, runId, lease.follower, lease);
  } catch (error) {
    lease.dispose();
    throw error;
  }
}

/**
 * Opens the dashboard of `runId` (or reveals it when open) and returns its panel.
 * @throws Error when `runId` is not a run id.
 */
export function openRunDashboard(services: DashboardServices, runId: string): DashboardPanel {
  if (!isRunId(runId)) {
    throw new Error(`"${runId}" is not a run id`);
  }
  return services.panels.reveal(runId) ?? runPanelFor(services, newPanel(services, `Run ${runId}`), runId);
}

/** Opens (or reveals) the dashboard of a run found in another tool's logs; it updates while the tool writes. */
export async function openImportedDashboard(
  services: DashboardServices,
  run: ImportedRun,
): Promise<DashboardPanel> {
  const existing = services.panels.reveal(run.key);
  if (existing) {
    return existing;
  }
  const watch = await watchOf(services);
  return (
    services.panels.reveal(run.key) ??
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

/**
 * Restores a dashboard open before a window reload: the view saved its run id (and, for an imported
 * run, its source) with `setState`. That state is checked first (see `savedState.ts`); a state naming
 * no valid run, or a run already shown, closes the panel.
 */
export async function restoreDashboard(
  services: DashboardServices,
  panel: vscode.WebviewPanel,
  raw: unknown,
): Promise<void> {
  const saved = readSavedDashboard(raw, services.root);
  if (saved.kind === 'invalid') {
    services.log?.warn(`Did not restore a dashboard: ${saved.reason}`);
    panel.dispose();
    return;
  }
  const key = saved.kind === 'run' ? saved.runId : saved.run.key;
  if (services.panels.has(key)) {
    panel.dispose();
    return;
  }
  if (saved.kind === 'imported') {
    const watch = await watchOf(services);
    panelFor(services, panel, key, new ImportedFollower(saved.run, watch));
    return;
  }
  runPanelFor(services, panel, key);
}
