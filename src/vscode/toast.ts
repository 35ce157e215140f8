/**
 * Notifications. Errors always offer "Show output", which opens the log where the full story
 * (stack, command line, timings) was written.
 */
import * as vscode from 'vscode';
import type { Log } from './output';

const SHOW_OUTPUT = 'Show output';

/** A button on a notification: its text and what it does. */
export interface ToastAction {
  title: string;
  run: () => unknown;
}

/**
 * Shows an error notification with "Show output" plus `actions`; runs the chosen one.
 * Returns at once (the notification stays until dismissed).
 */
export function showErrorToast(log: Log, message: string, ...actions: ToastAction[]): void {
  void vscode.window
    .showErrorMessage(message, ...actions.map((a) => a.title), SHOW_OUTPUT)
    .then((choice) => runChoice(log, choice, actions));
}

/** Shows a warning notification with "Show output" plus `actions`. */
export function showWarningToast(log: Log, message: string, ...actions: ToastAction[]): void {
  void vscode.window
    .showWarningMessage(message, ...actions.map((a) => a.title), SHOW_OUTPUT)
    .then((choice) => runChoice(log, choice, actions));
}

/** Shows an information notification with `actions` (no "Show output": nothing went wrong). */
export function showInfoToast(log: Log, message: string, ...actions: ToastAction[]): void {
  void vscode.window
    .showInformationMessage(message, ...actions.map((a) => a.title))
    .then((choice) => runChoice(log, choice, actions));
}

/** Asks a modal yes/no question; true when the user chose `confirm`. */
export async function confirmModal(message: string, detail: string, confirm: string): Promise<boolean> {
  const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, confirm);
  return choice === confirm;
}

function runChoice(log: Log, choice: string | undefined, actions: ToastAction[]): void {
  if (choice === SHOW_OUTPUT) {
    log.show(true);
    return;
  }
  const action = actions.find((a) => a.title === choice);
  if (action) {
    try {
      void Promise.resolve(action.run()).catch((error: unknown) => log.error(String(error)));
    } catch (error) {
      log.error(String(error));
    }
  }
}
