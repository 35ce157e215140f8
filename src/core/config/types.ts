/**
 * The validated shape of `xlens.yaml` (see DESIGN.md and `schemas/xlens.schema.json`).
 * Durations are milliseconds; paths are as written (relative to the workspace root).
 */
import type { ParamValue } from '../runs/types';

/** A position in the config file, 1-based, for diagnostics and CodeLens. */
export interface SourceRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** A metric source declared under a task's `metrics:`. */
export type MetricSourceSpec =
  | { tensorboard: string }
  | { mlflow: string }
  | { dvclive: string }
  | { csv: string }
  | { jsonl: string }
  /** A W&B project folder, its `wandb/` folder, or one run folder (offline or synced). */
  | { wandb: string }
  /** A regex with named groups `name` and `value` (optionally `step`), applied to each stdout line. */
  | { stdout: string };

interface TaskBase {
  /** Task name (the key under `tasks:`). */
  name: string;
  /** Flattened params from inline maps and/or files, in declaration order. */
  params: Record<string, ParamValue>;
  /** Param files as written, relative to the workspace. */
  paramFiles: string[];
  /** Inputs fingerprinted with the run. */
  data: string[];
  metrics: MetricSourceSpec[];
  /** Outputs recorded as artifacts after the run. */
  outputs: string[];
  env: Record<string, string>;
  /** Timeout in ms; undefined for none. */
  timeoutMs?: number;
  /** Working directory relative to the workspace root (default `.`). */
  cwd?: string;
  /** Where the task is declared in `xlens.yaml` (the task's name). */
  range?: SourceRange;
  /** One line shown beside the task. */
  description?: string;
  /** Where params came from, in order: param files as written, `inline`. */
  paramSources?: string[];
  /**
   * Positions of the task's fields in `xlens.yaml`, keyed by YAML key (`run`, `data`, `model`, ...)
   * and, for lists, `key.index` (`data.0`). Used to place errors found at run time.
   */
  fieldRanges?: Record<string, SourceRange>;
  /**
   * Checks evaluated when a run of the task ends (`eval/roc_auc >= 0.9`; grammar in
   * `src/core/checks/grammar.ts`), as written; absent when the task declares none.
   */
  checks?: string[];
  /** The run `baseline` stands for in the checks: `latest:<task>[@<branch>]` or a run id, as written. */
  baseline?: string;
  /**
   * Where the task runs: its `executor:`, else the file's top-level `executor:`; absent means local.
   * Only `run:` commands go to Slurm (built-in jobs always run locally).
   */
  executor?: ExecutorConfig;
}

/** A task's `executor:` in `xlens.yaml`: `local` (the default) or `slurm: {...}`. */
export type ExecutorConfig = { type: 'local' } | { type: 'slurm'; slurm: SlurmOptions };

/**
 * The `slurm:` options of an executor, each becoming one `#SBATCH` option of the run's `job.sh`
 * (sbatch(1), https://slurm.schedmd.com/sbatch.html). Every value other than `setup` was checked
 * against a safe pattern when the file loaded (`core/config/executorConfig.ts`).
 */
export interface SlurmOptions {
  /** `--partition`. */
  partition?: string;
  /** `--gpus` (total for the job). */
  gpus?: number;
  /** `--gpus-per-node`: a count or `type:count` (e.g. `a100:2`). */
  gpusPerNode?: string;
  /** `--cpus-per-task`. */
  cpusPerTask?: number;
  /** `--mem`, e.g. `16G` (a number with an optional K/M/G/T unit). */
  mem?: string;
  /** `--time` in Slurm's formats (`30`, `1:30:00`, `2-00:00:00`); default: the task's `timeout:`. */
  time?: string;
  /** `--nodes`. */
  nodes?: number;
  /** `--account`. */
  account?: string;
  /** `--qos`. */
  qos?: string;
  /** `--constraint`, e.g. `a100|h100`. */
  constraint?: string;
  /** More sbatch options, one per `#SBATCH` line, e.g. `--exclusive`, `--mail-type=END`. */
  extra: string[];
  /** Shell lines run on the compute node before the command (`module load cuda/12.2`); the user's code. */
  setup: string[];
}

/** A user's own command, run through the shell. */
export interface CommandTask extends TaskBase {
  kind: 'command';
  /** Command line, still containing `${params.x}` placeholders (bound at run time: `bindCommand`). */
  run: string;
}

/** One layer of the built-in trainer's dense model. */
export type LayerSpec =
  | { dense: number; activation?: string }
  | { dropout: number }
  | { batchNormalization: true | Record<string, never> };

export type OptimizerSpec =
  | { adam?: { learning_rate?: number } }
  | { sgd?: { learning_rate?: number; momentum?: number } }
  | { rmsprop?: { learning_rate?: number } };

