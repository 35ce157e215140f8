/**
 * The shape of one `xlens` subcommand. Each lives in `src/cli/commands/<name>.ts` and is listed, with
 * its summary, in the table in `src/cli/main.ts`, which loads it when it runs. Commands are thin: parse arguments, call core, print.
 */

/**
 * Exit codes of the CLI: 0 success, 1 the task failed (or was cancelled), 2 bad input (config,
 * arguments, files), 3 the run succeeded but one of its checks failed (README, Checks).
 */
export const ExitCode = { ok: 0, failed: 1, badInput: 2, checkFailed: 3 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * Thrown after every problem of `xlens.yaml` was printed (`loadConfigOrReport` of workspace.ts): the CLI
 * exits with 2 and prints nothing more. Declared here, with the exit codes, so that `main.ts` can catch
 * it without loading the config code before a command needs it.
 */
export class ConfigErrorsReported extends Error {}

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

/** A subcommand's code; its one-line summary is in the table of `src/cli/main.ts` (`COMMANDS`). */
export interface CliCommand {
  name: string;
  /** Full usage text for `xlens <name> --help`. */
  usage: string;
  run(ctx: CliContext): Promise<ExitCode>;
}
