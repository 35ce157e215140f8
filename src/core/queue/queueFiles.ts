/**
 * The local run queue on disk: one file per queued run under `.xlens/queue/`, named after the run and
 * its state (`<run>.pending.json`, then `<run>.running.json` once a worker took it). A state change is
 * a `rename`, atomic on one filesystem, so a worker taking a run and a user cancelling it cannot both
 * win. The run itself (`.xlens/runs/<run>/run.json`, status `queued`) is created when it is queued, so
 * every listing shows it; the entry holds what the worker needs to start it. No `vscode` import.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UserInputError } from '../base/errors';
import { writeFileAtomic, toJsonText } from '../runs/atomicWrite';
import type { ParamValue, RunRecord } from '../runs/types';
import { dict } from '../../shared/dict';

/** The state of a queue entry: waiting for a slot, or taken by a worker. */
export type QueueEntryState = 'pending' | 'running';

/** The contents of `.xlens/queue/<run>.<state>.json`. */
export interface QueueEntry {
  schema: 1;
  /** The run's id (its folder under `.xlens/runs/`). */
  run: string;
  task: string;
  /** `--set key=value` params, by flattened key, passed to the run when it starts. */
  overrides: Record<string, ParamValue>;
  /** Arguments after `--`, appended to a `run:` command. */
  extraArgs: string[];
  /** When it was queued, Unix ms: the queue's order (ties broken by run id). */
  enqueuedAt: number;
  /** Set when a worker takes it: the GPU handed out (`CUDA_VISIBLE_DEVICES`), if any. */
  gpu?: string;
  /** Set once started: pid and start token (`processStartToken`) of the run's supervising `xlens run`. */
  pid?: number;
  pidStart?: string;
}

/** A queue entry read from disk, with its state and file. */
export interface QueuedEntry extends QueueEntry {
  state: QueueEntryState;
  file: string;
}

/** A queue file that could not be read as an entry: named for the user, never deleted by xlens. */
export interface QueueProblem {
  file: string;
  message: string;
}

const ENTRY_NAME = /^(\d{8}T\d{6}Z-[0-9a-f]{4,8})\.(pending|running)\.json$/;

/** `.xlens/queue` of the workspace `root`. */
export function queueDir(root: string): string {
  return join(root, '.xlens', 'queue');
}

/** The file of `run`'s entry in `state`. */
export function entryFile(root: string, run: string, state: QueueEntryState): string {
  return join(queueDir(root), `${run}.${state}.json`);
}

/**
 * True while the queue holds `run` (pending, taken by a worker, or being cancelled): such a run is `queued` without a
 * supervisor, and listings must not take it for an orphan. Two `stat`s, no read.
 */
export function queueHolds(root: string, run: string): boolean {
  return (
    existsSync(entryFile(root, run, 'pending')) ||
    existsSync(entryFile(root, run, 'running')) ||
    existsSync(join(queueDir(root), `${run}.cancelling.json`))
  );
}

/** True when `record` is a queued run the local queue holds (see {@link queueHolds}). */
export function heldByQueue(root: string, record: Pick<RunRecord, 'id' | 'status' | 'queue'>): boolean {
  return record.status === 'queued' && record.queue !== undefined && queueHolds(root, record.id);
}

/**
 * Adds a pending entry (written atomically, so a worker never reads half of it).
 * @throws Error from the filesystem (the caller names the fault).
 */
export async function writePendingEntry(root: string, entry: QueueEntry): Promise<void> {
  await mkdir(queueDir(root), { recursive: true });
  await writeFileAtomic(entryFile(root, entry.run, 'pending'), toJsonText(entry));
}

/** Rewrites a taken entry (its GPU and the supervisor's pid), atomically. */
export async function writeRunningEntry(root: string, entry: QueueEntry): Promise<void> {
  await writeFileAtomic(entryFile(root, entry.run, 'running'), toJsonText(entry));
}

/**
 * Moves `run`'s entry from `from` to `to` (or out of the queue when `to` is undefined: the entry is
 * renamed aside, then deleted). Atomic: of two processes moving the same entry, one wins.
 * @returns false when the entry was not in state `from` (another process moved it first).
 */
export async function moveEntry(
  root: string,
  run: string,
  from: QueueEntryState,
  to: QueueEntryState | undefined,
): Promise<boolean> {
  const target = to ? entryFile(root, run, to) : join(queueDir(root), `${run}.${from}.done-${process.pid}`);
  try {
    await rename(entryFile(root, run, from), target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return false;
    }
    throw error;
  }
  if (!to) {
    await rm(target, { force: true });
  }
  return true;
}

/**
 * Reads every entry of the queue, in queue order (oldest `enqueuedAt` first, then run id). Files that
 * are not entries (damaged, edited by hand) go to `problems`, each naming the file, and are left
 * where they are: the run they stood for is not lost, and removing the file is the user's call.
 */
export async function readQueue(root: string): Promise<{ entries: QueuedEntry[]; problems: QueueProblem[] }> {
  let names: string[];
  try {
    names = await readdir(queueDir(root));
  } catch {
    return { entries: [], problems: [] };
  }
  const entries: QueuedEntry[] = [];
  const problems: QueueProblem[] = [];
  for (const name of names) {
    const match = ENTRY_NAME.exec(name);
    if (!match) {
      continue;
    }
    const file = join(queueDir(root), name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        problems.push({ file, message: `${file}: cannot be read (${(error as Error).message}).` });
      }
      continue; // ENOENT: moved on by a worker or a cancel since the listing
    }
    try {
      entries.push({ ...parseEntry(text, file, match[1]), state: match[2] as QueueEntryState, file });
    } catch (error) {
      problems.push({ file, message: (error as Error).message });
    }
  }
  entries.sort((a, b) => a.enqueuedAt - b.enqueuedAt || a.run.localeCompare(b.run));
  return { entries, problems };
}

/**
 * Parses one entry file.
 * @throws UserInputError naming the file, what is wrong and the fix.
 */
export function parseEntry(text: string, file: string, run: string): QueueEntry {
  const fix =
    `the queued run ${run} stays in .xlens/runs; remove this file to drop it from the queue ` +
    `(then \`xlens runs\` finalises the run), or queue the task again.`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UserInputError(`${file}: not valid JSON (${(error as Error).message}); ${fix}`, { file });
  }
  const entry = value as Partial<QueueEntry> | null;
  if (
    entry === null ||
    typeof entry !== 'object' ||
    entry.run !== run ||
    typeof entry.task !== 'string' ||
    typeof entry.enqueuedAt !== 'number' ||
    (entry.overrides !== undefined && (typeof entry.overrides !== 'object' || entry.overrides === null)) ||
    (entry.extraArgs !== undefined && !Array.isArray(entry.extraArgs))
  ) {
    throw new UserInputError(`${file}: not a queue entry (needs run "${run}", task, enqueuedAt); ${fix}`, {
      file,
    });
  }
  const overrides: Record<string, ParamValue> = dict();
  for (const [key, v] of Object.entries(entry.overrides ?? {})) {
    if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) {
      overrides[key] = v;
    }
  }
  return {
    schema: 1,
    run,
    task: entry.task,
    overrides,
    extraArgs: (entry.extraArgs ?? []).map(String),
    enqueuedAt: entry.enqueuedAt,
    ...(typeof entry.gpu === 'string' ? { gpu: entry.gpu } : {}),
    ...(typeof entry.pid === 'number' ? { pid: entry.pid } : {}),
    ...(typeof entry.pidStart === 'string' ? { pidStart: entry.pidStart } : {}),
  };
}
