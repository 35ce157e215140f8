/**
 * Test helpers for the local run queue: a temp git repo whose task waits for a gate file the test
 * creates (so a test decides when each queued run ends, and waits for states, never for times), and
 * readers of the queue's files.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord } from '../../src/core/runs/types';
import { makeRepo } from './gitRepo';
import { waitFor, xlens } from './xlensProcess';

/** A repo with task `gated` (prints its GPU, then waits for `gates/<run id>`) and `queue:` as given. */
export function gatedRepo(queue: string): string {
  return makeRepo({
    'xlens.yaml': [
      'version: 1',
      `queue: ${queue}`,
      'tasks:',
      '  gated:',
      `    run: sh -c 'echo "gpu=$CUDA_VISIBLE_DEVICES"; while [ ! -e "gates/$XLENS_RUN_ID" ]; do sleep 0.05; done'`,
      '',
    ].join('\n'),
    '.gitignore': 'gates/\n',
  });
}

/** `xlens run --queue gated`; returns the queued run's id. */
export async function queueGated(root: string, args: string[] = []): Promise<string> {
  const result = await xlens(root, ['run', '--queue', 'gated', ...args]);
  const id = /· run (\S+) · position \d+/.exec(result.stdout)?.[1];
  if (result.code !== 0 || id === undefined) {
    throw new Error(`xlens run --queue failed (${result.code}): ${result.stdout}${result.stderr}`);
  }
  return id;
}

/** Lets the gated run `id` end. */
export function release(root: string, id: string): void {
  mkdirSync(join(root, 'gates'), { recursive: true });
  writeFileSync(join(root, 'gates', id), '');
}

/**
 * Lets every run of `root` end (for a test's cleanup: a failed test must not leave tasks waiting on
 * their gates; the worker then empties the queue and exits by itself).
 */
export function releaseAll(root: string): void {
  const runs = join(root, '.xlens/runs');
  for (const id of existsSync(runs) ? readdirSync(runs) : []) {
    release(root, id);
  }
}

/** The run's `run.json`, or undefined while it cannot be read. */
export function record(root: string, id: string): RunRecord | undefined {
  try {
    return JSON.parse(readFileSync(join(root, '.xlens/runs', id, 'run.json'), 'utf8')) as RunRecord;
  } catch {
    return undefined;
  }
}

/** Waits until run `id` has `status`. */
export async function waitStatus(root: string, id: string, status: RunRecord['status']): Promise<RunRecord> {
  await waitFor(
    `run ${id} ${status} (is ${record(root, id)?.status})`,
    () => record(root, id)?.status === status,
  );
  return record(root, id)!;
}

/** The `.xlens/queue` file names (entries, lock, logs). */
export function queueFiles(root: string): string[] {
  const dir = join(root, '.xlens/queue');
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

/** The pid in the worker lock, or undefined without a lock. */
export function lockPid(root: string): number | undefined {
  try {
    return (JSON.parse(readFileSync(join(root, '.xlens/queue/worker.lock'), 'utf8')) as { pid: number }).pid;
  } catch {
    return undefined;
  }
}

/** The worker log so far. */
export function workerLog(root: string): string {
  try {
    return readFileSync(join(root, '.xlens/queue/worker.log'), 'utf8');
  } catch {
    return '';
  }
}

/** Waits until the queue is empty and its worker has gone (no entries, no lock). */
export async function waitQueueDone(root: string): Promise<void> {
  await waitFor(`the queue to empty (files: ${queueFiles(root).join(', ')})`, () =>
    queueFiles(root).every((f) => f === 'worker.log'),
  );
}
