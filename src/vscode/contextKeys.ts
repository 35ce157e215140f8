/**
 * Context keys for `when` clauses. Values are cached so unchanged values are not sent to the
 * workbench again (setContext is a round trip to the renderer).
 */
import * as vscode from 'vscode';

/** A context key of ours (the table is `ContextKeys` in `src/features/ids.ts`). */
type ContextKey = `xlens.${string}`;

const current = new Map<ContextKey, unknown>();

/** Sets `key` to `value` unless it already has that value. */
export function setContextKey(key: ContextKey, value: boolean | string | number): void {
  if (current.get(key) === value) {
    return;
  }
  current.set(key, value);
  void vscode.commands.executeCommand('setContext', key, value);
}
