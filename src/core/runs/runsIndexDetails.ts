/**
 * The second part of the runs index (`runsIndex.ts`): the fields of each record that a listing and the
 * Runs view's rows do not need for every run (metric summaries, data fingerprints, artifacts, checks,
 * info...), kept in `.xlens/cache/runs-index-details.jsonl` and read for one run only when something
 * asks for one of them. Listing 10,000 runs then parses a compact file, and the rows shown read a few
 * dozen slices of this one.
 *
 * The file: a header line `{"version":2,"generation":"<hex>"}`, then one JSON object per run (its
 * {@link DETAIL_FIELDS} that are present), each on a line; the compact index names the generation and
 * each run's byte range. A record listed through the index carries its detail fields as accessors that,
 * on first use, read its range and turn into plain data properties, so every reader of a `RunRecord`
 * (spread, `JSON.stringify`, `structuredClone`, property reads) sees a whole record. When the range
 * cannot be used (the file was replaced by another listing, removed, damaged, or is not a regular
 * file), the fields are read from the run's `run.json` instead (the run folders stay the truth); a run
 * whose folder is gone by then gets empty ones.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dict } from '../../shared/dict';
import { READ_NONBLOCKING } from '../base/regularFile';
import { readRecordSync } from './store';
import type { RunRecord } from './types';

/** Version of the details file's layout (the header's `version`). */
export const DETAILS_VERSION = 2;

/**
 * Record fields kept in the details file and read on demand: what only a run's own views, a few
 * visible rows or a full table need. Everything else (id, task, status, times, git, params, processes,
 * queue, origin, Slurm) stays in the compact part, because listing, grouping, reconciling and each
 * row's lineage need it for every run.
 */
export const DETAIL_FIELDS: ReadonlySet<string> = new Set([
  'metrics',
  'data',
  'artifacts',
  'info',
  'warnings',
  'checks',
  'checkConfig',
  'errorTail',
  'paramSources',
  'command',
]);

/** Placeholder of a detail field in the compact part (the key keeps its place in the record). */
export const DETAIL_PLACEHOLDER = 0;

/** Where a run's details are: the details file, its generation, and the byte range of the run's line. */
export interface DetailsRef {
  file: string;
  generation: string;
  /** Byte offset of the run's line in the file. */
  offset: number;
  /** Length of the line in bytes (without the newline). */
  length: number;
}

/** The lazy state of a listed record whose detail fields have not been read yet. */
interface Pending {
  ref: DetailsRef;
  /** The run's `run.json`, read for the fields when the details file cannot serve them. */
  recordFile: string;
  /** The detail fields not read yet. */
  keys: readonly string[];
}

/**
 * The pending state of a deferred record: a non-enumerable symbol property (spreads, `JSON.stringify`,
 * deep equality and `structuredClone` leave it out), defined last while the record is built so every
 * deferred record shares one V8 shape. Not a `WeakMap`: the state lives and dies with its record,
 * leaving no weak entries (tens of thousands per listing) for the garbage collector to process.
 */
const PENDING = Symbol('xlens.runsIndex.pendingDetails');

type Deferred = RunRecord & { [PENDING]?: Pending | undefined };

function pendingOf(record: RunRecord): Pending | undefined {
  return (record as Deferred)[PENDING];
}

/** A new generation for a details file (and the compact index that points into it). */
export function newGeneration(): string {
  return randomBytes(8).toString('hex');
}

/** The header line of a details file of `generation` (without the newline). */
export function detailsHeader(generation: string): string {
  return JSON.stringify({ version: DETAILS_VERSION, generation });
}

/** Longest header line read back: the header is ~45 bytes. */
const HEADER_BYTES = 128;

/**
 * The bytes at `offset..offset+length` of `file` when it is a regular file whose header names
 * `generation`; undefined otherwise (missing, replaced, special file, short). Never throws, never blocks.
 */
export function readDetailsRange(
  file: string,
  generation: string,
  offset: number,
  length: number,
): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, READ_NONBLOCKING);
  } catch {
    return undefined;
  }
  try {
    if (!fstatSync(fd).isFile()) {
      return undefined;
    }
    const head = Buffer.alloc(HEADER_BYTES);
    const headLength = readSync(fd, head, 0, HEADER_BYTES, 0);
    const newline = head.subarray(0, headLength).indexOf(10);
    if (newline < 0 || head.toString('utf8', 0, newline) !== detailsHeader(generation)) {
      return undefined;
    }
    // The line and its newline: a range that does not end a line is not one the index wrote.
    const bytes = Buffer.alloc(length + 1);
    const read = readSync(fd, bytes, 0, length + 1, offset);
    return read === length + 1 && bytes[length] === 10 ? bytes.subarray(0, length) : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads of one details file within one turn of the event loop after which the whole file is read
 * once and the rest served from memory: a table or a sort reading every run's metrics then costs one
 * read, while the few rows of a tree read only their own lines.
 */
const BULK_AFTER = 64;

/** The details file being read in bulk in this turn of the event loop. */
let bulk: { file: string; generation: string; reads: number; bytes?: Buffer | null } | undefined;

/** The whole details file when its header names `generation`; null otherwise. Never throws or blocks. */
function readWholeDetails(file: string, generation: string): Buffer | null {
  const header = Buffer.from(`${detailsHeader(generation)}\n`);
  let fd: number;
  try {
    fd = openSync(file, READ_NONBLOCKING);
  } catch {
    return null;
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) {
      return null;
    }
    const bytes = Buffer.alloc(info.size);
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, read);
      if (n === 0) {
        break;
      }
      read += n;
    }
    return bytes.subarray(0, header.length).equals(header) ? bytes.subarray(0, read) : null;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** The line `ref` names: from memory when its file is read in bulk, else with a read of its own. */
