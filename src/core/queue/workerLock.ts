/**
 * The lock that keeps one queue worker per workspace: `.xlens/queue/worker.lock`, created whole and
 * exclusively (written to a private file, then `link`ed to the lock name, which fails when the name
 * exists: the POSIX way to create a file exclusively with its contents in place). It names its holder
 * (pid, start token, host, a random nonce). A lock whose holder is gone (pid dead, or recycled: its
 * start token differs) is stale and taken over; the takeover of the lock with nonce N is itself guarded
 * by an exclusively created `worker.lock.takeover-N`, so of several workers finding the same stale lock
 * one removes it, and none can remove the lock a live worker has just taken (a nonce never repeats).
 * No `vscode` import.
 */
import { randomBytes } from 'node:crypto';
import { link, open, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isSameProcess, processStartToken } from '../base/process';
import { queueDir } from './queueFiles';

/** The contents of `worker.lock`. */
export interface LockHolder {
  pid: number;
  /** `processStartToken(pid)` where known (Linux). */
  start?: string;
  host: string;
  nonce: string;
}

/** `.xlens/queue/worker.lock` of `root`. */
export function lockFile(root: string): string {
  return join(queueDir(root), 'worker.lock');
}

/** The holder written in the lock file, or undefined when there is none or it cannot be read. */
export async function readLockHolder(root: string): Promise<LockHolder | undefined> {
  try {
    const value = JSON.parse(await readFile(lockFile(root), 'utf8')) as Partial<LockHolder> | null;
    return value && typeof value.pid === 'number' && typeof value.nonce === 'string'
      ? {
          pid: value.pid,
          host: typeof value.host === 'string' ? value.host : '',
          nonce: value.nonce,
          ...(typeof value.start === 'string' ? { start: value.start } : {}),
        }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * True while `holder` lives. A holder on another host (a workspace on a shared filesystem) cannot be
 * checked from here and counts as alive.
 */
export function holderAlive(holder: LockHolder): boolean {
  return holder.host !== hostname() || isSameProcess(holder.pid, holder.start);
}

/** The queue worker lock held by this process. */
export class WorkerLock {
  private constructor(
    readonly root: string,
    readonly holder: LockHolder,
  ) {}

  /**
   * Takes the lock of `root`'s queue for this process, taking over a stale one.
   * @returns the lock, or undefined when a live worker holds it.
   * @throws Error from the filesystem (a queue folder that cannot be written).
   */
  static async acquire(root: string): Promise<WorkerLock | undefined> {
    const holder: LockHolder = {
      pid: process.pid,
      ...(processStartToken(process.pid) ? { start: processStartToken(process.pid) } : {}),
      host: hostname(),
      nonce: randomBytes(8).toString('hex'),
    };
    const file = lockFile(root);
    const mine = `${file}.${holder.nonce}`;
    await writeFile(mine, JSON.stringify(holder) + '\n', { flag: 'wx' });
    try {
      // A few rounds: each round either takes the lock, finds a live holder, or removes a stale one.
      for (let round = 0; round < 10; round++) {
        try {
          await link(mine, file);
          return new WorkerLock(root, holder);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
            throw error;
          }
        }
        const current = await readLockHolder(root);
        if (current && holderAlive(current)) {
          return undefined;
        }
        await removeStale(root, current);
      }
      return undefined;
    } finally {
      await rm(mine, { force: true });
    }
  }

  /** True while the lock file still names this process (nobody took it over). */
  async held(): Promise<boolean> {
    return (await readLockHolder(this.root))?.nonce === this.holder.nonce;
  }

  /** Gives the lock up (when it is still this process's). */
  async release(): Promise<void> {
    if (await this.held()) {
      await rm(lockFile(this.root), { force: true });
    }
  }
}

/**
 * Removes the stale lock `seen` (undefined: a lock file that is not a holder, e.g. damaged), unless
 * another process is taking it over or the lock changed since it was read.
 */
async function removeStale(root: string, seen: LockHolder | undefined): Promise<void> {
  const file = lockFile(root);
  const id = seen?.nonce.replace(/[^0-9a-f]/g, '') || 'unreadable';
  const guard = `${file}.takeover-${id}`;
  let handle;
  try {
    handle = await open(guard, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return; // another worker is taking this one over
    }
    throw error;
  }
  try {
    await handle.close();
    const now = await readLockHolder(root);
    if (now?.nonce === seen?.nonce) {
      await rm(file, { force: true });
    }
  } finally {
    await rm(guard, { force: true });
  }
}
