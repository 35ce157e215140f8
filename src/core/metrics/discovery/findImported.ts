/**
 * Finds one imported run (a run logged by TensorBoard, MLflow, DVCLive or a CSV logger) by what a
 * user types after `xlens show`: its key, id, name or path, or a unique prefix of its id or name.
 */
import { UserInputError } from '../../base/errors';
import { discoverImportedRuns } from './discovery';
import type { ImportedRun } from './importedRun';
import type { DiscoveryOptions } from './scan';

/**
 * Scans `root` (see {@link discoverImportedRuns}) and returns the imported run `ref` names.
 *
 * Matching, first tier with any match wins: the exact key (`<format>:<source>#<id>`); the exact id or
 * name; the relative path of its source; a prefix of the id or name (e.g. the first characters of an MLflow run id).
 *
 * @returns the run, or `undefined` when no imported run matches.
 * @throws UserInputError when `ref` matches several runs of the same tier; the message lists them
 *   (name, format, path) and asks for a longer reference.
 */
export async function findImportedRun(
  root: string,
  ref: string,
  options: DiscoveryOptions = {},
): Promise<ImportedRun | undefined> {
  const { runs } = await discoverImportedRuns(root, options);
  return pickImportedRun(runs, ref);
}

/** The matching of {@link findImportedRun} over runs already listed. */
export function pickImportedRun(runs: readonly ImportedRun[], ref: string): ImportedRun | undefined {
  const tiers: ((r: ImportedRun) => boolean)[] = [
    (r) => r.key === ref,
    (r) => r.id === ref || r.name === ref,
    (r) => r.relativePath === ref,
    (r) => ref.length > 0 && (r.id.startsWith(ref) || r.name.startsWith(ref)),
  ];
  for (const test of tiers) {
    const matches = runs.filter(test);
    if (matches.length === 1) {
      return matches[0];
    }
    if (matches.length > 1) {
      const listed = matches
        .slice(0, 10)
        .map((r) => `  ${r.name} (${r.format}, ${r.relativePath})${r.id !== r.name ? ` id ${r.id}` : ''}`);
      const more = matches.length > 10 ? [`  ... and ${matches.length - 10} more`] : [];
      throw new UserInputError(
        [
          `"${ref}" matches ${matches.length} imported runs:`,
          ...listed,
          ...more,
          'Give more of the name or id, or the key shown by `xlens import --json`.',
        ].join('\n'),
      );
    }
  }
  return undefined;
}
