/**
 * Workspace trust: in an untrusted workspace Experiment Lens browses runs and dashboards but runs
 * nothing (tasks execute code from the workspace). Commands are checked by the command wrapper
 * (`registerCommand.ts`, through the pure policy in `trustPolicy.ts`); code paths that start or
 * signal processes without a command (the task provider, the extension API) call {@link requireTrust}.
 */
import * as vscode from 'vscode';
import { restrictedModeMessage } from './trustPolicy';
import { MANAGE_TRUST_ACTION, UserFacingError } from '../vscode/commandRunner';

/**
 * @throws UserFacingError explaining why nothing runs, with a button to manage trust, when the
 * workspace is not trusted.
 */
export function requireTrust(what: string): void {
  if (vscode.workspace.isTrusted) {
    return;
  }
  throw new UserFacingError(restrictedModeMessage(what), MANAGE_TRUST_ACTION);
}
