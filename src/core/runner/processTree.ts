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
 * Spawns `command` through the shell: `/bin/sh -c` on Linux and macOS, `cmd.exe /d /s /c` on Windows.
 * On POSIX the child leads a new process group (`detached`), so {@link signalTree} reaches its children.
 */
export function spawnShell(command: string, cwd: string, env: NodeJS.ProcessEnv): TaskProcess {
  if (isWindows) {
    return spawn(process.env.ComSpec ?? 'cmd.exe', ['/d', '/s', '/c', `"${command}"`], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
      windowsVerbatimArguments: true,
    });
  }
  return spawn('/bin/sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
}

/** Spawns an executable with arguments (no shell) in a new process group on POSIX. */
export function spawnProgram(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): TaskProcess {
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
