/**
 * The shape of one `xlens` subcommand. Each lives in `src/cli/commands/<name>.ts` and is listed in
 * the table in `src/cli/main.ts`. Commands are thin: parse arguments, call core, print.
 */

/**
 * Exit codes of the CLI: 0 success, 1 the task failed (or was cancelled), 2 bad input (config,
 * arguments, files), 3 the run succeeded but one of its checks failed (README, Checks).
 */
export const ExitCode = { ok: 0, failed: 1, badInput: 2, checkFailed: 3 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** What a command gets: its arguments after the subcommand name, streams, cwd and a cancel signal. */
export interface CliContext {
  args: string[];
  cwd: string;
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Fires on the first Ctrl-C (SIGINT) or SIGTERM; commands cancel their work cleanly. */
  signal: AbortSignal;
}

export interface CliCommand {
  name: string;
  /** One line for `xlens --help`. */
  summary: string;
  /** Full usage text for `xlens <name> --help`. */
  usage: string;
  run(ctx: CliContext): Promise<ExitCode>;
}