export interface TfjsTrainTask extends TaskBase {
  kind: 'tfjs-train';
  /** CSV with a header row. */
  dataFile: string;
  target: string;
  /** `classification` (default when the target is not numeric) or `regression`. */
  problem?: 'classification' | 'regression';
  /** Columns to use; default all but the target. */
  features?: string[];
  model: { layers: LayerSpec[] };
  epochs: number;
  batchSize: number;
  optimizer: OptimizerSpec;
  validationSplit: number;
  /** Share of rows held out before training and saved as `holdout.csv` (default 0). */
  holdoutSplit?: number;
  seed: number;
  /**
   * Stop when `monitor` (default `val_loss`) has not improved for `patience` epochs in a row (Keras'
   * `EarlyStopping`); `mode` says whether lower or higher is better (default `auto`: from the name,
   * as run summaries decide).
   */
  earlyStopping?: { patience: number; minDelta?: number; monitor?: string; mode?: 'min' | 'max' | 'auto' };
}

export interface TfjsEvalTask extends TaskBase {
  kind: 'tfjs-eval';
  /** Model folder; may contain `${runs.<task>.latest}`. */
  model: string;
  dataFile: string;
  /** Also write `artifacts/predictions.csv`: the rows with `pred` and `proba_<class>` columns. */
  predictions?: boolean;
}

export interface DriftTask extends TaskBase {
  kind: 'drift';
  reference: string;
  current: string;
  columns?: string[];
  /** Options passed to the drift engine (method/threshold overrides, per-column). */
  options?: Record<string, unknown>;
}

/** Evaluation of a predictions file from any model (`src/core/eval/`, as `xlens eval`). */
export interface EvalTask extends TaskBase {
  kind: 'eval';
  /** The predictions file (CSV, TSV, JSON Lines, Parquet, Arrow). */
  dataFile: string;
  /** Column of true labels (default: found by name). */
  target?: string;
  /** Column of predicted labels (default: found by name). */
  pred?: string;
  /** Probability columns: a prefix, one column, or a list (default: found by name). */
  proba?: string | string[];
  /** Positive class of a binary problem (default: the greater label). */
  posLabel?: string;
  problem?: 'classification' | 'regression';
  /** Calibration curve: bins (default 10) and their edges (default uniform). */
  calibration?: { bins?: number; strategy?: 'uniform' | 'quantile' };
  /** Leave out rows with a missing value instead of failing (default false). */
  dropMissing?: boolean;
}

/**
 * Model-decay monitoring of a predictions file (`src/core/monitor/`, as `xlens monitor`): per time
 * window, the evaluation metrics and the drift of the feature columns against a reference. The task's
 * `checks:` are also marked on the windows where they fail.
 */
export interface MonitorTask extends TaskBase {
  kind: 'monitor';
  /** The predictions file (CSV, TSV, JSON Lines, Parquet, Arrow). */
  dataFile: string;
  /** Column of ISO 8601 dates. */
  time: string;
  /** `1mo`, `7d`, `1y`, ... (calendar, UTC) or a number of rows, as written. */
  window: string;
  /** Reference of the drift: a file, `first` (default) or a span `2013-01-01..2013-06-30`. */
  reference?: string;
  /** Feature columns tested for drift (default: every column but time, labels and probabilities). */
  features?: string[];
  /** Windows with fewer rows are warned about (default 20). */
  minRows?: number;
  /** Drift options, as a `kind: drift` task's `options:`. */
  options?: Record<string, unknown>;
  target?: string;
  pred?: string;
  proba?: string | string[];
  posLabel?: string;
  problem?: 'classification' | 'regression';
  dropMissing?: boolean;
}

export type TaskConfig = CommandTask | TfjsTrainTask | TfjsEvalTask | DriftTask | EvalTask | MonitorTask;

export interface ProjectConfig {
  version: 1;
  /** Absolute path of the `xlens.yaml` file. */
  file: string;
  /** Absolute workspace root (the folder holding `xlens.yaml`). */
  root: string;
  tasks: Map<string, TaskConfig>;
  /** Top-level `executor:`: the default of tasks without their own (absent: local). */
  executor?: ExecutorConfig;
  /** Top-level `git:` settings; absent when the file has none (defaults apply). */
  git?: {
    /**
     * Untracked files larger than this (bytes; `snapshot_max_file_mb` × 2^20) are left out of run
     * snapshots. Default: `DEFAULT_SNAPSHOT_MAX_FILE_BYTES` in `src/core/git/gitContext.ts` (50 MiB).
     */
    snapshotMaxFileBytes: number;
  };
  /** Top-level `queue:` settings of the local run queue; absent when the file has none (defaults apply). */
  queue?: QueueSettings;
  /** Top-level `share:` settings; absent when the file has none (defaults apply). */
  share?: {
    /**
     * Artifacts larger than this (bytes; `max_artifact_mb` × 2^20) are listed, not stored, in a pushed
     * run's record. Default: `DEFAULT_SHARE_MAX_ARTIFACT_BYTES` in `src/core/share/recordCommit.ts`.
     */
    maxArtifactBytes: number;
  };
}

/**
 * The local run queue's settings (`queue:` in `xlens.yaml`, see `src/core/queue/`). The defaults when
 * `queue:` is absent are `{ concurrency: 1, gpus: [] }`.
 */
export interface QueueSettings {
  /** Queued runs running at the same time, ≥ 1: as written, else the number of `gpus`, else 1. */
  concurrency: number;
  /**
   * GPU ids handed out one per running job through `CUDA_VISIBLE_DEVICES`, as written (integers become
   * their decimal text); empty when not given (jobs then inherit the worker's environment).
   */
  gpus: string[];
}
