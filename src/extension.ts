// Keep this import first: it marks when our code started loading.
import { LOAD_START } from './features/loadStart';
import type * as vscode from 'vscode';
import type { XlensApi } from './features/api';
import { ExtensionRoot } from './extensionRoot';

/**
 * Entry point. Activation stays tiny: build the composition root (which owns every disposable and
 * logs how long loading and activation took) and hand it to VS Code. Returns the API the
 * extension-host tests use.
 */
export function activate(context: vscode.ExtensionContext): XlensApi {
  const start = performance.now();
  const root = new ExtensionRoot(context, { loadMs: LOAD_END - LOAD_START, activateStart: start });
  context.subscriptions.push(root);
  return root.api;
}

export function deactivate(): void {}

/** The entry module is evaluated last: every module of ours has loaded by now. */
const LOAD_END = performance.now();
