/**
 * Write failures that come from the disk or the workspace rather than from xlens: a full disk, a
 * read-only mount, missing permissions, a failing device. They are named the same way everywhere
 * ("disk full (ENOSPC) writing <file>"), so a run's error, a warning and a CLI message read alike.
 */
import { UserInputError } from './errors';

/** What each error code means to a user, for the codes treated as faults of the disk or workspace. */
const WRITE_FAULTS: ReadonlyMap<string, { label: string; fix: string }> = new Map([
  ['ENOSPC', { label: 'disk full', fix: 'Free some space on that disk and try again' }],
  ['EDQUOT', { label: 'disk quota exceeded', fix: 'Free some space within your quota and try again' }],
  [
    'EROFS',
    {
      label: 'the workspace is read-only',
      fix: 'Remount it read-write, or work in a writable copy (xlens records runs under .xlens/ in the workspace)',
    },
  ],
  ['EACCES', { label: 'permission denied', fix: 'Give your user write permission on it' }],
  ['EPERM', { label: 'operation not permitted', fix: 'Give your user write permission on it' }],
  ['EIO', { label: 'input/output error', fix: 'Check the disk (the system log names the device)' }],
]);

/** The `code` of a Node.js file system error (`ENOSPC`, ...), or undefined. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True when `error` is a write fault of the disk or workspace (ENOSPC, EDQUOT, EROFS, EACCES, EPERM, EIO). */
export function isWriteFault(error: unknown): boolean {
  return WRITE_FAULTS.has(errorCode(error) ?? '');
}

/**
 * `"disk full (ENOSPC) writing <file>"` for a write fault ({@link isWriteFault}); for any other error
 * `"<message> writing <file>"`.
 * @param verb what was being done (`writing`, `creating`, `deleting`).
 * @param file the path at fault; default the error's own `path`.
 */
export function describeWriteFailure(error: unknown, verb: string, file?: string): string {
  const code = errorCode(error);
  const fault = code === undefined ? undefined : WRITE_FAULTS.get(code);
  const path = file ?? (error as NodeJS.ErrnoException | undefined)?.path ?? 'a file';
  if (fault === undefined) {
    const message = error instanceof Error ? error.message : String(error);
    return `${message} ${verb} ${path}`;
  }
  return `${fault.label} (${code}) ${verb} ${path}`;
}

/**
 * A {@link UserInputError} naming the fault, the file and the fix (`the workspace is read-only
 * (EROFS): cannot create <file>. <fix>.`) when `error` is a write fault; otherwise undefined.
 * @param verb what could not be done (`create`, `write`, `delete`).
 * @param file the path at fault; default the error's own `path`.
 */
export function writeFaultError(error: unknown, verb: string, file?: string): UserInputError | undefined {
  const code = errorCode(error);
  const fault = code === undefined ? undefined : WRITE_FAULTS.get(code);
  if (fault === undefined) {
    return undefined;
  }
  const path = file ?? (error as NodeJS.ErrnoException).path ?? 'a file of the run store';
  return new UserInputError(`${fault.label} (${code}): cannot ${verb} ${path}. ${fault.fix}.`, {
    file: path,
  });
}
