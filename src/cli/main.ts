/**
 * The `xlens` command: a thin front over src/core. Subcommands live in `commands/<name>.ts` and are
 * listed in {@link COMMANDS}; adding one is one line here.
 */
import { resolve } from 'node:path';
import { CancelledError, UserInputError } from '../core/base/errors';
import { closest } from '../core/config/suggest';
import { ConfigErrorsReported, ExitCode, type CliCommand, type CliContext } from './command';
import { guardOutput, supervisesRun } from './stdoutGuard';
import { version } from '../../package.json';
import { inertLines } from './terminalText';
import { isUsageError, usageLine } from './usage';

/**
 * A subcommand as `xlens --help` lists it. Its code (`commands/<name>.ts`, with the core modules it
 * needs) is evaluated only when it runs (`load`): `xlens runs` does not set up the readers, protobuf
 * schemas, JSON Schema validator or parquet decoders that other commands use.
 */
export interface CommandEntry {
  name: string;
  /** One line for `xlens --help`. */
  summary: string;
  load(): Promise<CliCommand>;
}

/** Every subcommand, in the order `xlens --help` lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'run',
    summary: 'run a task of xlens.yaml as a tracked run',
    load: async () => (await import('./commands/run')).runCommand,
  },
  {
    name: 'queue',
    summary: 'list, cancel and work the local run queue',
    load: async () => (await import('./commands/queue')).queueCommand,
  },
  {
    name: 'runs',
    summary: 'list runs, newest first (--json for scripts)',
    load: async () => (await import('./commands/runs')).runsCommand,
  },
  {
    name: 'show',
    summary: 'show one run: git, params, data, metrics, artifacts',
    load: async () => (await import('./commands/show')).showCommand,
  },
  {
    name: 'compare',
    summary: 'compare runs: params that differ, metrics with deltas, data (--html for curves)',
    load: async () => (await import('./commands/compare')).compareCommand,
  },
  {
    name: 'diff',
    summary: 'what changed between two runs: params, data and code (git diff)',
    load: async () => (await import('./commands/diff')).diffCommand,
  },
  {
    name: 'checks',
    summary: "evaluate a run's checks again (or --check ones) and print them",
    load: async () => (await import('./commands/checks')).checksCommand,
  },
  {
    name: 'drift',
    summary: 'compare two data files column by column: data drift tests and verdict',
    load: async () => (await import('./commands/drift')).driftCommand,
  },
  {
    name: 'eval',
    summary: 'evaluate a predictions file: metrics and curves as scikit-learn computes them',
    load: async () => (await import('./commands/eval')).evalCommand,
  },
  {
    name: 'monitor',
    summary: 'metrics and drift of a predictions file per time window (model decay)',
    load: async () => (await import('./commands/monitor')).monitorCommand,
  },
  {
    name: 'init',
    summary: 'create a starter xlens.yaml in the current folder',
    load: async () => (await import('./commands/init')).initCommand,
  },
  {
    name: 'import',
    summary: 'list runs logged by TensorBoard, MLflow, DVCLive or Keras/Lightning CSV (--watch to tail)',
    load: async () => (await import('./commands/import')).importCommand,
  },
  {
    name: 'rm',
    summary: 'delete runs (their folders and git snapshot refs)',
    load: async () => (await import('./commands/rm')).rmCommand,
  },
  {
    name: 'reproduce',
    summary: 'run a run again from its recorded code, data and params, and compare its metrics',
    load: async () => (await import('./commands/reproduce')).reproduceCommand,
  },
  {
    name: 'checkout',
    summary: "put a run's code into the working tree (detached HEAD)",
    load: async () => (await import('./commands/checkout')).checkoutCommand,
  },
  {
    name: 'branch',
    summary: "create a branch at a run's code",
    load: async () => (await import('./commands/branch')).branchCommand,
  },
  {
    name: 'gc',
    summary: 'delete old runs and their refs (never running or starred ones)',
    load: async () => (await import('./commands/gc')).gcCommand,
  },
  {
    name: 'push',
    summary: 'share runs (records, metrics, small artifacts, code) through a git remote',
    load: async () => (await import('./commands/push')).pushCommand,
  },
  {
    name: 'pull',
    summary: 'bring runs shared on a git remote into this workspace',
    load: async () => (await import('./commands/pull')).pullCommand,
  },
  {
    name: 'export',
    summary: 'write runs into an MLflow store (mlflow.db or mlruns/)',
    load: async () => (await import('./commands/export')).exportCommand,
  },
];

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Experiment Lens ${version}: run, track and compare ML experiments against git.

Usage: xlens <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Global options:
  --cwd <folder>   work as if started in <folder> (the workspace is the nearest folder with xlens.yaml)
  --help, -h       this help; \`xlens <command> --help\` for a command
  --version, -v    the version

Exit codes: 0 success, 1 a run failed or was cancelled (or Ctrl-C stopped the command), 2 bad input,
3 a run succeeded but one of its checks (checks: in xlens.yaml) failed.
`;
}

/** Takes `--cwd <dir>` / `--cwd=<dir>` out of the arguments (before any `--`). */
function extractCwd(args: string[], base: string): { cwd: string; rest: string[] } {
  const rest: string[] = [];
  let cwd = base;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      rest.push(...args.slice(i));
      break;
    }
    if (arg === '--cwd') {
      const value = args[++i];
      if (value === undefined) {
        throw new UserInputError('--cwd needs a folder, e.g. --cwd path/to/project.');
      }
      cwd = resolve(base, value);
    } else if (arg.startsWith('--cwd=')) {
      cwd = resolve(base, arg.slice('--cwd='.length));
    } else {
      rest.push(arg);
    }
  }
  return { cwd, rest };
}

