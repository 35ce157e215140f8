import type * as vscode from 'vscode';

/**
 * Entry point. Activation stays tiny: the composition root is built on demand and owns every
 * disposable; see src/extensionRoot.ts.
 */
export function activate(context: vscode.ExtensionContext): void {
  void context;
}

export function deactivate(): void {}
