/**
 * A consistent copy of a SQLite database file that another process (MLflow) may be writing, taken
 * without SQLite's own locks (sql.js reads a byte copy; Node has no `fcntl` locks).
 *
 * SQLite's rollback journal (`<db>-journal`, the default journal mode, which MLflow keeps) exists from
 * before the first page of a transaction is written into the database until the commit is complete, and
 * every committed transaction increments the "file change counter" (bytes 24–27, big-endian, of the
 * database header; https://www.sqlite.org/fileformat2.html#file_change_counter). A copy is taken as
 * consistent when no fresh journal exists before and after the read, the file's size and mtime (ns) are
 * the same before and after, and the change counter read from the file before the first journal check,
 * in the copy and in the file after the read are equal: a transaction that wrote pages during the read
 * either left its journal or changed the counter.
 * A copy that fails any check is "torn" and the caller reads again.
 */
import { type FileHandle, stat } from 'node:fs/promises';
import { openRegularFile } from '../../base/regularFile';

/** A rollback journal younger than this is a transaction being written; an older one was left by a crash. */
const JOURNAL_FRESH_MS = 2000;

/** Offset and length of the file change counter in the SQLite header. */
const COUNTER_AT = 24;
const COUNTER_END = 28;

/** A copy of the database file and the stamp (`mtimeNs:size`) of the file it was read from. */
export interface DatabaseCopy {
  bytes: Uint8Array;
  stamp: string;
}

/**
 * True while a writer is inside a transaction: a non-empty `<db>-journal` younger than
 * {@link JOURNAL_FRESH_MS}. A stale journal (a writer that crashed) does not count, so it cannot hide
 * the database for good.
 */
export async function writeInProgress(file: string): Promise<boolean> {
  try {
    const journal = await stat(`${file}-journal`);
    return journal.size > 0 && Date.now() - journal.mtimeMs < JOURNAL_FRESH_MS;
  } catch {
    return false;
  }
}

/**
 * Reads `file` whole when it can be shown consistent (see the module comment).
 * @returns the copy, or `undefined` when a write overlapped the read (read again later).
 * @throws the file system's errors (ENOENT, EACCES) and NotRegularFileError for a special file.
 */
export async function readConsistentCopy(file: string): Promise<DatabaseCopy | undefined> {
  const handle = await openRegularFile(file);
  try {
    // The counter is read before the journal is checked: a transaction that starts after that check
    // and commits before the end changes it (the journal check alone would miss one that fits between).
    const counterBefore = await readCounter(handle);
    if (await writeInProgress(file)) {
      return undefined;
    }
    const before = await handle.stat({ bigint: true });
    const bytes = await handle.readFile();
    if (await writeInProgress(file)) {
      return undefined;
    }
    const after = await handle.stat({ bigint: true });
    if (
      before.mtimeNs !== after.mtimeNs ||
      before.size !== after.size ||
      BigInt(bytes.length) !== after.size
    ) {
      return undefined;
    }
    const counterAfter = await readCounter(handle);
    const copied = Buffer.from(bytes.subarray(COUNTER_AT, COUNTER_END));
    if (!counterBefore.equals(counterAfter) || !counterAfter.equals(copied)) {
      return undefined;
    }
    return { bytes, stamp: `${after.mtimeNs}:${after.size}` };
  } finally {
    await handle.close();
  }
}

/** The file change counter as it is in the file now (empty for a file shorter than the header). */
async function readCounter(handle: FileHandle): Promise<Buffer> {
  const counter = Buffer.alloc(COUNTER_END - COUNTER_AT);
  const { bytesRead } = await handle.read(counter, 0, counter.length, COUNTER_AT);
  return counter.subarray(0, bytesRead);
}

/** True for SQLite's error on a damaged (here: torn) database image. */
export function isCorruptImage(error: unknown): boolean {
  return /malformed|not a database|SQLITE_CORRUPT|SQLITE_NOTADB/i.test((error as Error)?.message ?? '');
}