function detailsRange(ref: DetailsRef): Buffer | undefined {
  if (bulk === undefined || bulk.file !== ref.file || bulk.generation !== ref.generation) {
    const current = { file: ref.file, generation: ref.generation, reads: 0 };
    bulk = current;
    setImmediate(() => {
      if (bulk === current) {
        bulk = undefined;
      }
    }).unref();
  }
  bulk.reads++;
  if (bulk.bytes === undefined && bulk.reads > BULK_AFTER) {
    bulk.bytes = readWholeDetails(ref.file, ref.generation);
  }
  if (bulk.bytes) {
    const end = ref.offset + ref.length;
    return end < bulk.bytes.length && bulk.bytes[end] === 10
      ? bulk.bytes.subarray(ref.offset, end)
      : undefined;
  }
  return readDetailsRange(ref.file, ref.generation, ref.offset, ref.length);
}

/** A run's detail fields from its details line; undefined when the line is not a JSON object. */
function parseDetails(bytes: Buffer | undefined): Record<string, unknown> | undefined {
  if (bytes === undefined) {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Sets `record`'s detail fields from `details` as plain data properties, in place, keeping key order. */
function fill(record: RunRecord, keys: readonly string[], details: Record<string, unknown>): void {
  for (const key of keys) {
    let value = Object.hasOwn(details, key) ? details[key] : undefined;
    if (key === 'metrics') {
      value = value !== null && typeof value === 'object' ? value : {};
      // Metric names are keys from data: no prototype (as the store reads them).
      Object.setPrototypeOf(value, null);
    } else if ((key === 'data' || key === 'artifacts') && !Array.isArray(value)) {
      value = [];
    }
    if (value === undefined) {
      delete (record as unknown as Record<string, unknown>)[key];
    } else {
      Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
    }
  }
}

/** Reads the pending detail fields of `record` (details file, else `run.json`) and makes them data. */
function load(record: RunRecord): void {
  const state = pendingOf(record);
  if (state === undefined) {
    return;
  }
  // Kept as a property (set to undefined): deleting it would turn the record into a slow object.
  (record as Deferred)[PENDING] = undefined;
  const { ref, keys } = state;
  const details =
    parseDetails(detailsRange(ref)) ??
    (readRecordSync(state.recordFile, record.id) as unknown as Record<string, unknown> | undefined) ??
    {};
  fill(record, keys, details);
}

/**
 * The accessor of each detail field, one shared by every deferred record (a getter's `this` is the
 * record): defining the same accessor pair on thousands of records keeps them in V8's fast shared
 * shapes, where a closure per record and field cost more than the parse the deferral saves.
 */
const accessors = new Map<string, PropertyDescriptor>(
  [...DETAIL_FIELDS].map((key) => [
    key,
    {
      enumerable: true,
      configurable: true,
      get(this: RunRecord): unknown {
        load(this);
        return (this as unknown as Record<string, unknown>)[key];
      },
      set(this: RunRecord, value: unknown): void {
        load(this);
        Object.defineProperty(this, key, { value, writable: true, enumerable: true, configurable: true });
      },
    },
  ]),
);

/**
 * The accessor of detail field `key` (undefined for other fields), for a listed record being built
 * field by field (`runsIndexFormat.ts`): it reads the run's details on first use (get or set), and then
 * the field is a plain property. Defined on a new object in field order: redefining a data property as
 * an accessor in place would turn each record into a slow dictionary-mode object.
 */
export function detailAccessor(key: string): PropertyDescriptor | undefined {
  return accessors.get(key);
}

/**
 * Marks `record`, whose detail fields `keys` are {@link detailAccessor}s, as reading them from `ref`
 * (else from `recordFile`, its `run.json`). Called once per record, after its fields, so that every
 * listed record shares one V8 shape; `keys` may be shared between records (it is only read).
 */
export function setPendingDetails(
  record: RunRecord,
  ref: DetailsRef,
  recordFile: string,
  keys: readonly string[],
): void {
  Object.defineProperty(record, PENDING, {
    value: { ref, recordFile, keys },
    writable: true,
    enumerable: false,
    configurable: true,
  });
}

/** Where `record`'s unread details are, or undefined when it has none pending (read, or never deferred). */
export function pendingDetails(record: RunRecord): DetailsRef | undefined {
  return pendingOf(record)?.ref;
}

/** Points `record`'s unread details at a new place (after the details file was rewritten). */
export function moveDetails(record: RunRecord, ref: DetailsRef): void {
  const state = pendingOf(record);
  if (state !== undefined) {
    state.ref = ref;
  }
}

/**
 * The compact form of `record` for the index (detail fields replaced by {@link DETAIL_PLACEHOLDER})
 * and the JSON text of its detail fields: undefined when they are pending and `readPending` is false
 * (the caller copies their bytes from the old details file), else read first.
 */
export function splitRecord(
  record: RunRecord,
  readPending: boolean,
): { compact: Record<string, unknown>; details?: string } {
  if (readPending) {
    load(record);
  }
  const isPending = pendingOf(record) !== undefined;
  // Null-prototype: a hostile run.json may hold a `__proto__` key, which must stay a key.
  const compact = dict<unknown>();
  const details = dict<unknown>();
  for (const key of Object.keys(record)) {
    if (DETAIL_FIELDS.has(key)) {
      compact[key] = DETAIL_PLACEHOLDER;
      if (!isPending) {
        details[key] = (record as unknown as Record<string, unknown>)[key];
      }
    } else {
      compact[key] = (record as unknown as Record<string, unknown>)[key];
    }
  }
  return isPending ? { compact } : { compact, details: JSON.stringify(details) };
}
