/**
 * Checks a file the CLI is asked to write (`--json <file>`, `--html <file>`) before any work is done,
 * so a folder, an unwritable place or a file standing where a folder should be gives one clear line and
 * exit 2, not a stack trace after a long computation. Missing folders on the way are created (the
 * commands' help says so), so `--html reports/drift.html` works in a fresh CI checkout.
 */
import { closeSync, existsSync, mkdirSync, openSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserInputError } from '../core/base/errors';

/** Why a write failed, in words, for the common error codes. */
function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the filesystem is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    case 'ENOENT':
      return 'the folder cannot hold new files';
    default:
      return (error as Error).message;
  }
}

/**
 * Resolves `target` against `cwd` and makes sure a file can be written there: creates missing parent
 * folders, and probes by opening the file for appending (a file that did not exist is removed again).
 * @param flag the option, for messages (e.g. `--html`).
 * @param example a file name to suggest when `target` is a folder (e.g. `report.html`).
 * @returns the absolute path.
 * @throws UserInputError when `target` is a folder, a parent is a file, or the place is not writable.
 */
export function checkOutputPath(cwd: string, flag: string, target: string, example: string): string {
  const out = resolve(cwd, target);
  if (target === '' || (existsSync(out) && statSync(out).isDirectory()) || /[/\\]$/.test(target)) {
    const suggestion = join(target === '' ? '.' : target, example);
    throw new UserInputError(`${flag} ${target}: is a folder; give a file name, e.g. ${suggestion}`);
  }
  let parent = dirname(out);
  while (!existsSync(parent) && dirname(parent) !== parent) {
    parent = dirname(parent);
  }
  if (existsSync(parent) && !statSync(parent).isDirectory()) {
    throw new UserInputError(
      `${flag} ${target}: ${parent} is a file, not a folder; give a path in a folder, e.g. ${basename(out)}`,
    );
  }
  try {
    mkdirSync(dirname(out), { recursive: true });
    const existed = existsSync(out);
    closeSync(openSync(out, 'a'));
    if (!existed) {
      unlinkSync(out);
    }
  } catch (error) {
    throw new UserInputError(
      `${flag} ${target}: cannot write there (${reason(error)}); give another file name.`,
    );
  }
  return out;
}

/**
 * Writes `content` to `out` (checked by {@link checkOutputPath}); a failure that happens anyway (the
 * disk filled up meanwhile) is reported as bad input in the same words.
 */
export function writeOutputFile(flag: string, out: string, content: string): void {
  try {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, content);
  } catch (error) {
    throw new UserInputError(
      `${flag} ${out}: cannot write there (${reason(error)}); give another file name.`,
    );
  }
}
