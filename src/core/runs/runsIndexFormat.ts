/**
 * The layout of the runs index's compact part (`.xlens/cache/runs-index.json`, `runsIndex.ts`): what
 * a listing of 10,000 runs parses before it shows a row, so it carries no key twice. Each entry is an
 * array; a record's field names are written once per distinct list of names (a shape), and so are the
 * names of its `git` and `params` objects, which runs of a task share, and each distinct string value
 * (a commit, a task, the workspace folder, a param's value):
 *
 * ```
 * { "version": 3, "generation": "<hex>",
 *   "strings": ["train", "/home/me/project", "9a1fd849...", ...],
 *   "shapes": [[["schema", "id", "task", ..., "metrics", ...], "0110..."], ...],
 *   "objectShapes": [[["commit", "branch", "dirty", "snapshot"], "1100"], [["lr", "optimizer"], "01"], ...],
 *   "entries": [[id, mtimeMs, size, ino, detailsOffset, detailsLength, shape, ...values], ...] }
 * ```
 *
 * `values` are the record's fields in its shape's order, without the detail fields (`DETAIL_FIELDS`,
 * kept in the details file); `git` and `params` are `[objectShape, ...values]`. A shape's second part
 * has a `1` for each value that is a string, written as its position in `strings` (one string in
 * memory for 10,000 runs of one commit or task), and a `0` for any other JSON value. A listing decodes an
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
  strings: string[];
  /** Field names (detail fields included) and a `0`/`1` per value: `1`, a position in `strings`. */
  shapes: [string[], string][];
  /** Names of a `git` or `params` object and a `0`/`1` per name, as for `shapes`. */
  objectShapes: [string[], string][];
  entries: EncodedEntry[];
}

/** A record shape read back: its field names, the detail fields among them, and how many values follow. */
export interface RecordShape {
  keys: readonly string[];
  /** Shared by every record of the shape (the lazy state of each names them). */
  detailKeys: readonly string[];
  values: number;
  /** For each value (in order), true when it is a position in the strings. */
  strings: readonly boolean[];
}

/** An object shape read back: the names and, per name, true when its value is a position in the strings. */
export interface ObjectShape {
  names: readonly string[];
  strings: readonly boolean[];
}

/** Shapes (names and string marks) numbered in order of first use, while an index is written. */
class Shapes {
  readonly lists: [string[], string][] = [];
  private readonly numbers = new Map<string, number>();

  number(keys: string[], marks: string): number {
    // Names as one string: JSON keeps names apart whatever they hold.
    const text = `${marks}${JSON.stringify(keys)}`;
    let n = this.numbers.get(text);
    if (n === undefined) {
      n = this.lists.push([keys, marks]) - 1;
      this.numbers.set(text, n);
    }
    return n;
  }
}

/** Distinct strings numbered in order of first use, while an index is written. */
class Strings {
  readonly list: string[] = [];
  private readonly numbers = new Map<string, number>();

  number(text: string): number {
    let n = this.numbers.get(text);
    if (n === undefined) {
      n = this.list.push(text) - 1;
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
  private readonly strings = new Strings();
  private readonly entries: EncodedEntry[] = [];

  /** `value` as written (a string as its number), with its mark appended to `marks`. */
  private value(value: unknown, marks: string[]): unknown {
    if (typeof value === 'string') {
      marks.push('1');
      return this.strings.number(value);
    }
    marks.push('0');
    return value;
  }

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
    const marks: string[] = [];
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
        const objectMarks: string[] = [];
        const values = names.map((name) => this.value(value[name], objectMarks));
        entry.push([this.objectShapes.number(names, objectMarks.join('')), ...values]);
        marks.push('0');
      } else {
        entry.push(this.value(value, marks));
      }
    }
    entry[VALUES_AT - 1] = this.shapes.number(keys, marks.join(''));
    this.entries.push(entry);
    return true;
  }

  /** The compact part's JSON text. */
  text(generation: string): string {
    const file: RunsIndexFile = {
      version: RUNS_INDEX_VERSION,
      generation,
      strings: this.strings.list,
      shapes: this.shapes.lists,
      objectShapes: this.objectShapes.lists,
      entries: this.entries,
    };
    return JSON.stringify(file);
  }
}

