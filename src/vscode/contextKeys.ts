/**
 * Context keys for `when` clauses. Values are cached so unchanged values are not sent to the
 * workbench again (setContext is a round trip to the renderer).
 */
import * as vscode from 'vscode';
import type { ContextKeys } from '../features/ids';

type ContextKey = (typeof ContextKeys)[keyof typeof ContextKeys];

const current = new Map<ContextKey, unknown>();

/** Sets `key` to `value` unless it already has that value. */
export function setContextKey(key: ContextKey, value: boolean | string | number): void {
  if (current.get(key) === value) {
    return;
  }
  current.set(key, value);
  void vscode.commands.executeCommand('setContext', key, value);
}
