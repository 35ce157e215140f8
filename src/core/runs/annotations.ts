/**
 * A run's annotations: `<run folder>/annotations.json`, `{ "starred": true, "note": "..." }`, written
 * by the user through the editor (the experiments table) and read by `xlens gc` (starred runs are
 * kept) and shared with the run's record (`xlens push`).
 */
import { join } from 'node:path';
import { UserInputError } from '../base/errors';
import { openRegularFile } from '../base/regularFile';
import { writeFileAtomic } from './atomicWrite';

/** The file name, in the run folder. */
export const ANNOTATIONS_FILE = 'annotations.json';

/** The contents of `annotations.json`; both fields optional. */
export interface RunAnnotations {
  /** The user starred the run: kept by `xlens gc`, listed first where runs are picked. */
  starred?: boolean;
  /** A free-text note. */
  note?: string;
}

/**
 * Reads the annotations of the run in `runDir`: `{}` when the file does not exist.
 * @throws UserInputError when the file is not a regular file, not JSON, or not an object whose
 *   `starred` is a boolean and `note` a string, naming the file and the fix.
 */
export async function readAnnotations(runDir: string): Promise<RunAnnotations> {
  const file = join(runDir, ANNOTATIONS_FILE);
  const value = await readAnnotationsJson(file);
  if (value === undefined) {
    return {};
  }
  const annotations = annotationsOf(value);
  if (annotations === undefined) {
    throw new UserInputError(
      `${file}: write an object like {"starred": true, "note": "best so far"} (starred a boolean, note a string).`,
      { file },
    );
  }
  return annotations;
}

/**
 * The JSON value of an annotations file (a run's, or the imported runs' file): undefined when it does
 * not exist.
 * @throws UserInputError when it is not a regular file or not JSON, naming the file and the fix.
 */
export async function readAnnotationsJson(file: string): Promise<unknown> {
  let text: string;
  try {
    const handle = await openRegularFile(file);
    try {
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw new UserInputError(`${file}: ${(error as Error).message}`, { file });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UserInputError(`${file}: not valid JSON (${(error as Error).message}); fix or delete it.`, {
      file,
    });
  }
}

/**
 * `value` as annotations when it is an object whose `starred` (if any) is a boolean and `note` (if
 * any) a string; other fields are dropped. Undefined for any other value.
 */
export function annotationsOf(value: unknown): RunAnnotations | undefined {
  const object = value as { starred?: unknown; note?: unknown } | null;
  if (
    object === null ||
    typeof object !== 'object' ||
    Array.isArray(object) ||
    (object.starred !== undefined && typeof object.starred !== 'boolean') ||
    (object.note !== undefined && typeof object.note !== 'string')
  ) {
    return undefined;
  }
  return {
    ...(object.starred !== undefined ? { starred: object.starred } : {}),
    ...(object.note !== undefined ? { note: object.note } : {}),
  };
}

/** `annotations` as written: a star that is off and an empty note are left out (neither gives `{}`). */
export function writtenAnnotations(annotations: RunAnnotations): RunAnnotations {
  return {
    ...(annotations.starred === true ? { starred: true } : {}),
    ...(annotations.note !== undefined && annotations.note !== '' ? { note: annotations.note } : {}),
  };
}

/**
 * Writes the annotations of the run in `runDir` (atomically: temp file + rename). A star that is off and an
 * empty note are left out, so a run with neither has `{}`.
 * @throws Error from the file system (a missing run folder, a read-only disk).
 */
export async function writeAnnotations(runDir: string, annotations: RunAnnotations): Promise<void> {
  const value = writtenAnnotations(annotations);
  await writeFileAtomic(join(runDir, ANNOTATIONS_FILE), `${JSON.stringify(value, null, 2)}\n`);
}