const isNameList = (v: unknown): v is string[] => Array.isArray(v) && v.every((n) => typeof n === 'string');
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** `[names, marks]` as written, with `values` marks of `0` or `1`; undefined when it is not one. */
function readShape(value: unknown, values: (names: string[]) => number): [string[], boolean[]] | undefined {
  if (!Array.isArray(value) || value.length !== 2 || !isNameList(value[0]) || typeof value[1] !== 'string') {
    return undefined;
  }
  const [names, marks] = value as [string[], string];
  return marks.length === values(names) && /^[01]*$/.test(marks)
    ? [names, [...marks].map((m) => m === '1')]
    : undefined;
}

/** The record shapes of a parsed compact part; undefined when `shapes` is not a list of them. */
export function readShapes(shapes: unknown): RecordShape[] | undefined {
  if (!Array.isArray(shapes)) {
    return undefined;
  }
  const read: RecordShape[] = [];
  for (const value of shapes) {
    const shape = readShape(value, (keys) => keys.filter((k) => !DETAIL_FIELDS.has(k)).length);
    if (shape === undefined) {
      return undefined;
    }
    const [keys, strings] = shape;
    read.push({
      keys,
      detailKeys: keys.filter((k) => DETAIL_FIELDS.has(k)),
      values: strings.length,
      strings,
    });
  }
  return read;
}

/** The object shapes of a parsed compact part; undefined when `shapes` is not a list of them. */
export function readObjectShapes(shapes: unknown): ObjectShape[] | undefined {
  if (!Array.isArray(shapes)) {
    return undefined;
  }
  const read: ObjectShape[] = [];
  for (const value of shapes) {
    const shape = readShape(value, (names) => names.length);
    if (shape === undefined) {
      return undefined;
    }
    read.push({ names: shape[0], strings: shape[1] });
  }
  return read;
}

/** The strings of a parsed compact part; undefined when `strings` is not a list of strings. */
export function readStrings(strings: unknown): string[] | undefined {
  return isNameList(strings) ? strings : undefined;
}

/** What an entry's values refer to: the shapes and strings of its compact part. */
export interface IndexTables {
  shapes: readonly RecordShape[];
  objectShapes: readonly ObjectShape[];
  strings: readonly string[];
}

/** Marks a value that is not a record's (a string position out of range): the entry is not used. */
const BAD = Symbol('bad value');

/** Value `value` as read: a string from `strings` when `isString`; {@link BAD} for a position out of range. */
function valueOf(value: unknown, isString: boolean, strings: readonly string[]): unknown {
  if (!isString) {
    return value;
  }
  return isCount(value) && value < strings.length ? strings[value] : BAD;
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
function decodeObject(value: unknown, tables: IndexTables): Record<string, unknown> | undefined {
  if (!Array.isArray(value) || !isCount(value[0]) || value[0] >= tables.objectShapes.length) {
    return undefined;
  }
  const { names, strings } = tables.objectShapes[value[0]];
  if (value.length !== names.length + 1) {
    return undefined;
  }
  // An ordinary object, as `JSON.parse` gives the store a record's `git` and `params`, so a listed
  // record equals the one read from run.json; every name (`__proto__` too) is set as an own field by
  // setField, and readers of params look names up with `Object.hasOwn`.
  const object = Object.create(Object.prototype) as Record<string, unknown>;
  for (let i = 0; i < names.length; i++) {
    const field = valueOf(value[i + 1], strings[i], tables.strings);
    if (field === BAD) {
      return undefined;
    }
    setField(object, names[i], field);
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
  tables: IndexTables,
  details: { file: string; generation: string },
  recordFile: string,
): RunRecord | undefined {
  const shape = tables.shapes[entry[VALUES_AT - 1] as number];
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
    const isString = shape.strings[at - VALUES_AT];
    let value = valueOf(entry[at++], isString, tables.strings);
    if (!isString && SHAPED_OBJECTS.has(key)) {
      value = decodeObject(value, tables);
    }
    if (value === undefined || value === BAD) {
      return undefined;
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