export interface MainIo {
  cwd: string;
  stdout: CliContext['stdout'];
  stderr: CliContext['stderr'];
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and returns the exit code. Never throws:
 * a {@link UserInputError} prints its message and gives 2; anything else prints the error and gives 1.
 */
export async function main(argv: string[], io: MainIo): Promise<ExitCode> {
  try {
    const { cwd, rest } = extractCwd(argv, io.cwd);
    const [name, ...args] = rest;
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      const topic = name === 'help' ? COMMANDS.find((c) => c.name === args[0]) : undefined;
      io.stdout.write(topic ? `${(await topic.load()).usage}\n` : help());
      return name === undefined ? ExitCode.badInput : ExitCode.ok;
    }
    if (name === '--version' || name === '-v') {
      io.stdout.write(`${version}\n`);
      return ExitCode.ok;
    }
    const entry = COMMANDS.find((c) => c.name === name);
    if (!entry) {
      // The same shape as a command's usage errors: `xlens: <what is wrong> (<the fix>; see xlens --help)`.
      const near = closest(
        name,
        COMMANDS.map((c) => c.name),
      );
      throw new UserInputError(
        `unknown command "${name}" (${near !== undefined ? `did you mean xlens ${near}; ` : ''}see xlens --help)`,
      );
    }
    const command = await entry.load();
    const beforeDashDash = args.indexOf('--') < 0 ? args : args.slice(0, args.indexOf('--'));
    if (beforeDashDash.includes('--help') || beforeDashDash.includes('-h')) {
      io.stdout.write(`${command.usage}\n`);
      return ExitCode.ok;
    }
    try {
      return await command.run({
        args,
        cwd,
        stdout: io.stdout,
        stderr: io.stderr,
        env: io.env,
        signal: io.signal,
      });
    } catch (error) {
      // A mistake in the command's options or arguments: one line in one shape for every command.
      if (error instanceof UserInputError && isUsageError(error)) {
        io.stderr.write(inertLines(`${usageLine(command.name, error)}\n`));
        return ExitCode.badInput;
      }
      throw error;
    }
  } catch (error) {
    if (error instanceof ConfigErrorsReported) {
      return ExitCode.badInput;
    }
    if (error instanceof CancelledError || (io.signal.aborted && isAbort(error))) {
      // Ctrl-C or SIGTERM stopped the work (the signal handler has said so): no stack, no partial output.
      io.stderr.write('xlens: cancelled.\n');
      return ExitCode.failed;
    }
    if (error instanceof UserInputError) {
      io.stderr.write(
        inertLines(`${error.message.startsWith(error.file ?? '\0') ? '' : 'xlens: '}${error.message}\n`),
      );
      return ExitCode.badInput;
    }
    io.stderr.write(
      `xlens: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return ExitCode.failed;
  }
}

/** An error raised by an aborted operation (Node's `AbortError`, or a `CancelledError` wrapped by a reader). */
function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.cause instanceof CancelledError);
}

/**
 * Process entry: wires signals and sets the exit code. The first Ctrl-C (SIGINT), SIGTERM or SIGHUP
 * (the terminal was closed) cancels the run cleanly: the task runs in its own process group, so
 * without this it would outlive a closed terminal.
 */
function runAsProcess(): void {
  const controller = new AbortController();
  let interrupts = 0;
  const say = (text: string): void => {
    try {
      process.stderr.write(text);
    } catch {
      // The terminal is gone (SIGHUP); the run record still says what happened.
    }
  };
  const argv = process.argv.slice(2);
  // Only `xlens run` supervises a task to stop; other commands simply stop.
  const running = supervisesRun(argv);
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupts++;
    if (interrupts === 1) {
      // In a terminal, replace the progress line (and the echoed ^C) rather than break it.
      const start = process.stderr.isTTY ? '\r\x1b[2K' : '\n';
      say(
        running
          ? `${start}xlens: ${signal}: cancelling (the task gets SIGTERM, then SIGKILL after 5 s)...\n`
          : `${start}xlens: ${signal}: stopping.\n`,
      );
      controller.abort(new Error(`received ${signal}`));
    } else {
      say(
        running
          ? 'xlens: still stopping the task; it is killed at the end of the grace period.\n'
          : 'xlens: still stopping.\n',
      );
    }
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  signals.forEach((s) => process.on(s, onSignal));
  const stdout = guardOutput(process.stdout);
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    // The reader went away (`xlens runs | head`) or the terminal closed: stop writing to stdout. A run
    // goes on to its end (its output is all in output.log); other commands have nothing left to do.
    stdout.close();
    if (error.code === 'EPIPE' && !supervisesRun(argv)) {
      process.exit(process.exitCode ?? 0);
    }
  });
  // Writes to a closed terminal fail (EIO, EPIPE); that must not crash the run's supervision.
  process.stderr.on('error', () => undefined);
  void main(argv, {
    cwd: process.cwd(),
    stdout: stdout.stream,
    stderr: process.stderr,
    env: process.env,
    signal: controller.signal,
  }).then((code) => {
    process.exitCode = code;
    signals.forEach((s) => process.off(s, onSignal));
  });
}

if (typeof require !== 'undefined' && require.main === module) {
  runAsProcess();
}
