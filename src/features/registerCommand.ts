/**
 * The one way features register commands: the command runner of `src/vscode/commandRunner.ts` (logging,
 * timing, errors as notifications) with the workspace-trust policy (`trustPolicy.ts`) checked first. In an
 * untrusted workspace a command that runs something stops before its handler, so the user is told why
 * before any picker or input box asks for details.
 */
import * as vscode from 'vscode';
import { MANAGE_TRUST_ACTION, registerWrappedCommand, UserFacingError } from '../vscode/commandRunner';
import type { Log } from '../vscode/output';
import type { CommandSpec } from './ids';
import { decideTrust } from './trustPolicy';

/**
 * Registers the command `spec` of the id table with `handler`, wrapped in logging, timing, error
 * reporting and the trust check ({@link decideTrust}).
 * @param handler receives the command's arguments as VS Code passes them (for tree menus: the clicked
 *   element, then the selected elements).
 * @returns the registration.
 */
export function registerCommand(
  spec: CommandSpec,
  log: Log,
  handler: (...args: unknown[]) => unknown,
): vscode.Disposable {
  return registerWrappedCommand(spec, log, handler, () => {
    const trust = decideTrust(spec, vscode.workspace.isTrusted);
    if (!trust.allowed) {
      throw new UserFacingError(trust.message, MANAGE_TRUST_ACTION);
    }
  });
}
