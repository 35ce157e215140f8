/**
 * The one way commands are run: every invocation is logged and timed, and any error becomes a
 * notification with "Show output" (the log has the stack). A dismissed picker or a cancelled operation
 * ends quietly. Features register their commands through `src/features/registerCommand.ts`, which adds
 * the workspace-trust check of the id table's commands.
 */
import * as vscode from 'vscode';
import { CancelledError, UserInputError } from '../core/base/errors';
import type { Log } from './output';
import { showErrorToast, showWarningToast, type ToastAction } from './toast';

/**
 * An error whose message is meant for the user as is, optionally with buttons (e.g. "Manage
 * Workspace Trust"). Shown as a warning: the user's situation, not a bug.
 */
export class UserFacingError extends Error {
  override readonly name = 'UserFacingError';
  readonly actions: ToastAction[];
  constructor(message: string, ...actions: ToastAction[]) {
    super(message);
    this.actions = actions;
  }
}

/** The button of Restricted Mode warnings: opens VS Code's Workspace Trust editor. */
export const MANAGE_TRUST_ACTION: ToastAction = {
  title: 'Manage Workspace Trust',
  run: () => vscode.commands.executeCommand('workbench.trust.manage'),
};

/** What the runner needs of a command: its id and its title (named in error notifications). */
export interface RunnableCommand {
  readonly id: string;
  readonly title: string;
}

/**
 * Registers `spec.id` with `handler` wrapped in logging, timing and error reporting. `check` runs first,
 * inside the same error handling: it throws (e.g. a {@link UserFacingError}) to stop the command before
 * its handler, so the user is told why before any picker or input box asks for details.
 * The handler receives the command's arguments as VS Code passes them (for tree menus: the clicked
 * element, then the selected elements).
 * @returns the registration.
 */
export function registerWrappedCommand(
  spec: RunnableCommand,
  log: Log,
  handler: (...args: unknown[]) => unknown,
  check: () => void,
): vscode.Disposable {
  return vscode.commands.registerCommand(spec.id, async (...args: unknown[]) => {
    const start = performance.now();
    log.debug(`${spec.id}: started`);
    try {
      check();
      const result: unknown = await handler(...args);
      log.info(`${spec.id}: done in ${Math.round(performance.now() - start)} ms`);
      return result;
    } catch (error) {
      const ms = Math.round(performance.now() - start);
      if (error instanceof CancelledError) {
        log.info(`${spec.id}: cancelled after ${ms} ms`);
        return undefined;
      }
      if (error instanceof UserFacingError || error instanceof UserInputError) {
        log.warn(`${spec.id}: ${error.message} (${ms} ms)`);
        showWarningToast(log, error.message, ...(error instanceof UserFacingError ? error.actions : []));
        return undefined;
      }
      log.error(`${spec.id}: failed after ${ms} ms`);
      log.error(error instanceof Error ? error : String(error));
      const message = error instanceof Error ? error.message : String(error);
      showErrorToast(log, `${spec.title.replace(/…$/, '')} failed: ${message}`);
      return undefined;
    }
  });
}
