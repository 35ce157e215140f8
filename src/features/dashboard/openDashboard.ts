/**
 * Opening run dashboards: one panel per run (opening it again reveals it), and restoring the panels
 * that were open when the window reloaded.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import { createWebviewPanel } from '../../webview/webviewHost';
import {
  DASHBOARD_VIEW_TYPE,
  DashboardPanel,
  type DashboardLog,
  type DashboardSavedState,
} from './dashboardPanel';

/** What the dashboard needs from the composition root. */
export interface DashboardServices {
  /** The extension's folder (`context.extensionUri`): bundles under `dist/webviews`, icons under `media`. */
  extensionUri: vscode.Uri;
  /** Absolute path of the run store's runs folder, `<workspace>/.xlens/runs`. */
  runsDir: string;
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

/**
 * Opens the dashboard of `runId` (or reveals it when open) and returns its panel.
 * @throws Error when `runId` is not a run id.
 */
export function openRunDashboard(services: DashboardServices, runId: string): DashboardPanel {
  checkRunId(runId);
  const existing = open.get(runId);
  if (existing && !existing.isDisposed) {
    existing.panel.reveal();
    return existing;
  }
  const panel = createWebviewPanel({
    viewType: DASHBOARD_VIEW_TYPE,
    title: `Run ${runId}`,
    bundle: 'dashboard',
    extensionUri: services.extensionUri,
  });
  return track(
    new DashboardPanel(panel, services.extensionUri, runId, join(services.runsDir, runId), services.log),
  );
}

/** The dashboards open now, by run id. */
export function openDashboards(): ReadonlyMap<string, DashboardPanel> {
  return open;
}

/**
 * Restores dashboards open before a window reload (the view saved its run id with `setState`).
 * Needs the activation event `onWebviewPanel:xlens.dashboard` to restore before other activation.
 */
export function registerDashboardSerializer(services: DashboardServices): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
    deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
      const runId = (state as Partial<DashboardSavedState> | undefined)?.runId;
      if (typeof runId !== 'string' || !/^[\w.-]{1,100}$/.test(runId) || open.has(runId)) {
        panel.dispose();
        return Promise.resolve();
      }
      track(
        new DashboardPanel(panel, services.extensionUri, runId, join(services.runsDir, runId), services.log),
      );
      return Promise.resolve();
    },
  });
}
