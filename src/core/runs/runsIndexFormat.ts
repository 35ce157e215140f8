/**
 * The layout of the runs index's compact part (`.xlens/cache/runs-index.json`, `runsIndex.ts`): what
 * a listing of 10,000 runs parses before it shows a row, so it carries no key twice. Each entry is an
 * array; a record's field names are written once per distinct list of names (a shape), and so are the
 * names of its `git` and `params` objects, which runs of a task share:
 *
 * ```
 * { "version": 3, "generation": "<hex>",
 *   "shapes": [["schema", "id", "task", ..., "metrics", ...], ...],   // record field names, in order
 *   "objectShapes": [["commit", "branch", "dirty", "snapshot"], ["lr", "epochs"], ...],
 *   "entries": [[id, mtimeMs, size, ino, detailsOffset, detailsLength, shape, ...values], ...] }
 * ```
 *
 * `values` are the record's fields in its shape's order, without the detail fields (`DETAIL_FIELDS`,
 * kept in the details file); `git` and `params` are `[objectShape, ...values]`. A listing decodes an
 * entry only when its `run.json` is unchanged, straight into the record it returns (detail fields as
 * accessors reading the details file on first use): no intermediate objects for 10,000 runs. Version 2
 * (records as objects with every key) is never read: an index of another version is rebuilt.
 */
import { DETAIL_FIELDS, type DetailsRef, detailAccessor, setPendingDetails } from './runsIndexDetails';
import { RUN_STATUSES, type RunRecord } from './types';

/** Format version of the compact part (the details file has its own, `DETAILS_VERSION`). */
export const RUNS_INDEX_VERSION = 3;

/** An entry as written: `[id, mtimeMs, size, ino, detailsOffset, detailsLength, shape, ...values]`. */
export type EncodedEntry = unknown[];

/** Position of the first record value in an {@link EncodedEntry}. */
const VALUES_AT = 7;

/** The compact part's JSON shape (see the module comment). */
export interface RunsIndexFile {
  version: typeof RUNS_INDEX_VERSION;
  generation: string;
  shapes: string[][];
  objectShapes: string[][];
  entries: EncodedEntry[];
}

/** A record shape read back: its field names, the detail fields among them, and how many values follow. */
export interface RecordShape {
  keys: readonly string[];
  /** Shared by every record of the shape (the lazy state of each names them). */
  detailKeys: readonly string[];
  values: number;
}

/** Lists of names numbered in order of first use, while an index is written. */
class Shapes {
  readonly lists: string[][] = [];
  private readonly numbers = new Map<string, number>();

  number(keys: string[]): number {
    // A name list as one string: JSON keeps names apart whatever they hold.
    const text = JSON.stringify(keys);
    let n = this.numbers.get(text);
    if (n === undefined) {
      n = this.lists.push(keys) - 1;
      this.numbers.set(text, n);
    }
    return n;
  }
}

/** Fields kept as `[objectShape, ...values]`: objects every record has, with names shared by many runs. */
const SHAPED_OBJECTS: ReadonlySet<string> = new Set(['git', 'params']);

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Builds the compact part entry by entry. */
export class IndexWriter {
  private readonly shapes = new Shapes();
  private readonly objectShapes = new Shapes();
  private readonly entries: EncodedEntry[] = [];

  /**
   * Adds a run's entry; `compact` is its record with detail fields as placeholders (`splitRecord`).
   * @returns false when the record cannot be kept (its `git` or `params` is not an object): the run is
   *   then read from `run.json` at the next listing, as a run missing from the index is.
   */
  add(
    id: string,
    identity: { mtimeMs: number; size: number; ino: number },
    details: [number, number],
    compact: Record<string, unknown>,
  ): boolean {
    // Keys of undefined values are left out, as JSON leaves them out of an object.
    const keys = Object.keys(compact).filter((key) => compact[key] !== undefined);
    const entry: EncodedEntry = [id, identity.mtimeMs, identity.size, identity.ino, ...details, 0];
    for (const key of keys) {
      if (DETAIL_FIELDS.has(key)) {
        continue;
      }
      const value = compact[key];
      if (SHAPED_OBJECTS.has(key)) {
        if (!isPlainObject(value)) {
          return false;
        }
        const names = Object.keys(value).filter((name) => value[name] !== undefined);
        entry.push([this.objectShapes.number(names), ...names.map((name) => value[name])]);
      } else {
        entry.push(value);
      }
    }
    entry[VALUES_AT - 1] = this.shapes.number(keys);
    this.entries.push(entry);
    return true;
  }

  /** The compact part's JSON text. */
  text(generation: string): string {
    const file: RunsIndexFile = {
      version: RUNS_INDEX_VERSION,
      generation,
      shapes: this.shapes.lists,
      objectShapes: this.objectShapes.lists,
      entries: this.entries,
    };
    return JSON.stringify(file);
  }
}

