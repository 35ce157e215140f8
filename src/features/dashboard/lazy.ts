/**
 * The dashboard as the composition root sees it at activation: the panel serializer and the open
 * functions, with the dashboard's code (view models, chart specs, LTTB) loaded on first use only.
 */
import * as vscode from 'vscode';
import type { ImportedRun } from '../../core/metrics/discovery/importedRun';
import { WebviewTypes } from '../commands';
import type * as OpenDashboard from './openDashboard';
import type { DashboardServices } from './openDashboard';

/** View type of the dashboard panels (package.json activation event `onWebviewPanel:xlens.dashboard`). */
export const DASHBOARD_VIEW_TYPE = WebviewTypes.dashboard;

const load = (): Promise<typeof OpenDashboard> => import('./openDashboard');

/** Opens (or reveals) the dashboard of a run of the store. */
export async function openRunDashboardLazily(services: DashboardServices, runId: string): Promise<void> {
  (await load()).openRunDashboard(services, runId);
}

/** Opens (or reveals) the dashboard of a run imported from another tool's logs. */
export async function openImportedDashboardLazily(
  services: DashboardServices,
  run: ImportedRun,
): Promise<void> {
  await (await load()).openImportedDashboard(services, run);
}

/** Restores dashboards open before a window reload, loading the dashboard code when there is one. */
export function registerDashboardSerializerLazily(services: DashboardServices): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
      await (await load()).restoreDashboard(services, panel, state);
    },
  });
}
