/**
 * The queue worker of one workspace (`xlens queue worker`, started detached by `xlens run --queue`):
 * holds the worker lock, starts queued runs in order as `xlens run <task> --queued <run>` processes
 * (the same supervisor as any run, so the run folder, metrics and git record are the same), at most
 * `concurrency` at a time, each with a GPU of its own through `CUDA_VISIBLE_DEVICES`, and exits once
 * the queue is empty. Runs it started are detached: they finish, and record their end, should the
 * worker die; the next worker adopts them (their pids are in the running entries). No `vscode` import.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveEntrypoint, type EntrypointCommand } from '../base/entrypoints';
import { isSameProcess, processStartToken } from '../base/process';
import type { QueueSettings } from '../config/types';
import { cliRunArgs } from '../runner/launcher';
import type { RunStore } from '../runs/store';
import { moveEntry, queueDir, readQueue, writeRunningEntry, type QueuedEntry } from './queueFiles';
import { WorkerLock } from './workerLock';

/** How often the worker looks at the queue folder when nothing else wakes it (ms). */
export const QUEUE_POLL_MS = 250;

/** What the worker needs. */
export interface QueueWorkerOptions {
  store: RunStore;
  settings: QueueSettings;
  /** Stops the worker: it starts nothing more and exits; runs it started go on. */
  signal?: AbortSignal;
  /** Told each thing the worker does, one line each (the CLI writes them to `worker.log`). */
  log: (line: string) => void;
  /** How to start the CLI (default: the bundled `cli.js`, or the sources through tsx). */
  entry?: EntrypointCommand;
}

/** Why the worker stopped. */
export type WorkerExit = 'empty' | 'locked' | 'stopped' | 'lost-lock';

interface Job {
  gpu?: string;
  pid?: number;
  pidStart?: string;
  /** True once a child of this worker exited (adopted jobs are watched through their pid). */
  exited: boolean;
  own: boolean;
}

/** The slots and GPUs in use, and what starting the next pending runs needs. */
class Slots {
  readonly jobs = new Map<string, Job>();
  constructor(private readonly settings: QueueSettings) {}

  /** A GPU no job holds; undefined when all are held (or none are configured). */
  freeGpu(): string | undefined {
    const held = new Set([...this.jobs.values()].map((j) => j.gpu));
    return this.settings.gpus.find((g) => !held.has(g));
  }

  hasRoom(): boolean {
    return (
      this.jobs.size < this.settings.concurrency &&
      (this.settings.gpus.length === 0 || this.freeGpu() !== undefined)
    );
  }
}

/**
 * Runs the queue of `options.store`'s workspace until it is empty (or the signal fires).
 * @returns `locked` at once when another live worker holds the lock.
 */
export async function runQueueWorker(options: QueueWorkerOptions): Promise<WorkerExit> {
  const root = options.store.root;
  for (let first = true; ; first = false) {
    const lock = await WorkerLock.acquire(root);
    if (!lock) {
      if (first) {
        options.log('another queue worker holds the lock; leaving the queue to it');
      }
      return 'locked';
    }
    options.log(
      `queue worker ${process.pid} holds the lock (concurrency ${options.settings.concurrency}` +
        `${options.settings.gpus.length ? `, GPUs ${options.settings.gpus.join(',')}` : ''})`,
    );
    let exit: WorkerExit;
    try {
      exit = await new Worker(options, lock).run();
    } finally {
      await lock.release();
    }
    if (exit !== 'empty') {
      return exit;
    }
    // A run queued while this worker was deciding to stop found the lock still held, and its own
    // worker left: look once more now that the lock is free.
    if (!(await readQueue(root)).entries.some((e) => e.state === 'pending')) {
      options.log('queue empty; worker exits');
      return 'empty';
    }
  }
}

class Worker {
  private readonly slots: Slots;
  private readonly reported = new Set<string>();
  private wake: (() => void) | undefined;

  constructor(
    private readonly options: QueueWorkerOptions,
    private readonly lock: WorkerLock,
  ) {
    this.slots = new Slots(options.settings);
  }

  private get root(): string {
    return this.options.store.root;
  }

