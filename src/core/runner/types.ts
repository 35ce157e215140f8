/**
 * The runner's shared types: what a run tells its listeners (output, metric points, warnings), the
 * runner's options, and the emitters a run execution fires. Types only, so every runner module can
 * import them without a cycle.
 */
import type { Emitter } from '../base/emitter';
import type { RunRecord } from '../runs/types';

/** A chunk of the task's output, as it came. */
export interface RunOutput {
  runId: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

/** One accepted metric line (from the metrics file or the stdout pattern). */
export interface RunMetric {
  runId: string;
  step: number;
  /** Unix ms. */
  time: number;
  values: Record<string, number>;
}

/** A warning about a run (a bad metrics line, a missing output, a failed write of run.json). */
export interface RunWarning {
  runId: string;
  /** `file:line: message`. */
  message: string;
}

/** Timings and environment of the runs a `TaskRunner` starts. */
export interface TaskRunnerOptions {
  /** Time between SIGTERM and SIGKILL when cancelling or timing out, ms (default 5000). */
  killGraceMs?: number;
  /** Poll interval of the metrics file, ms (default 200). */
  pollIntervalMs?: number;
  /** How often `run.json` is rewritten with fresh summaries while running, ms (default 1000). */
  saveIntervalMs?: number;
  /** How often the run's `heartbeat` file is touched while it is supervised, ms (default 1000). */
  heartbeatMs?: number;
  /**
   * First poll interval of a Slurm job's state, ms (default 1000; it backs off for jobs that keep
   * their state: see `core/executors/slurm/slurmPolling.ts`).
   */
  slurmPollMs?: number;
  /** Base environment of the task (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

/** The emitters of a `TaskRunner`, fired by each run it executes. */
export interface RunEmitters {
  /** The record whenever the run's status changes (running, final). */
  status: Emitter<RunRecord>;
  output: Emitter<RunOutput>;
  metric: Emitter<RunMetric>;
  warning: Emitter<RunWarning>;
}
