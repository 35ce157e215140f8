/**
 * Runs named on the command line (`xlens compare`, `xlens diff`): runs of this workspace, and runs
 * other tools logged (TensorBoard, MLflow, DVCLive, W&B, Keras or Lightning CSV) that `xlens runs` lists
 * after them, by the same names.
 */
import { join } from 'node:path';
import { UserInputError } from '../core/base/errors';
import { discoverImportedRuns } from '../core/metrics/discovery/discovery';
import { pickImportedRun } from '../core/metrics/discovery/findImported';
import type { ImportedRun, ImportedRunsResult } from '../core/metrics/discovery/importedRun';
import type { MetricPoint } from '../core/metrics/series';
import { seriesFromLines } from '../core/report/writeRunReport';
import { readImportedRun } from '../core/runs/importedRead';
import { importedRecordId } from '../core/runs/importedRecord';
import type { RunStore } from '../core/runs/store';
import type { RunRecord } from '../core/runs/types';
import type { CliContext } from './command';
import { warnTo, withReconciled } from './runText';

/**
 * The imported runs of the workspace, with the scan's cache in `.xlens/cache/` so logs unchanged since
 * the last listing are not read again (see `src/core/metrics/discovery/discoveryCache.ts`).
 */
export async function scanImportedRuns(store: RunStore, signal: AbortSignal): Promise<ImportedRunsResult> {
  // Nothing is created when there is nothing to cache (a workspace without logs stays untouched);
  // `.xlens/.gitignore` comes before the cache under `.xlens/`, and a workspace that cannot be
  // written (read-only, full) is scanned without writing the cache.
  return discoverImportedRuns(store.root, {
    signal,
    cacheFile: join(store.storeDir, 'cache', 'imported-runs.json'),
    beforeCacheWrite: () => store.ensureIgnored(),
  });
}

/** A named run: its record and, read on demand, its series (metric name → points in step order). */
export interface NamedRun {
  record: RunRecord;
  /** The scan's entry of an imported run; undefined for a run of this workspace. */
  imported?: ImportedRun;
  series(): Promise<ReadonlyMap<string, readonly MetricPoint[]>>;
}

/**
 * Finds each named run: a run of this workspace (id, unique prefix, latest, latest:<task>) first, else
 * an imported run by its record id (as the editor names it), key, name, source id, path or a unique
 * prefix of its name or id. An imported run is read to the end (its summaries come from its series, as
 * in the compare view); problems of its logs are warned about on stderr.
 * @throws UserInputError naming a ref that names no run, that names a run given before, or that matches
 *   several imported runs (with the key to type for each).
 */
export async function findNamedRuns(
  store: RunStore,
  refs: readonly string[],
  reconciled: readonly RunRecord[],
  ctx: CliContext,
): Promise<NamedRun[]> {
  const runs: NamedRun[] = [];
  let scanned: ImportedRun[] | undefined;
  for (const ref of refs) {
    let named: NamedRun;
    const own = await store.find(ref);
    if (own) {
      named = {
        record: withReconciled([own], reconciled)[0],
        series: async () => seriesFromLines((await store.readMetrics(own.id)).lines),
      };
    } else {
      scanned ??= (await scanImportedRuns(store, ctx.signal)).runs;
      const imported = scanned.find((r) => importedRecordId(r) === ref) ?? pickImportedRun(scanned, ref);
      if (!imported) {
        throw new UserInputError(
          `no run matches "${ref}", neither of this workspace nor imported from another tool's logs. List runs with \`xlens runs\`.`,
        );
      }
      const read = await readImportedRun(imported, ctx.signal);
      const warn = warnTo(ctx);
      read.warnings.forEach(warn);
      if (read.missing) {
        warn(
          `${imported.name}: its ${read.record.imported?.label ?? imported.format} logs no longer hold it; shown as last listed.`,
        );
      }
      named = { record: read.record, imported, series: () => Promise.resolve(read.series) };
    }
    const twice = runs.find((r) => r.record.id === named.record.id);
    if (twice) {
      throw new UserInputError(`run ${named.record.id} is named twice ("${ref}"); name each run once.`);
    }
    runs.push(named);
  }
  return runs;
}