const isNameList = (v: unknown): v is string[] => Array.isArray(v) && v.every((n) => typeof n === 'string');
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** The record shapes of a parsed compact part; undefined when `shapes` is not a list of name lists. */
export function readShapes(shapes: unknown): RecordShape[] | undefined {
  if (!Array.isArray(shapes) || !shapes.every(isNameList)) {
    return undefined;
  }
  return shapes.map((keys) => {
    const detailKeys = keys.filter((k) => DETAIL_FIELDS.has(k));
    return { keys, detailKeys, values: keys.length - detailKeys.length };
  });
}

/** The object shapes of a parsed compact part; undefined when not a list of name lists. */
export function readObjectShapes(shapes: unknown): string[][] | undefined {
  return Array.isArray(shapes) && shapes.every(isNameList) ? shapes : undefined;
}

/**
 * True when `entry` is laid out as an entry of these shapes (identity numbers, details range, a known
 * shape and as many values as it names); its values are checked when it is decoded.
 */
export function isEntry(entry: unknown, shapes: readonly RecordShape[]): entry is EncodedEntry {
  if (!Array.isArray(entry) || typeof entry[0] !== 'string') {
    return false;
  }
  const shape = entry[VALUES_AT - 1] as unknown;
  return (
    typeof entry[1] === 'number' &&
    typeof entry[2] === 'number' &&
    typeof entry[3] === 'number' &&
    isCount(entry[4]) &&
    isCount(entry[5]) &&
    isCount(shape) &&
    shape < shapes.length &&
    entry.length === VALUES_AT + shapes[shape].values
  );
}

/** The id of a checked entry. */
export const entryId = (entry: EncodedEntry): string => entry[0] as string;

/** True when a checked entry was read from a `run.json` with this size, modification time and inode. */
export function sameIdentity(
  entry: EncodedEntry,
  info: { mtimeMs: number; size: number; ino: number },
): boolean {
  return entry[1] === info.mtimeMs && entry[2] === info.size && entry[3] === info.ino;
}

/** Sets `key` on a new object: `__proto__` as a field (an assignment would set the prototype). */
function setField(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/** The object `[objectShape, ...values]` stands for; undefined when it is not one. */
function decodeObject(
  value: unknown,
  objectShapes: readonly string[][],
): Record<string, unknown> | undefined {
  if (!Array.isArray(value) || !isCount(value[0]) || value[0] >= objectShapes.length) {
    return undefined;
  }
  const names = objectShapes[value[0]];
  if (value.length !== names.length + 1) {
    return undefined;
  }
  // An ordinary object, as `JSON.parse` gives the store a record's `git` and `params`, so a listed
  // record equals the one read from run.json; every name (`__proto__` too) is set as an own field by
  // setField, and readers of params look names up with `Object.hasOwn`.
  const object = Object.create(Object.prototype) as Record<string, unknown>;
  for (let i = 0; i < names.length; i++) {
    setField(object, names[i], value[i + 1]);
  }
  return object;
}

/**
 * The record of a checked entry, its detail fields accessors that read its line of the details file
 * on first use (else its `run.json`, `recordFile`); undefined when the values do not make a record of
 * run `entryId(entry)` (the run is then read from `run.json`).
 * @param details the details file and its generation.
 */
export function decodeEntry(
  entry: EncodedEntry,
  shapes: readonly RecordShape[],
  objectShapes: readonly string[][],
  details: { file: string; generation: string },
  recordFile: string,
): RunRecord | undefined {
  const shape = shapes[entry[VALUES_AT - 1] as number];
  // A plain object like every record the store reads (its keys are the record's fields, not names
  // from data; a `__proto__` field is defined by setField, never assigned).
  const record = {} as RunRecord;
  const fields = record as unknown as Record<string, unknown>;
  let at = VALUES_AT;
  for (const key of shape.keys) {
    const accessor = detailAccessor(key);
    if (accessor !== undefined) {
      Object.defineProperty(fields, key, accessor);
      continue;
    }
    let value = entry[at++];
    if (SHAPED_OBJECTS.has(key)) {
      value = decodeObject(value, objectShapes);
      if (value === undefined) {
        return undefined;
      }
    }
    setField(fields, key, value);
  }
  if (
    record.id !== entryId(entry) ||
    typeof record.task !== 'string' ||
    !RUN_STATUSES.includes(record.status) ||
    !isPlainObject(record.git) ||
    !isPlainObject(record.params)
  ) {
    return undefined;
  }
  if (shape.detailKeys.length > 0) {
    const ref: DetailsRef = {
      file: details.file,
      generation: details.generation,
      offset: entry[4] as number,
      length: entry[5] as number,
    };
    setPendingDetails(record, ref, recordFile, shape.detailKeys);
  }
  return record;
}
