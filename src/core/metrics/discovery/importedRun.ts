/**
 * The shapes of **imported runs**: runs logged by other tools (TensorBoard, MLflow, DVCLive, Keras and
 * Lightning CSV, JSONL) as the workspace scan lists them, and the result of one scan. Shared by the
 * scan, its cache, the worker protocol and the editor and CLI listings.
 */
import type { ParamValue, RunStatus } from '../../runs/types';
import type { SourceSpec } from '../readers';
import type { MetricSourceKind, ReadWarning } from '../series';

/** A run found by the scan, summarised for listings (`xlens import`, `xlens runs --imported`). */
export interface ImportedRun {
  /** Unique across sources: `<format>:<source path>#<run id>`. */
  key: string;
  format: MetricSourceKind;
  /** Absolute path of the source the run came from (store, folder or file). */
  source: string;
  /** `source` relative to the scanned root, with `/` separators. */
  relativePath: string;
  id: string;
  name: string;
  experiment?: string;
  status?: RunStatus;
  gitCommit?: string;
  /** Unix ms. */
  startTime?: number;
  endTime?: number;
  params: Record<string, ParamValue>;
  tags: Record<string, string>;
  /**
   * Per metric, in the order the source lists them: finite points, the last finite value (NaN when
   * none) and its step, and how many values were non-finite (NaN, ±Infinity), when any; the smallest and
   * largest finite values and the step of the best one (`metricGoal`), when there is a finite point
   * (absent in summaries of older scans).
   */
  metrics: {
    name: string;
    points: number;
    lastStep: number;
    last: number;
    nonFinite?: number;
    min?: number;
    max?: number;
    bestStep?: number;
  }[];
  /** The task of `xlens.yaml` whose `metrics:` names this run's source, when one does. */
  task?: string;
}

/** What one scan read: the runs, the sources they came from, and the problems met. */
export interface ImportedRunsResult {
  runs: ImportedRun[];
  sources: SourceSpec[];
  warnings: ReadWarning[];
  /** All warnings counted, when more than `warnings` holds. */
  warningCount: number;
  /** How many sources were taken from the cache (`cacheFile`) instead of being read. */
  fromCache?: number;
}
