/**
 * The shapes of a run as stored in `.xlens/runs/<id>/run.json` (see DESIGN.md, "A run").
 * Every time is ISO 8601 UTC; durations are milliseconds.
 */

/** Lifecycle of a run. `queued` and `running` are transient; the rest are final. */
export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export const FINAL_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled'];

/** Every status, in lifecycle order. */
export const RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

export function isFinalStatus(status: RunStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

/** The kind of task that produced the run. `command` is a user's own script. */
export type TaskKind = 'command' | 'tfjs-train' | 'tfjs-eval' | 'drift' | 'eval' | 'monitor';

/** Git state captured at the start of a run. All fields are empty/false outside a git repository. */
export interface GitInfo {
  /** HEAD commit SHA (40 hex), or `null` outside a repository or before the first commit. */
  commit: string | null;
  /** Current branch name, or `null` on a detached HEAD or outside a repository. */
  branch: string | null;
  /** Subject line of HEAD, for display. */
  subject?: string | null;
  /** True when the working tree (tracked or untracked non-ignored files) differs from HEAD. */
  dirty: boolean;
  /**
   * When dirty: SHA of the snapshot commit (parent HEAD) whose tree is the exact working tree,
   * kept alive under `refs/xlens/runs/<id>`. `null` when clean or outside a repository.
   */
  snapshot: string | null;
  /** Why git fields are empty, e.g. "not a git repository"; absent when git worked. */
  note?: string;
  /**
   * Untracked files left out of the snapshot because they are larger than the limit
   * (`git.snapshot_max_file_mb` in xlens.yaml, default 50 MiB): the snapshot equals the working tree
   * except for these. Absent when none were left out.
   */
  skipped?: SkippedFile[];
}

/** A file left out of a git snapshot. */
export interface SkippedFile {
  /** Path relative to the repository root, with `/` separators (as git writes it). */
  path: string;
  /** Size in bytes. */
  size: number;
}

/** sha256 fingerprint of an input file or folder recorded at run start. */
export interface DataFingerprint {
  /** Path relative to the workspace root, with `/` separators. */
  path: string;
  /** Lowercase hex sha256 of the file bytes (for a folder: of the sorted list of `path\0sha256\n`). */
  sha256: string;
  /** Size in bytes (for a folder: total of its files). */
  size: number;
  /** Modification time of the file, ISO 8601 (for a folder: the newest file's). */
  mtime: string;
  /** Number of files hashed (1 for a file). */
  files: number;
}

/** Summary of one metric over a run's series. */
export interface MetricSummary {
  /** Last value written. */
  last: number;
  /** Step of the last value. */
  lastStep: number;
  min: number;
  max: number;
  /** Step of the best value: min for loss/error-like names, max otherwise (see `metricGoal`). */
  bestStep: number;
  /**
   * Number of finite points recorded. 0 when every value was non-finite: `last`, `min` and `max` are
   * then NaN (`null` in `run.json`) and `nonFinite` counts the values.
   */
  count: number;
  /**
   * Number of non-finite values (NaN, ±Infinity) the task wrote for this metric, left out of the
   * points; absent when none. A training that diverges shows here.
   */
  nonFinite?: number;
}

/** A file produced by the run and recorded with it. */
export interface Artifact {
  /** Path relative to the run folder (for files copied under `artifacts/`) or to the workspace root. */
  path: string;
  /** Size in bytes (for a folder: total of its files). */
  size: number;
  /** Where the path is relative to. */
  root: 'run' | 'workspace';
  /** For a task output (`root: 'workspace'`): last modification (for a folder: its newest file), ISO 8601. */
  modifiedAt?: string;
  /** For a task output that is a file of at most 64 MiB: sha256 (hex) of its bytes at the end of the run. */
  sha256?: string;
}

/** The contents of `run.json`. */
export interface RunRecord {
  /** Format version of this record; bump on incompatible changes. */
  schema: 1;
  /** Sortable by time, unique across machines: `YYYYMMDDTHHMMSSZ-xxxxxxxx` (8 random hex; older runs 4). */
  id: string;
  /** Task name from `xlens.yaml`. */
  task: string;
  kind: TaskKind;
  status: RunStatus;
  /** ISO 8601 times. `endedAt` is set with every final status. */
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
  /**
   * True when the end was not observed: the supervising process died and the run was finalised later
   * (`reconcileRuns`); `endedAt` is then the last sign of life in the run folder (the newest mtime
   * of its heartbeat, output, metrics or record).
   */
  endedAtInferred?: boolean;
  /** Wall time in ms between start and end (an integer). */
  durationMs?: number;
  /** Process exit code, when the child exited normally. */
  exitCode?: number | null;
  /** Signal name (e.g. `SIGKILL`) when the child was killed by a signal. */
  signal?: string | null;
  /**
   * Human-readable reason for `failed`/`cancelled` (timeout, cancelled by user, spawn error...). When a
   * built-in job failed and wrote `error` to its `info.json`, that message comes first, e.g.
   * `data.csv:1: target column "y" is not in the header ... (exited with code 2)`.
   */
  error?: string;
  /**
   * For a `failed` run: the last non-empty lines of the task's stderr (at most 20 lines and 4 KB,
   * `\n`-separated, progress redraws and colour codes removed), so a failure can be explained without
   * opening `output.log`. Absent when stderr was empty.
   */
  errorTail?: string;
  /** The command line run (after `${params.*}` interpolation); for built-in kinds, a description. */
  command: string;
  /** Working directory, absolute. */
  cwd: string;
  /** PID of the child process while running, used to detect runs orphaned by a crash. */
  pid?: number;
  /** Start token of the child process (`processStartToken` in base/process.ts), to tell a reused pid apart. */
  pidStart?: string;
  /** PID of the process supervising the run (CLI or runner host). */
  supervisorPid?: number;
  /**
   * Start token of the supervising process (`processStartToken` in base/process.ts: Linux boot time and start
   * time after boot); a live process with the same pid but another token is not the supervisor.
   */
  supervisorStart?: string;
  /** Host name of the machine that ran it. */
  host?: string;
  git: GitInfo;
  /** Flattened params (`a.b.c` keys) with their values as recorded at start. */
  params: Record<string, ParamValue>;
  /** Where params came from: files relative to the workspace, or `inline`, or `--set`. */
  paramSources?: string[];
  data: DataFingerprint[];
  /** Per metric name. Updated while running and at the end. */
  metrics: Record<string, MetricSummary>;
  artifacts: Artifact[];
  /** Free-form facts recorded by the task, e.g. `{ backend: 'wasm' }` for the built-in trainer. */
  info?: Record<string, unknown>;
  /** Counted warnings (bad metric lines etc.), each naming file and line. At most 100 are kept. */
  warnings?: string[];
  /** Total number of warnings, including those beyond the 100 kept in `warnings`. */
  warningCount?: number;
  /**
   * The task's `checks:` and `baseline:` as `xlens.yaml` declared them when the run was created, so the
   * checks can be evaluated at the end (also by reconciliation, without the config). Absent when the
   * task declares no checks.
   */
  checkConfig?: { checks: string[]; baseline?: string };
  /** The results of {@link checkConfig}'s checks, in order, set when the run ends (README, Checks). */
  checks?: CheckResult[];
  /**
   * For a run added to the local queue (`xlens run --queue`, `src/core/queue/`): when it was queued
   * (ISO 8601) and, once a queue worker started it, the GPU it was given through
   * `CUDA_VISIBLE_DEVICES`. While `status` is `queued`, the queue, not a supervisor, holds the run.
   */
  queue?: { enqueuedAt: string; gpu?: string };
  /** Id of the run this one reproduces (`xlens reproduce`): same code, data and params. */
  reproducedFrom?: string;
  /**
   * Where a run pulled from a git remote came from (`xlens pull`); absent for local runs. A pulled run
   * is read-only: re-running it makes a new local run.
   */
  origin?: RunOrigin;
  /**
   * Set only on records made in memory from a run another tool logged (`core/runs/importedRecord.ts`),
   * never in a `run.json`: where that run came from.
   */
  imported?: ImportedOrigin;
  /** For a run submitted to Slurm (`executor: slurm`): the job and its last known state. */
  slurm?: SlurmJobRecord;
}

/**
 * A run's Slurm job as last seen by xlens (`squeue --json`, see
 * https://slurm.schedmd.com/squeue.html and the job state codes there).
 */
export interface SlurmJobRecord {
  /** The job id sbatch printed (`--parsable`: `<id>` or `<id>;<cluster>`). */
  jobId: string;
  /** The cluster, when sbatch named one. */
  cluster?: string;
  /** The partition the job is in. */
  partition?: string;
  /** The nodes allocated (Slurm's host list, e.g. `gpu[01-02]`), once running. */
  nodes?: string;
  /** Slurm's job state: `PENDING`, `RUNNING`, `COMPLETED`, `FAILED`, `TIMEOUT`, `CANCELLED`, ... */
  state: string;
  /** Why the job waits or ended (Slurm's reason: `Resources`, `Priority`, `NonZeroExitCode`, ...). */
  reason?: string;
  /** While pending: its place among the pending jobs of its partition (1 = next), when known. */
  position?: number;
  /** When the state was last read, ISO 8601. */
  checkedAt?: string;
}

/** The outcome of one check of a run (see `src/core/checks/evaluate.ts`). */
export interface CheckResult {
  /** The check as written in `xlens.yaml`. */
  check: string;
  /** The metric name, when the check parsed. */
  metric?: string;
  /** Which value of the series was compared: `last`, `min`, `max` or `best`. */
  aggregate?: 'last' | 'min' | 'max' | 'best';
  /** The run's value of the metric; `null` when the run did not record it. */
  value: number | null;
  /** The comparison operator (`>=`, `>`, `<=`, `<`, `==`, `!=`). */
  op?: string;
  /** What the value was compared with; `null` when it could not be computed (no baseline value). */
  threshold: number | null;
  /** For a check against `baseline`: the reference as declared, the run it named and its value. */
  baseline?: { ref: string; runId: string | null; value: number | null };
  passed: boolean;
  /** Why the check failed (a missing metric or baseline, or the comparison that did not hold). */
  reason?: string;
}

/** Where a record made from another tool's run came from (see `core/runs/importedRecord.ts`). */
export interface ImportedOrigin {
  /** The source format (a `MetricSourceKind`: `tensorboard`, `mlflow`, `wandb`, ...). */
  format: string;
  /** The format as people read it: `TensorBoard`, `MLflow`, `W&B`, ... */
  label: string;
  /**
   * `<format>:<source path relative to the workspace>#<id in the source>`: the same while the logs stay
   * where they are, also when the workspace folder moves or the run is renamed. Annotations are kept under it.
   */
  stableKey: string;
  /** The key the discovery and the Runs view use (`<format>:<absolute source path>#<id>`). */
  key: string;
  /** The source's absolute path and the run's id as the source's reader gives it, to read its series again. */
  source: { path: string; runId: string };
  /** The status the source records; absent when it records none (TensorBoard, CSV logs). */
  status?: RunStatus;
}

/** The origin of a pulled run (see `core/share`). */
export interface RunOrigin {
  /** The remote as named to `xlens pull` (a remote name or a URL). */
  remote: string;
  /** The record commit it was materialised from (`refs/xlens/records/<id>`). */
  record: string;
  /** When it was pulled, ISO 8601. */
  pulledAt: string;
}

export type ParamValue = string | number | boolean | null;
