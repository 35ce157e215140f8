/**
 * Process identity on this machine: whether a pid is alive, and whether it is still the process that
 * held it when a run recorded it (start tokens, so a recycled pid is not taken for the recorded one).
 * Used by the runner to record pids and by run reconciliation to tell orphaned runs apart.
 */
import { readFileSync } from 'node:fs';

/**
 * True when a process with this pid exists and has not exited (signal 0 probes without signalling).
 * On Linux a zombie (exited, not yet reaped, common for orphans in containers) counts as exited.
 */
export function isAlive(pid: number | undefined): boolean {
  if (pid === undefined || pid <= 0) {
    return false;
  }
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform === 'linux') {
    try {
      // /proc/<pid>/stat: "pid (comm) state ..."; comm may contain spaces and parentheses.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * Identifies one process over its lifetime on this machine, so a recycled pid is not mistaken for the
 * process that held it before: on Linux `<boot time>:<start time>`, the boot time in Unix seconds
 * (`btime` of `/proc/stat`) and the start time in clock ticks after boot (field 22 of
 * `/proc/<pid>/stat`, see proc(5)). Undefined elsewhere or when the process does not exist.
 */
export function processStartToken(pid: number | undefined): string | undefined {
  if (pid === undefined || pid <= 0 || process.platform !== 'linux') {
    return undefined;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses; fields after it start at 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = fields[22 - 3];
    const boot = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1];
    return ticks !== undefined && /^\d+$/.test(ticks) && boot !== undefined ? `${boot}:${ticks}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * True when `pid` is alive ({@link isAlive}) and is still the process recorded with start token
 * `start` ({@link processStartToken}). Without a recorded token, or where tokens cannot be read, the
 * pid alone decides.
 */
export function isSameProcess(pid: number | undefined, start: string | undefined): boolean {
  if (!isAlive(pid)) {
    return false;
  }
  if (start === undefined) {
    return true;
  }
  const now = processStartToken(pid);
  return now === undefined || now === start;
}
