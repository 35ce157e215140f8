/**
 * Opening the experiments table: one per window (opening it again reveals it), and restoring it when the
 * window reloads.
 */
import type * as vscode from 'vscode';
import type { PanelRegistry } from '../../webview/panelRegistry';
import { createWebviewPanel } from '../../webview/webviewHost';
import { WebviewTypes } from '../ids';
import { TablePanel, type TablePanelServices } from './tablePanel';

/** The key of the one table in its registry. */
export const TABLE_KEY = 'table';

/** What the table needs from the composition root. */
export interface TableServices extends TablePanelServices {
  /** The open table (at most one, under {@link TABLE_KEY}). */
  panels: PanelRegistry<TablePanel>;
}

/** Opens (or reveals) the experiments table. */
export function openTable(services: TableServices): TablePanel {
  const open = services.panels.reveal(TABLE_KEY);
  if (open) {
    return open;
  }
  const panel = createWebviewPanel({
    viewType: WebviewTypes.table,
    title: 'Experiments',
    bundle: 'table',
    extensionUri: services.extensionUri,
  });
  return services.panels.add(TABLE_KEY, new TablePanel(panel, services));
}

/**
 * Restores the table open before a window reload (its layout is kept in the workspace state, so the
 * webview's own state is not needed); a second restored table is closed.
 */
export function restoreTable(services: TableServices, panel: vscode.WebviewPanel): void {
  if (services.panels.has(TABLE_KEY)) {
    panel.dispose();
    return;
  }
  services.panels.add(TABLE_KEY, new TablePanel(panel, services));
}