  async run(): Promise<WorkerExit> {
    const { signal } = this.options;
    const onAbort = (): void => this.wake?.();
    signal?.addEventListener('abort', onAbort);
    try {
      for (;;) {
        if (signal?.aborted) {
          return 'stopped';
        }
        if (!(await this.lock.held())) {
          this.options.log('the worker lock was taken over; this worker exits');
          return 'lost-lock';
        }
        const { entries, problems } = await readQueue(this.root);
        for (const problem of problems.filter((p) => !this.reported.has(p.file))) {
          this.reported.add(problem.file);
          this.options.log(`skipped: ${problem.message}`);
        }
        await this.retire(entries);
        const pending = entries.filter((e) => e.state === 'pending');
        for (const entry of pending) {
          if (!this.slots.hasRoom()) {
            break;
          }
          await this.start(entry);
        }
        if (this.slots.jobs.size === 0 && pending.length === 0) {
          return 'empty';
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, QUEUE_POLL_MS);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Frees the slots of runs that ended, and adopts running entries of a worker that died. */
  private async retire(entries: QueuedEntry[]): Promise<void> {
    for (const entry of entries.filter((e) => e.state === 'running' && !this.slots.jobs.has(e.run))) {
      if (entry.pid !== undefined && isSameProcess(entry.pid, entry.pidStart)) {
        this.options.log(`adopted run ${entry.run} (pid ${entry.pid}) from an earlier worker`);
        this.slots.jobs.set(entry.run, { ...pick(entry), exited: false, own: false });
      } else if (entry.pid === undefined) {
        // Taken by a worker that died before starting it: give it back to the queue.
        const record = await this.options.store.get(entry.run);
        if (record?.status === 'queued' && !isSameProcess(record.supervisorPid, record.supervisorStart)) {
          await moveEntry(this.root, entry.run, 'running', 'pending');
        } else if (record?.status === 'queued' || record?.status === 'running') {
          this.slots.jobs.set(entry.run, { ...pick(entry), exited: false, own: false });
        } else {
          await moveEntry(this.root, entry.run, 'running', undefined);
        }
      } else {
        await this.finish(entry.run);
      }
    }
    for (const [run, job] of [...this.slots.jobs]) {
      const ended = job.own ? job.exited : !isSameProcess(job.pid, job.pidStart);
      if (ended) {
        await this.finish(run);
      }
    }
  }

  /** Takes a pending entry (unless cancelled meanwhile) and starts its run. */
  private async start(entry: QueuedEntry): Promise<void> {
    if (!(await moveEntry(this.root, entry.run, 'pending', 'running'))) {
      return; // cancelled since the listing
    }
    const gpu = this.slots.freeGpu();
    const job: Job = { ...(gpu !== undefined ? { gpu } : {}), exited: false, own: true };
    this.slots.jobs.set(entry.run, job);
    const entryCommand = this.options.entry ?? resolveEntrypoint('cli');
    const args = [
      ...cliRunArgs(entry.task, entry.overrides),
      '--queued',
      entry.run,
      ...(entry.extraArgs.length > 0 ? ['--', ...entry.extraArgs] : []),
    ];
    const logFd = openSync(startLog(this.root, entry.run), 'a');
    try {
      const child = spawn(process.execPath, [...entryCommand.execArgv, entryCommand.script, ...args], {
        cwd: this.root,
        detached: true,
        stdio: ['ignore', logFd, logFd],
        env: {
          ...process.env,
          ELECTRON_RUN_AS_NODE: '1',
          ...(gpu !== undefined ? { CUDA_VISIBLE_DEVICES: gpu } : {}),
        },
        windowsHide: true,
      });
      const ended = (): void => {
        job.exited = true;
        this.wake?.();
      };
      child.once('error', ended);
      child.once('exit', ended);
      child.unref();
      job.pid = child.pid;
      job.pidStart = processStartToken(child.pid);
    } finally {
      closeSync(logFd);
    }
    await writeRunningEntry(this.root, { ...strip(entry), ...pick(job) });
    this.options.log(
      `started run ${entry.run} (${entry.task}) as pid ${job.pid ?? '?'}${gpu !== undefined ? ` on GPU ${gpu}` : ''}`,
    );
  }

  /**
   * Ends a job: a run its supervisor never took over (the CLI refused it: config broken since it was
   * queued, a param gone) is recorded `failed` with what the CLI said; then the entry leaves the queue.
   */
  private async finish(run: string): Promise<void> {
    this.slots.jobs.delete(run);
    const log = startLog(this.root, run);
    const record = await this.options.store.get(run);
    if (record?.status === 'queued' && !isSameProcess(record.supervisorPid, record.supervisorStart)) {
      const said = (await readFile(log, 'utf8').catch(() => '')).trim().split('\n').slice(-5).join('\n');
      const now = new Date();
      await this.options.store.write({
        ...record,
        status: 'failed',
        error: `the queued run did not start: ${said || 'xlens exited without a message'}`,
        endedAt: now.toISOString(),
        durationMs: 0,
      });
    }
    await moveEntry(this.root, run, 'running', undefined);
    await rm(log, { force: true });
    this.options.log(`run ${run} left the queue (${record?.status ?? 'record missing'})`);
  }
}

/** What `xlens run --queued` printed (its errors), kept until the run leaves the queue. */
function startLog(root: string, run: string): string {
  return join(queueDir(root), `${run}.log`);
}

function pick(job: Pick<Job, 'gpu' | 'pid' | 'pidStart'>): Pick<Job, 'gpu' | 'pid' | 'pidStart'> {
  return {
    ...(job.gpu !== undefined ? { gpu: job.gpu } : {}),
    ...(job.pid !== undefined ? { pid: job.pid } : {}),
    ...(job.pidStart !== undefined ? { pidStart: job.pidStart } : {}),
  };
}

function strip(entry: QueuedEntry): Omit<QueuedEntry, 'state' | 'file'> {
  const { state: _state, file: _file, ...rest } = entry;
  return rest;
}
