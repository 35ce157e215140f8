/**
 * The extension's log: one `LogOutputChannel` named "Experiment Lens". Code outside `src/vscode`
 * depends on the {@link Log} shape only, so it can log without importing `vscode`.
 */
import * as vscode from 'vscode';

/** The logging calls the extension uses; a `LogOutputChannel` satisfies it. */
export interface Log {
  trace(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(error: string | Error, ...args: unknown[]): void;
  /** Reveals the channel in the Output panel. */
  show(preserveFocus?: boolean): void;
}

export const OUTPUT_NAME = 'Experiment Lens';

/** Creates the extension's log channel (the caller disposes it). */
export function createLog(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel(OUTPUT_NAME, { log: true });
}
