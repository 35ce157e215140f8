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

/**
 * Creates the extension's log channel (the caller disposes it).
 * @param onProblem hears the message of every warning and error logged (the API's `onDidLogProblem`)
 */
export function createLog(onProblem?: (message: string) => void): vscode.LogOutputChannel {
  const channel = vscode.window.createOutputChannel(OUTPUT_NAME, { log: true });
  if (!onProblem) {
    return channel;
  }
  const warn = (message: string, ...args: unknown[]): void => {
    channel.warn(message, ...args);
    onProblem(message);
  };
  const error = (problem: string | Error, ...args: unknown[]): void => {
    channel.error(problem, ...args);
    onProblem(problem instanceof Error ? problem.message : problem);
  };
  // Everything else is the channel's own, called on the channel.
  return new Proxy(channel, {
    get(target, property) {
      if (property === 'warn') {
        return warn;
      }
      if (property === 'error') {
        return error;
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
