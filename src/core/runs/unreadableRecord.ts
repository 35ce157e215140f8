/** The message for a run whose `run.json` cannot be read, by what is actually wrong with it. */
import { lstat, readlink } from 'node:fs/promises';
import { errorCode } from '../base/fsErrors';

/**
 * Why a run's `run.json` could not be read, naming the fault and the fix. Only a record that is truly
 * absent is called missing (an interrupted run: delete its folder); a record that exists but cannot be
 * read (a folder, a dangling or looping link, permissions, a failing disk) is never a reason to delete
 * the run, whose other files are intact.
 * @param error what reading the file threw.
 * @returns `<file>: ...` with the fault and the fix.
 */
export async function unreadableRecord(file: string, error: unknown): Promise<string> {
  const code = errorCode(error);
  const entry = await lstat(file).catch(() => undefined);
  if (entry === undefined) {
    return `${file}: missing; the run folder is incomplete (half-deleted or interrupted). Delete the folder.`;
  }
  const keep = "The run's other files are intact: fix the record rather than deleting the run.";
  if (entry.isSymbolicLink()) {
    const target = await readlink(file).catch(() => '?');
    const why =
      code === 'ELOOP' ? 'loops back on itself (ELOOP)' : `does not exist (${code ?? 'unreadable'})`;
    return `${file}: unreadable: it is a symbolic link to "${target}", which ${why}. Replace the link with the run's record. ${keep}`;
  }
  if (code === 'EISDIR') {
    return `${file}: unreadable: it is a folder, not a file (EISDIR). Put the run's record file in its place. ${keep}`;
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return `${file}: unreadable: permission denied (${code}). Give your user read permission on it (chmod u+r). ${keep}`;
  }
  const reason = error instanceof Error ? error.message : String(error);
  return `${file}: unreadable (${code ?? reason}): ${reason}. ${keep}`;
}
