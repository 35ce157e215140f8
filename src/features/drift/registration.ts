/**
 * The drift report view as activation sees it: its view type, its lazily loaded panel code, its panel
 * serializer and the command that opens it (Show Drift Report). The panel code (`openDrift.ts`: view
 * model, charts, report reading, the `xlens drift` child) loads on first use only.
 *
 * A command's path: the id table (`../ids.ts`) → this registration → the panel (`openDrift.ts`).
 */
import type * as vscode from 'vscode';
import { registerCommand } from '../registerCommand';
import { lazily, registerLazySerializer, type LazyWebview } from '../../webview/lazyWebview';
import { Commands, WebviewTypes } from '../ids';
import type * as DriftCode from './openDrift';
import type { DriftServices } from './openDrift';

/** View type of the drift panels (also the panel serializer's key and activation event `onWebviewPanel:xlens.drift`). */
export const DRIFT_VIEW_TYPE = WebviewTypes.drift;

/** The drift view's panel code, loaded on first use. */
const drift: LazyWebview<typeof DriftCode> = {
  viewType: DRIFT_VIEW_TYPE,
  load: () => import('./openDrift'),
};

/**
 * Registers the drift view: the serializer that restores panels open before a window reload (see
 * `restoreDriftPanel`), and Show Drift Report.
 * @returns the registrations, for the composition root to track.
 */
export function registerDrift(s: DriftServices): vscode.Disposable[] {
  return [
    registerLazySerializer(drift, (code, panel, state) => code.restoreDriftPanel(s, panel, state)),
    registerCommand(
      Commands.showDriftReport,
      s.log,
      lazily(drift, (code, ...args: unknown[]) => code.showDriftReport(s, ...args)),
    ),
  ];
}
