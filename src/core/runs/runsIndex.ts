/**
 * The runs index: a cache of every run's `run.json` so listing many runs reads one compact file and
 * checks each record's identity (`stat`: size, mtime, inode) instead of opening and parsing every
 * `run.json` (DESIGN.md, "A run": the run folders stay the truth). It has two parts in `.xlens/cache/`:
 * `runs-index.json`, each run's record without its detail fields (what listing, grouping and the rows'
 * lineage need for every run; laid out in `runsIndexFormat.ts`: arrays, each list of field names and
 * each distinct string written once), and `runs-index-details.jsonl`, the detail fields (metric summaries,
 * data fingerprints, artifacts, checks...), read per run on first use (`runsIndexDetails.ts`).
 *
 * Kept incrementally: an entry is reused only while its `run.json` has the same size, modification
 * time and inode as when it was read (an atomic write, temp file + rename, always makes a new inode,
 * and an edit in place a new modification time); any other entry is read again from its `run.json`,
 * entries of folders that are gone are dropped, and both parts are written back (atomically,
 * `atomicWrite.ts`: details first, then the compact part naming their generation) only when something
 * changed. A missing, damaged or truncated index, or one of another shape or an older version, is
 * rebuilt from the run folders; entries that do not look like records are dropped one by one (and their
 * runs read from `run.json`); details that do not match
 * their index are read from `run.json`. An index written by a newer xlens (`version` above
 * {@link RUNS_INDEX_VERSION}) is neither read nor overwritten. Writers in several processes (the CLI
 * and the editor) each replace the files with consistent ones: the last one wins, and what it lacks is
 * read again from `run.json` next time. A read-only or full `.xlens/cache` only costs the speed-up, and
 * a `.xlens` or `.xlens/cache` that is a symbolic link (possibly out of the workspace) is never written through.
 */
import { statSync, type Stats } from 'node:fs';
import { join, sep } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { writeCacheFile } from '../base/cacheFolder';
import { NotRegularFileError, openRegularFile } from '../base/regularFile';
import {
  decodeEntry,
  type EncodedEntry,
  entryId,
  IndexWriter,
  isEntry,
  type IndexTables,
  readObjectShapes,
  readShapes,
  readStrings,
  RUNS_INDEX_VERSION,
  type RunsIndexFile,
  sameIdentity,
} from './runsIndexFormat';
import {
  detailsHeader,
  type DetailsRef,
  moveDetails,
  newGeneration,
  pendingDetails,
  splitRecord,
} from './runsIndexDetails';
import { RUN_FILES, type RunProblem, type RunStore } from './store';
import type { RunRecord } from './types';

export { RUNS_INDEX_VERSION, type RunsIndexFile } from './runsIndexFormat';

/** The compact part inside the store folder (`.xlens`). */
export const RUNS_INDEX_FILE = join('cache', 'runs-index.json');

/** The details part inside the store folder (`.xlens`). */
export const RUNS_INDEX_DETAILS_FILE = join('cache', 'runs-index-details.jsonl');

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
  /**
   * Why writing the index failed (e.g. a read-only workspace, or `.xlens/cache` a symbolic link);
   * the listing is complete regardless.
   */
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

/** The compact part of the index of `store`. */
export function runsIndexPath(store: RunStore): string {
  return join(store.storeDir, RUNS_INDEX_FILE);
}

/** The details part of the index of `store`. */
export function runsIndexDetailsPath(store: RunStore): string {
  return join(store.storeDir, RUNS_INDEX_DETAILS_FILE);
}

interface ReadIndex {
  /** The entries laid out as entries, by run id (decoded when their `run.json` is unchanged). */
  entries: Map<string, EncodedEntry>;
  tables: IndexTables;
  generation: string;
  file: RunsIndexStats['file'];
  dropped: number;
}

/** Reads the compact part: its usable entries, its generation, and what the file was. Never throws. */
async function readIndex(file: string): Promise<ReadIndex> {
  const entries = new Map<string, EncodedEntry>();
  const none = (what: RunsIndexStats['file']): ReadIndex => ({
    entries,
    tables: { shapes: [], objectShapes: [], strings: [] },
    generation: '',
    file: what,
    dropped: 0,
  });
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
    return none(error instanceof NotRegularFileError ? 'damaged' : 'missing');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return none('damaged');
  }
  const index = parsed as Partial<RunsIndexFile> | null;
  if (index === null || typeof index !== 'object' || typeof index.version !== 'number') {
    return none('damaged');
  }
  if (index.version > RUNS_INDEX_VERSION) {
    return none('newer');
  }
  const shapes = readShapes(index.shapes);
  const objectShapes = readObjectShapes(index.objectShapes);
  const strings = readStrings(index.strings);
  if (
    index.version !== RUNS_INDEX_VERSION ||
    typeof index.generation !== 'string' ||
    shapes === undefined ||
    objectShapes === undefined ||
    strings === undefined ||
    !Array.isArray(index.entries)
  ) {
    return none('damaged');
  }
  let dropped = 0;
  for (const entry of index.entries) {
    if (isEntry(entry, shapes)) {
      entries.set(entryId(entry), entry);
    } else {
      dropped++;
    }
  }
  const tables = { shapes, objectShapes, strings };
  return { entries, tables, generation: index.generation, file: 'used', dropped };
}

