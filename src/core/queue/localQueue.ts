/**
 * The local run queue's front: queue a run, start the workspace's worker, list and cancel queued runs.
 * Used by `xlens run --queue`, `xlens queue` and the editor's Queue Task and Cancel Run. The queue's
 * files are in `queueFiles.ts`, its lock in `workerLock.ts`, its worker in `worker.ts`. No `vscode`.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveEntrypoint, type EntrypointCommand } from '../base/entrypoints';
import { storeWriteError } from '../base/fsErrors';
import { isSameProcess } from '../base/process';
import { cancelRun } from '../runner/launcher';
import type { RunTaskOptions, TaskRunner } from '../runner/taskRunner';
import type { RunStore } from '../runs/store';
import { isFinalStatus, type RunRecord } from '../runs/types';
import { entryFile, queueDir, queueHolds, readQueue, writePendingEntry } from './queueFiles';
import { holderAlive, readLockHolder, type LockHolder } from './workerLock';
import { dict } from '../../shared/dict';

/** `.xlens/queue/worker.log`: what queue workers did, appended. */
export function workerLog(root: string): string {
  return join(queueDir(root), 'worker.log');
}

/**
 * Queues a run of `taskName`: creates the run (status `queued`, see `TaskRunner.enqueue`) and its
 * pending entry, then starts a worker (which leaves at once if one already runs).
 * @returns the queued run, its 1-based position among pending runs, and the started worker's pid.
 * @throws UserInputError as `xlens run` before a run is created (unknown task, bad param), or when
 *   the queue folder cannot be written.
 */
export async function enqueueRun(
  runner: TaskRunner,
  taskName: string,
  options: Pick<RunTaskOptions, 'overrides' | 'extraArgs'> = {},
  entry?: EntrypointCommand,
): Promise<{ record: RunRecord; position: number; workerPid: number | undefined }> {
  const root = runner.store.root;
  const record = await runner.enqueue(taskName, options);
  try {
    await writePendingEntry(root, {
      schema: 1,
      run: record.id,
      task: record.task,
      overrides: options.overrides ?? dict(),
      extraArgs: options.extraArgs ?? [],
      enqueuedAt: Date.parse(record.queue?.enqueuedAt ?? record.createdAt),
    });
  } catch (error) {
    // No entry: the run would wait forever. Remove it, then say why.
    await runner.store.delete(record.id).catch(() => undefined);
    throw storeWriteError(error, queueDir(root));
  }
  const pending = (await readQueue(root)).entries.filter((e) => e.state === 'pending');
  const position = pending.findIndex((e) => e.run === record.id) + 1;
  return { record, position, workerPid: startQueueWorker(root, entry) };
}

/**
 * Starts `xlens queue worker` detached in `root` (own process group, output appended to
 * `worker.log`), so it outlives this process, the terminal and the editor.
 * @returns its pid (undefined when it could not be spawned; the queue then waits for the next start).
 */
export function startQueueWorker(
  root: string,
  entry: EntrypointCommand = resolveEntrypoint('cli'),
  execPath: string = process.execPath,
): number | undefined {
  const fd = openSync(workerLog(root), 'a');
  try {
    const child = spawn(execPath, [...entry.execArgv, entry.script, 'queue', 'worker'], {
      cwd: root,
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      windowsHide: true,
    });
    child.once('error', () => undefined);
    child.unref();
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/** The worker holding the queue's lock while it lives; undefined when none does. */
export async function liveWorker(root: string): Promise<LockHolder | undefined> {
  const holder = await readLockHolder(root);
  return holder && holderAlive(holder) ? holder : undefined;
}

/** How {@link cancelQueuedRun} cancelled a run. */
export type QueueCancel = 'removed' | 'signalled' | 'ended';

/**
 * Cancels a queued run: a pending one leaves the queue and is recorded `cancelled`; one a worker has
 * started is stopped like any run (SIGTERM to its supervisor, which records `cancelled`). Between a
 * worker taking a run and its supervisor recording itself there is a moment without a pid: this waits
 * for the supervisor (a state, polled) up to `waitMs`.
 * @returns `ended` when the run had already ended.
 * @throws UserInputError when the run's folder cannot be written.
 */
export async function cancelQueuedRun(
  store: RunStore,
  run: RunRecord,
  waitMs = 30_000,
): Promise<QueueCancel> {
  const root = store.root;
  const cancelling = join(queueDir(root), `${run.id}.cancelling.json`);
  await mkdir(queueDir(root), { recursive: true });
  const removed = await rename(entryFile(root, run.id, 'pending'), cancelling).then(
    () => true,
    () => false,
  );
  if (removed) {
    try {
      const current = (await store.get(run.id)) ?? run;
      const now = new Date().toISOString();
      await store.write({
        ...current,
        status: 'cancelled',
        error: 'cancelled while queued',
        endedAt: now,
        durationMs: 0,
      });
    } catch (error) {
      throw storeWriteError(error, store.runDir(run.id));
    } finally {
      await rm(cancelling, { force: true });
    }
    return 'removed';
  }
  const deadline = Date.now() + waitMs;
  for (;;) {
    const current = await store.get(run.id);
    if (!current || isFinalStatus(current.status)) {
      return 'ended';
    }
    const supervised = isSameProcess(current.supervisorPid, current.supervisorStart);
    if (supervised && cancelRun(current)) {
      return 'signalled';
    }
    if ((!supervised && !queueHolds(root, run.id)) || Date.now() > deadline) {
      return 'ended';
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
