/**
 * File system failures that come from the disk or the workspace rather than from xlens: a full disk, a
 * read-only mount, missing permissions, a failing device, a file where a folder belongs. This is the
 * one table of them: a run's error, a warning, a CLI message and the refusal to start a run name a
 * code with the same words ("disk full (ENOSPC) writing <file>") and the same fix.
 */
import { UserInputError } from './errors';

interface Fault {
  /** What the code means, lower case (`disk full`). */
  label: string;
  /** What to do, a sentence without its final period. */
  fix: string;
}

const WRITABLE = 'Give your user write permission on it (chmod u+w, or chown it)';

/** The codes treated as write faults of the disk or workspace ({@link isWriteFault}). */
const WRITE_FAULTS: ReadonlyMap<string, Fault> = new Map([
  ['ENOSPC', { label: 'disk full', fix: 'Free some space on that disk and try again' }],
  ['EDQUOT', { label: 'disk quota exceeded', fix: 'Free some space within your quota and try again' }],
  [
    'EROFS',
    {
      label: 'the workspace is read-only',
      fix: 'Remount it read-write, or work in a writable copy (xlens records runs under .xlens/ in the workspace)',
    },
  ],
  ['EACCES', { label: 'permission denied', fix: WRITABLE }],
  ['EPERM', { label: 'operation not permitted', fix: WRITABLE }],
  ['EIO', { label: 'input/output error', fix: 'Check the disk (the system log names the device)' }],
]);

/** Faults met only when making a folder: a file stands where it belongs. */
const FOLDER_FAULTS: ReadonlyMap<string, Fault> = new Map([
  ['ENOTDIR', { label: 'not a folder', fix: 'A file stands where a folder belongs: move that file away' }],
  ['EEXIST', { label: 'not a folder', fix: 'A file stands where a folder belongs: move that file away' }],
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

/**
 * The error to throw for `error`, raised while creating the run store or a run folder under `dir`
 * (before any task runs): for a write fault ({@link isWriteFault}) or a file where a folder belongs
 * (ENOTDIR, EEXIST), a {@link UserInputError} `cannot write the run store <dir> (<code> on <path>):
 * <label>. <fix>. Nothing was run.`; any other error is returned as it is (our bug, shown as such).
 */
export function storeWriteError(error: unknown, dir: string): unknown {
  const code = errorCode(error);
  const fault = code === undefined ? undefined : (WRITE_FAULTS.get(code) ?? FOLDER_FAULTS.get(code));
  if (fault === undefined) {
    return error;
  }
  const path = (error as NodeJS.ErrnoException).path ?? dir;
  return new UserInputError(
    `cannot write the run store ${dir} (${code} on ${path}): ${fault.label}. ${fault.fix}. Nothing was run.`,
    { file: path },
  );
}
