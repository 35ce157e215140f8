/**
 * The runs index: `.xlens/cache/runs-index.json`, a cache of every run's `run.json` so listing many
 * runs reads one file and checks each record's identity (`stat`: size, mtime, inode) instead of opening
 * and parsing every `run.json` (DESIGN.md, "A run": the run folders stay the truth).
 *
 * Kept incrementally: an entry is reused only while its `run.json` has the same size, modification
 * time and inode as when it was read (an atomic write, temp file + rename, always makes a new inode);
 * any other entry is read again from its `run.json`, entries of folders that are gone are dropped, and
 * the index is written back (atomically, `atomicWrite.ts`) only when something changed. A missing,
 * damaged or truncated index, or one of another shape, is rebuilt from the run folders; entries that do
 * not look like records are dropped one by one. An index written by a newer xlens (`version` above
 * {@link RUNS_INDEX_VERSION}) is neither read nor overwritten. Writers in several processes (the CLI and
 * the editor) each replace the whole file with a consistent one: the last one wins, and what it lacks is
 * read again from `run.json` next time. A read-only or full `.xlens/cache` only costs the speed-up.
 */
import { statSync, type Stats } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { NotRegularFileError, openRegularFile } from '../base/regularFile';
import { writeFileAtomic } from './atomicWrite';
import type { RunProblem, RunStore } from './store';
import { RUN_STATUSES, type RunRecord, type RunStatus } from './types';

/** Format version of the index file; an index of another version is never trusted. */
export const RUNS_INDEX_VERSION = 1;

/** The index file inside the store folder (`.xlens`). */
export const RUNS_INDEX_FILE = join('cache', 'runs-index.json');

/** One cached record with the identity of the `run.json` it was read from. */
export interface RunsIndexEntry {
  /** `mtimeMs` of `run.json` when read (ms since the epoch, fractional). */
  mtimeMs: number;
  /** Size of `run.json` in bytes. */
  size: number;
  /** Inode number of `run.json`. */
  ino: number;
  record: RunRecord;
}

/** The file's shape: `{ "version": 1, "entries": { "<run id>": RunsIndexEntry } }`. */
export interface RunsIndexFile {
  version: typeof RUNS_INDEX_VERSION;
  entries: Record<string, RunsIndexEntry>;
}

/** What one listing did with the index (for benchmarks, tests and logs). */
export interface RunsIndexStats {
  /** Records taken from the index. */
  reused: number;
  /** Records read from `run.json` (new, changed, or not in a usable index). */
  read: number;
  /** Entries dropped: their folder is gone, or they did not look like records. */
  dropped: number;
  /** What the index file was: usable, missing, damaged (rebuilt) or from a newer xlens (left alone). */
  file: 'used' | 'missing' | 'damaged' | 'newer';
  /** True when the index was written back. */
  written: boolean;
  /** Why writing the index failed (e.g. a read-only workspace); the listing is complete regardless. */
  writeError?: string;
}

/** The outcome of {@link listIndexedRuns}. */
export interface IndexedRuns {
  /** Readable runs, newest first (the store's id order, reversed). */
  runs: RunRecord[];
  /** Run folders whose `run.json` is missing or damaged, with the store's message naming the file. */
  problems: RunProblem[];
  stats: RunsIndexStats;
}

/** `stat` calls between yields to the event loop, so a listing of many runs never blocks for long. */
const STAT_CHUNK = 1000;

/** The index file of `store`. */
export function runsIndexPath(store: RunStore): string {
  return join(store.storeDir, RUNS_INDEX_FILE);
}

/**
 * The entry of run `id` as the store reads records; undefined when `value` is not one. Records are
 * kept in the index as `toRunRecord` made them (every field a reader relies on present), so a kept
 * record only needs its shape checked and its metric names made a null-prototype object again, in
 * place: no copy of thousands of records.
 */
function toEntry(value: unknown, id: string): RunsIndexEntry | undefined {
  if (value === null || typeof value !== 'object') {
    return undefined;
  }
  const entry = value as Partial<RunsIndexEntry>;
  const record = entry.record as Partial<RunRecord> | null | undefined;
  const isObject = (v: unknown): boolean => v !== null && typeof v === 'object';
  if (
    typeof entry.mtimeMs !== 'number' ||
    typeof entry.size !== 'number' ||
    typeof entry.ino !== 'number' ||
    record === null ||
    typeof record !== 'object' ||
    record.id !== id ||
    typeof record.task !== 'string' ||
    !RUN_STATUSES.includes(record.status as RunStatus) ||
    !isObject(record.git) ||
    !isObject(record.params) ||
    !Array.isArray(record.data) ||
    !isObject(record.metrics) ||
    !Array.isArray(record.artifacts)
  ) {
    return undefined;
  }
  Object.setPrototypeOf(record.metrics, null);
  return entry as RunsIndexEntry;
}

