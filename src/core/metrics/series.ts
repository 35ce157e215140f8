/**
 * One series model for every metric source (our JSONL protocol, stdout pattern, TensorBoard, MLflow,
 * DVCLive, Keras/Lightning CSV). Readers map their format onto these shapes.
 */
import type { ParamValue, RunStatus } from '../runs/types';

/** One observation of a metric. */
export interface MetricPoint {
  /** Integer step ≥ 0 (global step, iteration or epoch, as the source records). */
  step: number;
  /** Finite value. */
  value: number;
  /** Wall time in Unix ms, when the source records it. */
  time?: number;
}

/** Where a series or run was read from. */
export type MetricSourceKind =
  'jsonl' | 'stdout' | 'tensorboard' | 'mlflow' | 'dvclive' | 'keras-csv' | 'lightning-csv' | 'wandb';

/** A problem met while reading, counted and reported; never thrown for readable data. */
export interface ReadWarning {
  /** Absolute or workspace-relative path of the file. */
  file: string;
  /** 1-based line for text formats. */
  line?: number;
  /** Byte offset for binary formats. */
  offset?: number;
  message: string;
}

/** A run as read from an external source (or our own store) in the common model. */
export interface SeriesRun {
  /** Stable id within the source, e.g. the TensorBoard run directory relative to the logdir, the MLflow run id. */
  id: string;
  /** Display name. */
  name: string;
  source: MetricSourceKind;
  /** The folder or file the run was read from. */
  path: string;
  /** Metric name (tag) → points in the order read (sorted by step where the source is ordered). */
  metrics: Map<string, MetricPoint[]>;
  params: Record<string, ParamValue>;
  tags: Record<string, string>;
  status?: RunStatus;
  /** Git commit the source links the run to (e.g. MLflow's `mlflow.source.git.commit`). */
  gitCommit?: string;
  /** Experiment or group name, where the source has one. */
  experiment?: string;
  /** Start and end in Unix ms, where known. */
  startTime?: number;
  endTime?: number;
}
