/**
 * Workspace trust: in an untrusted workspace Experiment Lens browses runs and dashboards but runs
 * nothing (tasks execute code from the workspace). Commands that run call {@link requireTrust}.
 */
import * as vscode from 'vscode';
import { UserFacingError } from './commands';

/**
 * @throws UserFacingError explaining why nothing runs, with a button to manage trust, when the
 * workspace is not trusted.
 */
export function requireTrust(what: string): void {
  if (vscode.workspace.isTrusted) {
    return;
  }
  throw new UserFacingError(
    `${what} is disabled in Restricted Mode: tasks run code from this workspace, so Experiment Lens runs ` +
      'them only in a trusted workspace. Browsing runs and dashboards still works.',
    {
      title: 'Manage Workspace Trust',
      run: () => vscode.commands.executeCommand('workbench.trust.manage'),
    },
  );
}
