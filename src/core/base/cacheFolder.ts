/**
 * The one writer of every cache under `.xlens/cache` (the runs index, the imported-runs cache, the data
 * fingerprint cache). A cache file lives at `<store>/cache/<name>` (`<store>` is `.xlens`); both
 * folders xlens creates in the workspace, `<store>` and `<store>/cache`, must be real folders. Either
 * one being a symbolic link (say, committed to a cloned repository, or swapped in by another process
 * while xlens writes) could send the writes anywhere, out of the workspace included, so a cache is
 * never written through one. The workspace root and the folders above it are the user's choice
 * (opening a linked folder is legitimate) and are not checked.
 *
 * How a write stays inside the checked folder, with what Node offers (no `openat`, so a folder cannot
 * be pinned by a descriptor):
 * 1. `<store>` then `<store>/cache` are checked with `lstat` (created one level at a time when missing,
 *    so `mkdir` never follows a link either) and their device and inode kept.
 * 2. A temp file with a random name is created beside the target with `O_CREAT | O_EXCL | O_NOFOLLOW`:
 *    it never opens or replaces an existing file or link.
 * 3. Before any byte is written, both folders are checked again (same device and inode, still real
 *    folders) and the temp file's path must still name the file just opened (`lstat` against `fstat`).
 *    The data is then written through the descriptor, so it lands in that file whatever is renamed later.
 * 4. The temp file is renamed onto the target. The rename resolves the path again, but the uniquely
 *    named temp file exists only in the checked folder, so a rename through a link swapped in later
 *    finds nothing to rename (it fails) rather than writing elsewhere, and a link at the target itself
 *    is replaced, not followed.
 *
 * The window that remains: a link swapped in for `<store>` or `<store>/cache` between steps 1 and 2 gets
 * an empty file with a random `*.tmp` name created where it points (never one replaced, never a byte
 * written into it), and a link swapped in for `<store>` while a missing `cache` is made gets an empty
 * `cache` folder made where it points. Step 3 then refuses the write and removes that file when its
 * path still names it (a link swapped in and out again within the window leaves it behind).
 */
import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Why a cache folder was refused. */
export type CacheFolderProblem = 'link' | 'not a folder' | 'replaced';

/** A cache folder is a symbolic link, not a folder, or was replaced while writing: nothing is written. */
export class CacheFolderRefusedError extends Error {
  override readonly name = 'CacheFolderRefusedError';
  constructor(
    /** The refused folder (absolute when the cache file's path was). */
    readonly folder: string,
    /** What was wrong with it. */
    readonly problem: CacheFolderProblem,
    what: string,
  ) {
    const is =
      problem === 'link'
        ? 'a symbolic link'
        : problem === 'not a folder'
          ? 'not a folder'
          : 'replaced while it was written into';
    super(`${folder} is ${is}; ${what} is not written through it`);
  }
}

/** A folder as checked: its path and identity. */
interface CheckedFolder {
  readonly path: string;
  readonly dev: number;
  readonly ino: number;
}

/** `lstat`, undefined when nothing is at `path`. */
async function lstatOrMissing(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
}

/** Checks `path` is a real folder (creating it when missing, its parent already checked). */
async function checkFolder(path: string, createParents: boolean, what: string): Promise<CheckedFolder> {
  let info = await lstatOrMissing(path);
  if (info === undefined) {
    await mkdir(path, { recursive: createParents }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') {
        throw error;
      }
    });
    info = await lstat(path);
  }
  if (!info.isDirectory()) {
    throw new CacheFolderRefusedError(path, info.isSymbolicLink() ? 'link' : 'not a folder', what);
  }
  return { path, dev: info.dev, ino: info.ino };
}

/** Throws when a checked folder is no longer the same real folder. */
async function recheck(folders: readonly CheckedFolder[], what: string): Promise<void> {
  for (const folder of folders) {
    const info = await lstatOrMissing(folder.path);
    if (info === undefined || !info.isDirectory() || info.dev !== folder.dev || info.ino !== folder.ino) {
      throw new CacheFolderRefusedError(folder.path, info?.isSymbolicLink() ? 'link' : 'replaced', what);
    }
  }
}

function sameFile(a: Stats | undefined, b: Stats): boolean {
  return a !== undefined && a.isFile() && a.dev === b.dev && a.ino === b.ino;
}

/**
 * Writes a cache file atomically (temp file and rename) without ever writing through a symbolic link
 * at `<store>` or `<store>/cache` (see the module comment for the steps and the remaining window).
 * @param file the cache file, `<store>/cache/<name>`, e.g. `<root>/.xlens/cache/fingerprints.json`;
 *   its folder and that folder's parent are the two checked.
 * @param data the contents (a string as UTF-8).
 * @param what the cache, for the error message ("the runs index").
 * @throws CacheFolderRefusedError when either folder is a symbolic link (a dangling one too), not a
 *   folder, or replaced during the write; the file system's error when a folder cannot be created or
 *   the file cannot be written (the temp file is then removed).
 */
export async function writeCacheFile(file: string, data: string | Uint8Array, what: string): Promise<void> {
  const folder = dirname(file);
  const store = await checkFolder(dirname(folder), true, what);
  const cache = await checkFolder(folder, false, what);
  const folders = [store, cache];
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  // O_NOFOLLOW is 0 where the platform lacks it (Windows); O_EXCL already refuses an existing link.
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
  const handle = await open(temp, flags, 0o666);
  let opened: Stats | undefined;
  try {
    opened = await handle.stat();
    await recheck(folders, what);
    if (!sameFile(await lstatOrMissing(temp), opened)) {
      throw new CacheFolderRefusedError(folder, 'replaced', what);
    }
    await handle.writeFile(data, 'utf8');
    await handle.close();
    await rename(temp, file);
  } catch (error) {
    await handle.close().catch(() => undefined);
    // Only the file this call created is removed, wherever the path now leads.
    if (opened !== undefined && sameFile(await lstatOrMissing(temp).catch(() => undefined), opened)) {
      await rm(temp, { force: true });
    }
    throw error;
  }
}
