/**
 * Checks a file the CLI is asked to write (`--json <file>`, `--html <file>`) before any work is done,
 * so a folder, an unwritable place or a file standing where a folder should be gives one clear line and
 * exit 2, not a stack trace after a long computation. Missing folders on the way are created (the
 * commands' help says so), so `--html reports/drift.html` works in a fresh CI checkout.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readSync,
  realpathSync,
  statSync,
  type Stats,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { UserInputError } from '../core/base/errors';
import { fileKind, NotRegularFileError, READ_NONBLOCKING } from '../core/base/regularFile';
import { writeJsonFile } from '../core/base/jsonOutput';

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

/** The marker every HTML report written by xlens carries in its head (`core/report/page.ts`). */
const HTML_REPORT_MARKER = '<meta name="generator" content="Experiment Lens">';
/** Bytes read from an existing file to look for {@link HTML_REPORT_MARKER}. */
const MARKER_WINDOW = 4096;

/** What else an output path is checked against (see {@link checkOutputPath}). */
export interface OutputPathGuards {
  /** Files the same command reads: never overwritten. */
  inputs?: readonly string[];
  /**
   * `html`: an existing file is replaced only when it is an HTML report written by xlens (it carries
   * our generator marker), unless `force`.
   */
  kind?: 'html' | 'json';
  /** `--force`: replace an existing file that is not one of ours (inputs and run records stay refused). */
  force?: boolean;
}

/** The real path of `path` when it exists (symlinks resolved), else `path` resolved as is. */
function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** What `path` is (following links), or undefined when it does not exist or cannot be looked at. */
function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** True when the start of `file` carries {@link HTML_REPORT_MARKER}. */
function isOurHtmlReport(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, READ_NONBLOCKING); // never waits on a FIFO
    const head = Buffer.alloc(MARKER_WINDOW);
    const read = readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, read).toString('utf8').includes(HTML_REPORT_MARKER);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) {
      closeSync(fd);
    }
  }
}

/**
 * Refuses an output that would replace something the user did not ask to lose: an input of the same
 * command, anything inside a run store (`.xlens/`), or (for `html`) an existing file that is not a
 * report written by xlens unless `force`.
 */
function guard(flag: string, target: string, out: string, guards: OutputPathGuards): void {
  const real = realOrSelf(out);
  for (const input of guards.inputs ?? []) {
    if (realOrSelf(input) === real) {
      throw new UserInputError(
        `${flag} ${target}: is an input of this command; writing there would destroy it. Give another file name.`,
      );
    }
  }
  if (real.split(sep).includes('.xlens')) {
    throw new UserInputError(
      `${flag} ${target}: is inside .xlens/, where runs are recorded; give a file name outside it.`,
    );
  }
  if (guards.kind === 'html' && !guards.force && existsSync(out) && !isOurHtmlReport(out)) {
    throw new UserInputError(
      `${flag} ${target}: the file exists and is not a report written by xlens; give another file name, ` +
        'or add --force to replace it.',
    );
  }
}

/**
 * Resolves `target` against `cwd` and makes sure a file can be written there: creates missing parent
 * folders, and probes by opening the file for appending (a file that did not exist is removed again).
 * Refuses, before that, what {@link OutputPathGuards} protects.
 * @param flag the option, for messages (e.g. `--html`).
 * @param example a file name to suggest when `target` is a folder (e.g. `report.html`).
 * @returns the absolute path.
 * @throws UserInputError when `target` is a folder, a parent is a file, the place is not writable, or
 *   a guard refuses it.
 */
export function checkOutputPath(
  cwd: string,
  flag: string,
  target: string,
  example: string,
  guards: OutputPathGuards = {},
): string {
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
  const existing = statOrUndefined(out);
  if (existing && (existing.isFIFO() || existing.isSocket())) {
    // Opening a FIFO to write (or to look for our marker) would wait for its other end forever; a
    // device such as /dev/null is written like a file.
    throw new UserInputError(
      `${flag} ${target}: ${new NotRegularFileError(out, fileKind(existing)).message}; give a file name.`,
    );
  }
  guard(flag, target, out, guards);
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

/**
 * Writes `value` as pretty-printed JSON to `out` (checked by {@link checkOutputPath}), streamed so that a
 * report of any size never exists as one string; failures are reported as {@link writeOutputFile} does.
 */
export async function writeOutputJson(flag: string, out: string, value: unknown): Promise<void> {
  try {
    mkdirSync(dirname(out), { recursive: true });
    await writeJsonFile(out, value);
  } catch (error) {
    throw new UserInputError(
      `${flag} ${out}: cannot write there (${reason(error)}); give another file name.`,
    );
  }
}
