/**
 * Workspace trust: in an untrusted workspace Experiment Lens browses runs and dashboards but runs
 * nothing (tasks execute code from the workspace). Commands are checked by the command wrapper
 * (`commandRunner.ts`, through the pure policy in `src/features/trust/policy.ts`); code paths that start or
 * signal processes without a command (the task provider, the extension API) call {@link requireTrust}.
 */
import * as vscode from 'vscode';
import { restrictedModeMessage } from '../features/trust/policy';
import { MANAGE_TRUST_ACTION, UserFacingError } from './commandRunner';

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
