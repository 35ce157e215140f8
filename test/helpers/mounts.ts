/**
 * Real file system faults for tests: a small tmpfs (a disk that fills up) and read-only mounts. Mounting
 * needs root (or CAP_SYS_ADMIN); {@link mountsUnavailable} says why when it is not possible, for the
 * test to skip with that reason.
 */
import { execFileSync } from 'node:child_process';
import { rmdirSync } from 'node:fs';
import { tempDir } from './gitRepo';

function run(args: string[]): void {
  execFileSync(args[0], args.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Undefined when this process can mount a tmpfs; else why not (for `it(..., { skip })`). */
export function mountsUnavailable(): string | undefined {
  if (process.platform !== 'linux') {
    return 'tmpfs and bind mounts are Linux-only here';
  }
  const dir = tempDir('xlens-mount-probe-');
  try {
    run(['mount', '-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]);
    run(['umount', dir]);
    return undefined;
  } catch (error) {
    return `cannot mount here (needs root): ${(error as Error).message.split('\n')[0]}`;
  } finally {
    rmdirSync(dir);
  }
}

/** Mounts a tmpfs of `size` (e.g. `8m`) on `dir` (an existing, empty folder). */
export function mountTmpfs(dir: string, size: string): void {
  run(['mount', '-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
}

/** Makes `dir` read-only in place: a bind mount of itself, remounted `ro` (this stops root too). */
export function bindReadOnly(dir: string): void {
  run(['mount', '--bind', dir, dir]);
  run(['mount', '-o', 'remount,ro,bind', dir]);
}

/** Unmounts `dir`; lazily when something still holds a file there. */
export function unmount(dir: string): void {
  try {
    run(['umount', dir]);
  } catch {
    run(['umount', '-l', dir]);
  }
}
