/**
 * The one guard of every cache written under `.xlens/cache` (the runs index, the imported-runs cache,
 * the data fingerprint cache): the folder is created when missing and written into only when it is a
 * real folder. A `.xlens/cache` that is a symbolic link (say, committed to a cloned repository) could
 * send the writes anywhere, out of the workspace included, so it is never written through.
 */
import { lstat, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The cache folder is a symbolic link or not a folder: nothing is written through it. */
export class CacheFolderRefusedError extends Error {
  override readonly name = 'CacheFolderRefusedError';
  constructor(
    /** The refused folder (absolute when the cache file's path was). */
    readonly folder: string,
    isLink: boolean,
    what: string,
  ) {
    super(`${folder} is ${isLink ? 'a symbolic link' : 'not a folder'}; ${what} is not written through it`);
  }
}

/**
 * Makes the folder of `file` ready for a cache write: created (with its parents) when missing, then
 * checked without following links.
 * @param file the cache file about to be written, e.g. `<root>/.xlens/cache/fingerprints.json`.
 * @param what the cache, for the error message ("the runs index").
 * @throws CacheFolderRefusedError when the folder is a symbolic link (a dangling one too) or not a
 *   folder; the file system's error when it cannot be created.
 */
export async function prepareCacheFolder(file: string, what: string): Promise<void> {
  const folder = dirname(file);
  let info = await lstat(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') {
      return undefined;
    }
    throw error;
  });
  if (info === undefined) {
    await mkdir(folder, { recursive: true });
    info = await lstat(folder);
  }
  if (!info.isDirectory()) {
    throw new CacheFolderRefusedError(folder, info.isSymbolicLink(), what);
  }
}
