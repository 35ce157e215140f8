/**
 * File system failures before a run starts that the user can fix (a read-only or foreign-owned
 * `.xlens`, an input swapped for a FIFO or made unreadable), turned into {@link UserInputError}s that
 * say which path and what to do. Anything else is passed on as it is (our bug, shown as such).
 */
import { sep } from 'node:path';
import { UserInputError } from '../base/errors';
import { NotRegularFileError } from '../base/fileTail';

/** What an errno code means for a path we need to write, and the fix. */
const WRITE_FIXES: Partial<Record<string, string>> = {
  EACCES: 'permission denied: make it writable for you (chmod u+w, or chown it)',
  EPERM: 'operation not permitted: make it writable for you (chmod u+w, or chown it)',
  EROFS: 'the file system is read-only: work in a writable copy of the workspace',
  ENOSPC: 'the disk is full: free some space',
  EDQUOT: 'your disk quota is used up: free some space',
  ENOTDIR: 'a file stands where a folder belongs: move that file away',
  EEXIST: 'a file stands where a folder belongs: move that file away',
};

/**
 * The error to throw for `error`, raised while creating the run store or a run folder under `dir`.
 * @returns a UserInputError naming `dir`, the errno code and the fix for the codes above; otherwise
 *   `error` itself.
 */
export function storeWriteError(error: unknown, dir: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const fix = code === undefined ? undefined : WRITE_FIXES[code];
  if (fix === undefined) {
    return error;
  }
  const path = (error as NodeJS.ErrnoException).path ?? dir;
  return new UserInputError(
    `cannot write the run store ${dir} (${code} on ${path}): ${fix}. Nothing was run.`,
    { file: path },
  );
}

/**
 * The error to throw for `error`, raised while fingerprinting a task's inputs (`data:`) named in
 * `configFile`: a path that is not a regular file or cannot be read; or a write of the fingerprint
 * cache under `storeDir` that failed (see {@link storeWriteError}).
 * @returns a UserInputError naming the path and the fix; otherwise `error` itself.
 */
export function inputReadError(error: unknown, configFile: string, storeDir: string): unknown {
  const failed = (error as NodeJS.ErrnoException | undefined)?.path;
  if (failed !== undefined && (failed === storeDir || failed.startsWith(`${storeDir}${sep}`))) {
    return storeWriteError(error, storeDir);
  }
  if (error instanceof NotRegularFileError) {
    return new UserInputError(
      `${error.message}: an input under \`data:\` in ${configFile} must be a regular file or a folder. Nothing was run.`,
      { file: error.file },
    );
  }
  const e = error as NodeJS.ErrnoException | undefined;
  if (e?.code !== undefined && ['EACCES', 'EPERM', 'ENOENT', 'EIO', 'ELOOP', 'ENOTDIR'].includes(e.code)) {
    return new UserInputError(
      `cannot read the input ${e.path ?? ''} (${e.code}) named under \`data:\` in ${configFile}: check that it exists and that you may read it. Nothing was run.`,
      { file: e.path ?? configFile },
    );
  }
  return error;
}