/** `stat` of a `run.json`, or undefined when it is not there (a problem `store.read` then names). */
function statRecord(file: string): Stats | undefined {
  try {
    return statSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** What the index keeps of a listed run: its record and the identity of its `run.json`. */
interface Kept {
  mtimeMs: number;
  size: number;
  ino: number;
  record: RunRecord;
}

/**
 * Lists the runs of `store` through its runs index, bringing the index up to date.
 * @param options.task only runs of this task (the index is still brought up to date for all runs).
 * @returns the same runs and problems as reading every `run.json` (`store.list()`), newest first; the
 *   records' detail fields are read when first used.
 */
export async function listIndexedRuns(
  store: RunStore,
  options: { task?: string } = {},
): Promise<IndexedRuns> {
  const file = runsIndexPath(store);
  const detailsFile = runsIndexDetailsPath(store);
  const ids = (await store.ids()).reverse();
  const previous = await readIndex(file);
  const next = new Map<string, Kept>();
  const runs: RunRecord[] = [];
  const problems: RunProblem[] = [];
  const stats: RunsIndexStats = {
    reused: 0,
    read: 0,
    dropped: previous.dropped,
    file: previous.file,
    written: false,
  };
  // `join(runsDir, id, 'run.json')` by concatenation: ids are checked names (no separators, no dots
  // only), and a path join per run is a measurable share of listing 10,000 runs.
  const recordPrefix = store.runsDir + sep;
  const recordSuffix = sep + RUN_FILES.record;
  const details = { file: detailsFile, generation: previous.generation };
  for (let start = 0; start < ids.length; start += STAT_CHUNK) {
    if (start > 0) {
      await yieldToLoop();
    }
    for (const id of ids.slice(start, start + STAT_CHUNK)) {
      const recordFile = recordPrefix + id + recordSuffix;
      // Stat before reading: a record replaced in between is newer than the identity kept with it,
      // so it is read again next time rather than trusted stale.
      const info = statRecord(recordFile);
      const cached = previous.entries.get(id);
      let record: RunRecord | undefined;
      if (cached !== undefined && info !== undefined && sameIdentity(cached, info)) {
        record = decodeEntry(cached, previous.tables, details, recordFile);
        if (record !== undefined) {
          stats.reused++;
        } else {
          // Laid out as an entry, but its values are not a record of this run: read run.json.
          stats.dropped++;
        }
      }
      if (record === undefined) {
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
      await writeIndex(file, detailsFile, next);
      stats.written = true;
    } catch (error) {
      stats.writeError = (error as Error).message;
    }
  }
  return { runs, problems, stats };
}

/** The old details file when its header names `generation`; undefined otherwise. Never throws. */
async function readDetailsFile(file: string, generation: string): Promise<Buffer | undefined> {
  try {
    const handle = await openRegularFile(file);
    try {
      const bytes = await handle.readFile();
      const header = Buffer.from(`${detailsHeader(generation)}\n`);
      return bytes.subarray(0, header.length).equals(header) ? bytes : undefined;
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

/**
 * Writes both parts of the index for `entries`: the details file first, then the compact part naming
 * its generation, so a reader never follows a compact part into details of another generation
 * without noticing. Details not read yet are copied as bytes from the old details file.
 */
async function writeIndex(file: string, detailsFile: string, entries: Map<string, Kept>): Promise<void> {
  const generation = newGeneration();
  let old: Buffer | undefined | null = null;
  const header = Buffer.from(`${detailsHeader(generation)}\n`);
  const chunks: Buffer[] = [header];
  let offset = header.length;
  const writer = new IndexWriter();
  const moved: [RunRecord, DetailsRef][] = [];
  for (const [id, kept] of entries) {
    const pending = pendingDetails(kept.record);
    let line: Buffer | undefined;
    if (pending !== undefined) {
      if (old === null) {
        old = await readDetailsFile(pending.file, pending.generation);
      }
      const end = pending.offset + pending.length;
      if (old !== undefined && end <= old.length && old[end] === 10) {
        line = old.subarray(pending.offset, end);
      }
    }
    // Unread details the old file cannot give are read (from run.json) by splitRecord's field reads.
    const { compact, details } = splitRecord(kept.record, line === undefined);
    line ??= Buffer.from(details ?? '{}');
    chunks.push(line, Buffer.from('\n'));
    writer.add(id, kept, [offset, line.length], compact);
    if (pendingDetails(kept.record) !== undefined) {
      moved.push([kept.record, { file: detailsFile, generation, offset, length: line.length }]);
    }
    offset += line.length + 1;
  }
  await writeCacheFile(detailsFile, Buffer.concat(chunks), 'the runs index');
  // Compact: the file is read by machines only, and its size is what a listing reads.
  await writeCacheFile(file, writer.text(generation), 'the runs index');
  for (const [record, ref] of moved) {
    moveDetails(record, ref);
  }
}
