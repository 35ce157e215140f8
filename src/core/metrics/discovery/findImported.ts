/**
 * Finds one imported run (a run logged by TensorBoard, MLflow, DVCLive or a CSV logger) by what a
 * user types after `xlens show`: its key, id, name or path, or a unique prefix of its id or name.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { UserInputError } from '../../base/errors';
import { shellQuote } from '../../base/shellQuote';
import { discoverImportedRuns } from './discovery';
import type { ImportedRun } from './importedRun';
import type { DiscoveryOptions } from './scan';

/**
 * Finds the imported run `ref` names.
 *
 * - A key (`<format>:<source path>#<id>`, as `xlens import --json` and the ambiguity message give it)
 *   reads that source alone, wherever it is.
 * - A path to a log or folder (relative to `options.cwd`, else `root`) reads what is there: its one run,
 *   or, when it holds several, the ambiguity error listing their keys.
 * - Otherwise `root` is scanned (see {@link discoverImportedRuns}) and matched, first tier with any
 *   match wins: the exact key; the exact id or name; the relative path of its source; a prefix of
 *   the id or name (e.g. the first characters of an MLflow run id).
 *
 * @returns the run, or `undefined` when no imported run matches.
 * @throws UserInputError when `ref` matches several runs of the same tier; the message lists them
 *   (name, format, path) with the key to type for each.
 */
export async function findImportedRun(
  root: string,
  ref: string,
  options: DiscoveryOptions & { cwd?: string } = {},
): Promise<ImportedRun | undefined> {
  const byKey = await runOfKey(ref, options);
  if (byKey) {
    return byKey;
  }
  const path = resolve(options.cwd ?? root, ref);
  if (ref !== '' && path !== resolve(root) && (await exists(path))) {
    const { runs } = await discoverImportedRuns(path, { ...options, taskSources: false });
    if (runs.length === 1) {
      return runs[0];
    }
    if (runs.length > 1) {
      throw ambiguous(ref, runs);
    }
  }
  const { runs } = await discoverImportedRuns(root, options);
  return pickImportedRun(runs, ref);
}

/** The run a key names, read from its source alone; `undefined` when `ref` is no key of an existing source. */
async function runOfKey(ref: string, options: DiscoveryOptions): Promise<ImportedRun | undefined> {
  const format = /^([a-z-]+):/.exec(ref)?.[1];
  if (format === undefined || !SOURCE_FORMATS.has(format)) {
    return undefined;
  }
  // Paths and ids may both hold '#': each split whose path exists is tried.
  for (let at = ref.indexOf('#'); at > 0; at = ref.indexOf('#', at + 1)) {
    const path = ref.slice(format.length + 1, at);
    if (isAbsolute(path) && (await exists(path))) {
      const { runs } = await discoverImportedRuns(path, { ...options, taskSources: false });
      const run = runs.find((r) => r.key === ref);
      if (run) {
        return run;
      }
    }
  }
  return undefined;
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
      throw ambiguous(ref, matches);
    }
  }
  return undefined;
}

/** The error for a reference matching several runs: each with the exact key to type instead. */
function ambiguous(ref: string, matches: readonly ImportedRun[]): UserInputError {
  const listed = matches
    .slice(0, 20)
    .map((r) => `  ${r.name} (${r.format}, ${r.relativePath}): ${shellQuote(r.key)}`);
  const more =
    matches.length > 20 ? [`  ... and ${matches.length - 20} more (see \`xlens import --json\`)`] : [];
  return new UserInputError(
    [
      `"${ref}" matches ${matches.length} imported runs; give the key of one (after the colon on its line):`,
      ...listed,
      ...more,
      `e.g. xlens show ${shellQuote(matches[0].key)}`,
    ].join('\n'),
  );
}

/** The formats an imported run's key can start with. */
const SOURCE_FORMATS = new Set<string>([
  'tensorboard',
  'mlflow',
  'dvclive',
  'keras-csv',
  'lightning-csv',
  'jsonl',
]);

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
