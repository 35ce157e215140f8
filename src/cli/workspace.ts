/** Shared steps of the CLI commands: finding the workspace, loading the config, parsing arguments. */
import { inertLines } from './terminalText';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserInputError } from '../core/base/errors';
import { CONFIG_FILE, findProjectRoot, loadProject } from '../core/config/load';
import type { ProjectConfig } from '../core/config/types';
import { ConfigErrorsReported, type CliContext } from './command';
import { checkOptions, UsageError } from './usage';

/**
 * The workspace root: the nearest folder from `ctx.cwd` upwards holding `xlens.yaml`.
 * @throws UserInputError when there is none.
 */
export function workspaceRoot(ctx: CliContext): string {
  const root = findProjectRoot(ctx.cwd);
  if (!root) {
    throw new UserInputError(
      `no ${CONFIG_FILE} in ${ctx.cwd} or any folder above it. Create one with \`xlens init\`, or pass --cwd <folder>.`,
    );
  }
  return root;
}

/**
 * Loads `xlens.yaml`. On problems, prints all of them (`file:line:col: message` each) to stderr and
 * throws {@link ConfigErrorsReported} (the CLI exits with 2).
 */
export async function loadConfigOrReport(ctx: CliContext, root: string): Promise<ProjectConfig> {
  const { config, errors } = await loadProject(root);
  if (errors.length > 0 || !config) {
    for (const error of errors) {
      ctx.stderr.write(inertLines(`${error.message}\n`));
    }
    if (errors.length > 1) {
      ctx.stderr.write(`${errors.length} problems in ${CONFIG_FILE}; nothing was run.\n`);
    }
    throw new ConfigErrorsReported();
  }
  return config;
}

/**
 * `util.parseArgs` with strict checking, after {@link checkOptions} has turned each kind of mistake
 * (unknown option, missing value, a value for a flag) into its own {@link UsageError}.
 * @param command the subcommand, for the message of a mistake only the strict parse finds.
 * @throws UsageError (the CLI prints it as one line and exits 2).
 */
export function parseCommandArgs(
  command: string,
  args: string[],
  options: NonNullable<ParseArgsConfig['options']>,
): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  checkOptions(args, options);
  try {
    const parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
    return {
      values: parsed.values as Record<string, string | boolean | string[] | undefined>,
      positionals: parsed.positionals,
    };
  } catch (error) {
    // Node's message spans lines and ends in its own advice: its first sentence is the problem.
    const first = (error as Error).message.split(/\.?\n|\. /)[0];
    throw new UsageError(`${first.replace(/\.$/, '')} in \`xlens ${command}\``);
  }
}

/** Parses a positive integer option, or throws a UserInputError naming it. */
export function positiveInt(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) {
    return fallback;
  }
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`--${name} must be a whole number >= 1, not "${text}"`, `e.g. --${name} 20`);
  }
  return n;
}
