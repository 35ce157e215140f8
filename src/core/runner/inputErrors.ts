/**
 * Failures reading a task's inputs before a run starts that the user can fix (an input swapped for a
 * FIFO or made unreadable, a fingerprint cache that cannot be written), turned into
 * {@link UserInputError}s that say which path and what to do. Anything else is passed on as it is (our
 * bug, shown as such). Write faults are named by `core/base/fsErrors.ts`.
 */
import { sep } from 'node:path';
import { UserInputError } from '../base/errors';
import { NotRegularFileError } from '../base/fileTail';
import { storeWriteError } from '../base/fsErrors';

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
