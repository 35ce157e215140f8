/**
 * Restores drift panels after a window reload. Registered at activation, so it stays light: the drift
 * feature itself (view model, charts, report reading) loads only when a panel is restored.
 */
import * as vscode from 'vscode';
import type { DriftServices } from './openDrift';
import { DRIFT_VIEW_TYPE } from './viewType';

/** Registers the serializer of `xlens.drift` panels (see `restoreDriftPanel`). */
export function registerDriftSerializer(s: DriftServices): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(DRIFT_VIEW_TYPE, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
      const { restoreDriftPanel } = await import('./openDrift');
      await restoreDriftPanel(s, panel, state);
    },
  });
}
