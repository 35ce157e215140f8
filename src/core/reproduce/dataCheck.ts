/**
 * The data check of `xlens reproduce`: each input a run fingerprinted (`data:` in `xlens.yaml`) is
 * fingerprinted again where the reproduction will read it, and compared by sha256.
 */
import { UserInputError } from '../base/errors';
import { Fingerprinter } from '../runs/fingerprint';
import type { DataFingerprint } from '../runs/types';

/** An input whose content differs from what the run recorded. */
export interface DataChange {
  /** Path relative to the workspace root, as recorded. */
  path: string;
  /** sha256 recorded with the run. */
  recorded: string;
  /** sha256 now, or `null` when the input is missing. */
  current: string | null;
}

/**
 * Fingerprints each recorded input under `root` and lists those whose sha256 changed or that are
 * missing.
 * @param cacheFile the fingerprint cache (`.xlens/cache/fingerprints.json`).
 */
export async function changedInputs(
  root: string,
  recorded: readonly DataFingerprint[],
  cacheFile: string,
): Promise<DataChange[]> {
  const fingerprinter = new Fingerprinter(cacheFile);
  const changes: DataChange[] = [];
  for (const input of recorded) {
    let current: string | null;
    try {
      [{ sha256: current }] = await fingerprinter.fingerprint(root, [input.path]);
    } catch {
      current = null;
    }
    if (current !== input.sha256) {
      changes.push({ path: input.path, recorded: input.sha256, current });
    }
  }
  return changes;
}

/** Raised when inputs changed since the run and `--allow-data-change` was not given (exit 2). */
export class DataChangedError extends UserInputError {
  constructor(
    readonly runId: string,
    readonly changes: readonly DataChange[],
  ) {
    super(
      `the data of run ${runId} changed since it ran:\n` +
        changes
          .map((c) => `  ${c.path}: recorded sha256 ${c.recorded}, now ${c.current ?? 'missing'}`)
          .join('\n') +
        '\nRestore these inputs, or reproduce with the current data: --allow-data-change.',
      { file: changes[0]?.path },
    );
  }
}
