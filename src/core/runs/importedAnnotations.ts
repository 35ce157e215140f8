/**
 * Stars and notes of imported runs (runs another tool logged): `.xlens/imported-annotations.json`, an
 * object keyed by the run's stable key (`<format>:<source path relative to the workspace>#<id>`, see
 * `importedStableKey`), each value shaped like a run folder's `annotations.json`. Kept in our store so
 * that the other tool's files are never modified.
 */
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { dict, ownValue } from '../../shared/dict';
import { UserInputError } from '../base/errors';
import { annotationsOf, readAnnotationsJson, writtenAnnotations, type RunAnnotations } from './annotations';
import { toJsonText, writeFileAtomic } from './atomicWrite';

/** The file name, in the store folder (`.xlens`). */
export const IMPORTED_ANNOTATIONS_FILE = 'imported-annotations.json';

/**
 * Reads the annotations of imported runs kept in `storeDir`: stable key → annotations (a null-prototype
 * dictionary), empty when the file does not exist.
 * @throws UserInputError when the file is not a regular file, not JSON, or not an object of
 *   `{"starred": boolean, "note": string}` objects, naming the file, the key and the fix.
 */
export async function readImportedAnnotations(storeDir: string): Promise<Record<string, RunAnnotations>> {
  const file = join(storeDir, IMPORTED_ANNOTATIONS_FILE);
  const value = await readAnnotationsJson(file);
  if (value === undefined) {
    return dict();
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UserInputError(
      `${file}: write an object keyed by imported run, e.g. {"tensorboard:runs/a#runs/a": {"starred": true}}.`,
      { file },
    );
  }
  const result = dict<RunAnnotations>();
  for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
    const annotations = annotationsOf(entry);
    if (annotations === undefined) {
      throw new UserInputError(
        `${file}: the entry ${JSON.stringify(key)} must be an object like {"starred": true, "note": "best so far"} (starred a boolean, note a string).`,
        { file },
      );
    }
    result[key] = annotations;
  }
  return result;
}

/**
 * Sets the annotations of the imported run `stableKey` in `storeDir`'s file (read, changed, written
 * atomically; the folder is made when missing). A run with neither star nor note is removed from the file.
 * @throws UserInputError when the existing file is not valid (see {@link readImportedAnnotations}).
 * @throws Error from the file system (a read-only disk).
 */
export async function writeImportedAnnotation(
  storeDir: string,
  stableKey: string,
  annotations: RunAnnotations,
): Promise<void> {
  const all = await readImportedAnnotations(storeDir);
  const value = writtenAnnotations(annotations);
  if (Object.keys(value).length === 0) {
    delete all[stableKey];
  } else {
    all[stableKey] = value;
  }
  const sorted = dict<RunAnnotations>();
  for (const key of Object.keys(all).sort()) {
    sorted[key] = ownValue(all, key) ?? {};
  }
  await mkdir(storeDir, { recursive: true });
  await writeFileAtomic(join(storeDir, IMPORTED_ANNOTATIONS_FILE), toJsonText(sorted));
}
