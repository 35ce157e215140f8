/**
 * Starting a task's process in its own process group (POSIX), so cancelling reaches the whole tree
 * a shell command may start, and naming how it ended.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';

export type TaskProcess = ChildProcessByStdio<null, Readable, Readable>;

const isWindows = process.platform === 'win32';

/**
 * The POSIX shell script that starts a task and, when it ends, writes its exit status (`$?`: the code,
 * or 128 + n for signal n) to the file named by its first argument, atomically (temp file, then
 * `mv`), so the status is known even when the supervisor died meanwhile (`reconcileRuns` reads it).
 * The task is the rest of the arguments, run as a child (never spliced into the script). Signals
 * that end a process (SIGTERM from a cancel, SIGINT, SIGHUP) are trapped so the script outlives the
 * task long enough to write the file (a shell runs such a trap only once its foreground command has
 * ended; the task gets them with their default action). It then exits as the task did: killed by the
 * same terminating signal again, or with its code.
 */
const EXIT_STATUS_WRAPPER = `f=$1; shift
trap : HUP INT TERM
"$@"
s=$?
{ printf '%s\\n' "$s" >"$f.tmp" && command -p mv -f "$f.tmp" "$f"; } 2>/dev/null
if [ "$s" -gt 128 ]; then
  n=$(kill -l "$s" 2>/dev/null)
  case $n in HUP|INT|KILL|PIPE|ALRM|TERM|USR1|USR2) trap - HUP INT TERM; kill -s "$n" $$ ;; esac
fi
exit "$s"`;

/** `file args` run through {@link EXIT_STATUS_WRAPPER} when `exitFile` is given (POSIX only). */
function withExitStatus(file: string, args: string[], exitFile: string | undefined): [string, string[]] {
  return exitFile === undefined || isWindows
    ? [file, args]
    : ['/bin/sh', ['-c', EXIT_STATUS_WRAPPER, 'xlens-task', exitFile, file, ...args]];
}

/**
 * Spawns `command` through the shell: `/bin/sh -c` on Linux and macOS, `cmd.exe /d /s /c` on Windows.
 * On POSIX the child leads a new process group (`detached`), so {@link signalTree} reaches its children.
 * @param exitFile on POSIX, where the task's exit status is written when it ends (see
 *   {@link EXIT_STATUS_WRAPPER}); the returned process is then that wrapper, which leads the group.
 */
export function spawnShell(
  command: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  exitFile?: string,
): TaskProcess {
  if (isWindows) {
    return spawn(process.env.ComSpec ?? 'cmd.exe', ['/d', '/s', '/c', `"${command}"`], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
      windowsVerbatimArguments: true,
    });
  }
  const [file, args] = withExitStatus('/bin/sh', ['-c', command], exitFile);
  return spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
}

/**
 * Spawns an executable with arguments (no shell) in a new process group on POSIX.
 * @param exitFile as for {@link spawnShell}.
 */
export function spawnProgram(
  program: string,
  programArgs: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  exitFile?: string,
): TaskProcess {
  const [file, args] = withExitStatus(program, programArgs, exitFile);
  return spawn(file, args, {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: !isWindows,
    windowsHide: true,
  });
}

/**
 * Sends `signal` to the process group led by `pid` (POSIX) or to the process (Windows).
 * @returns false when there was nothing left to signal.
 */
export function signalTree(pid: number | undefined, signal: NodeJS.Signals): boolean {
  if (pid === undefined) {
    return false;
  }
  try {
    process.kill(isWindows ? pid : -pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

/** The name of signal number `n` (e.g. 9 → `SIGKILL`), or undefined. */
export function signalName(n: number): NodeJS.Signals | undefined {
  const entry = Object.entries(constants.signals).find(([, value]) => value === n);
  return entry ? (entry[0] as NodeJS.Signals) : undefined;
}
