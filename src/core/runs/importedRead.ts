/**
 * An imported run (TensorBoard, MLflow, DVCLive, W&B, Keras or Lightning CSV) read once to the end, for
 * commands that do not follow it live (`xlens compare`, `xlens diff`). The source is read with the
 * readers the workspace scan uses and folded by the same {@link ImportedFollower} the compare view
 * follows it with, so both see the same series, params and summaries.
 */
import { readSource } from '../metrics/discovery/discovery';
import type { ImportedRun } from '../metrics/discovery/importedRun';
import type { SourceSpec } from '../metrics/readers';
import type { MetricPoint } from '../metrics/series';
import { ImportedFollower, importedRunState } from './importedFollower';
import { importedRunRecord, readImportedRecord } from './importedRecord';
import type { RunRecord } from './types';

/** An imported run as read: its record, series and the problems met reading its source. */
export interface ReadImportedRun {
  /** The record (see {@link readImportedRecord}); `record.id` is the id `xlens runs` and the editor use. */
  record: RunRecord;
  /** Metric name → finite points in step order. */
  series: ReadonlyMap<string, readonly MetricPoint[]>;
  /** `file[:line]: message` for each problem of the source (at most 100). */
  warnings: readonly string[];
  /** True when the source no longer holds the run (its logs were deleted since the scan). */
  missing: boolean;
}

/**
 * Reads one imported run's source completely.
 * @param run the run as the workspace scan listed it (`discoverImportedRuns`).
 * @throws CancelledError when `signal` fires during the read; unreadable data becomes warnings.
 */
export async function readImportedRun(run: ImportedRun, signal?: AbortSignal): Promise<ReadImportedRun> {
  const state = importedRunState(run);
  const source: SourceSpec = { format: run.format, path: run.source };
  const read = await readSource(source, signal);
  const follower = new ImportedFollower(state, (_sources, listener) => {
    listener({
      source,
      result: { runs: read.runs, warnings: read.warnings },
      initial: true,
      trigger: 'initial',
      readAt: Date.now(),
    });
    return { dispose: () => undefined };
  });
  await follower.start();
  follower.dispose();
  const found = read.runs.some((r) => r.id === state.source.sourceRunId);
  return {
    record: readImportedRecord(importedRunRecord(run), follower.imported.params, follower.series),
    series: follower.series,
    warnings: follower.warnings,
    missing: !found,
  };
}