/** Reads the index: its usable entries, and what the file was. Never throws. */
async function readIndex(
  file: string,
): Promise<{ entries: Map<string, RunsIndexEntry>; file: RunsIndexStats['file']; dropped: number }> {
  const entries = new Map<string, RunsIndexEntry>();
  let text: string;
  try {
    // Only a regular file: a FIFO put in its place must not block the listing.
    const handle = await openRegularFile(file);
    try {
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    return { entries, file: error instanceof NotRegularFileError ? 'damaged' : 'missing', dropped: 0 };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { entries, file: 'damaged', dropped: 0 };
  }
  const index = parsed as Partial<RunsIndexFile> | null;
  if (index === null || typeof index !== 'object' || typeof index.version !== 'number') {
    return { entries, file: 'damaged', dropped: 0 };
  }
  if (index.version > RUNS_INDEX_VERSION) {
    return { entries, file: 'newer', dropped: 0 };
  }
  if (index.version !== RUNS_INDEX_VERSION || index.entries === null || typeof index.entries !== 'object') {
    return { entries, file: 'damaged', dropped: 0 };
  }
  let dropped = 0;
  for (const [id, value] of Object.entries(index.entries)) {
    const entry = toEntry(value, id);
    if (entry !== undefined) {
      entries.set(id, entry);
    } else {
      dropped++;
    }
  }
  return { entries, file: 'used', dropped };
}

/** `stat` of a `run.json`, or undefined when it is not there (a problem `store.read` then names). */
function statRecord(file: string): Stats | undefined {
  try {
    return statSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

function sameFile(entry: RunsIndexEntry, stats: Stats): boolean {
  return entry.mtimeMs === stats.mtimeMs && entry.size === stats.size && entry.ino === stats.ino;
}

/**
 * Lists the runs of `store` through its runs index, bringing the index up to date.
 * @param options.task only runs of this task (the index is still brought up to date for all runs).
 * @returns the same runs and problems as reading every `run.json` (`store.list()`), newest first.
 */
export async function listIndexedRuns(
  store: RunStore,
  options: { task?: string } = {},
): Promise<IndexedRuns> {
  const file = runsIndexPath(store);
  const ids = (await store.ids()).reverse();
  const previous = await readIndex(file);
  const next = new Map<string, RunsIndexEntry>();
  const runs: RunRecord[] = [];
  const problems: RunProblem[] = [];
  const stats: RunsIndexStats = {
    reused: 0,
    read: 0,
    dropped: previous.dropped,
    file: previous.file,
    written: false,
  };
  for (let start = 0; start < ids.length; start += STAT_CHUNK) {
    if (start > 0) {
      await yieldToLoop();
    }
    for (const id of ids.slice(start, start + STAT_CHUNK)) {
      const recordFile = store.file(id, 'record');
      // Stat before reading: a record replaced in between is newer than the identity kept with it,
      // so it is read again next time rather than trusted stale.
      const info = statRecord(recordFile);
      const cached = previous.entries.get(id);
      let record: RunRecord;
      if (cached !== undefined && info !== undefined && sameFile(cached, info)) {
        record = cached.record;
        stats.reused++;
      } else {
        try {
          record = await store.read(id);
        } catch (error) {
          problems.push({ id, dir: store.runDir(id), message: (error as Error).message });
          continue;
        }
        stats.read++;
      }
      if (info?.isFile() === true) {
        next.set(id, { mtimeMs: info.mtimeMs, size: info.size, ino: info.ino, record });
      }
      if (options.task === undefined || record.task === options.task) {
        runs.push(record);
      }
    }
  }
  for (const id of previous.entries.keys()) {
    if (!next.has(id)) {
      stats.dropped++;
    }
  }
  const changed = stats.read > 0 || stats.dropped > 0 || previous.file !== 'used';
  // No store, no index: listing a workspace without runs creates nothing in it.
  const hasStore = ids.length > 0 || previous.file !== 'missing';
  if (previous.file !== 'newer' && changed && hasStore) {
    try {
      await writeIndex(file, next);
      stats.written = true;
    } catch (error) {
      stats.writeError = (error as Error).message;
    }
  }
  return { runs, problems, stats };
}

async function writeIndex(file: string, entries: Map<string, RunsIndexEntry>): Promise<void> {
  const index: RunsIndexFile = { version: RUNS_INDEX_VERSION, entries: Object.fromEntries(entries) };
  await mkdir(dirname(file), { recursive: true });
  // Compact: the file is read by machines only, and its size is what a listing reads.
  await writeFileAtomic(file, JSON.stringify(index));
}
