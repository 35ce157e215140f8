/**
 * How a Slurm run ended, from the job's final state (`slurmStates.ts`), the exit status `job.sh`
 * wrote to the run folder and whether the job could write that folder at all. Shared by the
 * supervisor (`slurmExecution.ts`) and reconciliation of detached runs (`core/runs/reconcile.ts`).
 */
import { runOutcome, type Outcome } from '../../runner/outcome';
import type { SlurmJobState } from './slurmClient';
import { stateMeaning } from './slurmStates';

/** What the run folder shows of the job. */
export interface JobTraces {
  /** The task's exit status from `exit_code` (128 + n for signal n), when written. */
  exitCode?: number;
  /** True when `job.sh` created its `job_started` marker (it could write the run folder). */
  started: boolean;
}

/**
 * The outcome of a Slurm run whose job ended.
 * @param job the final state, or undefined when Slurm no longer knows the job (then the exit status decides).
 * @param cancelled true when xlens cancelled the job (`scancel`).
 * @param where the run folder and the job's nodes, for the message when the job could not write there.
 */
export function slurmOutcome(
  jobId: string,
  job: SlurmJobState | undefined,
  traces: JobTraces,
  cancelled: boolean,
  where: { runDir: string; nodes?: string },
): Outcome {
  const fromExit = (): Outcome =>
    runOutcome({ code: traces.exitCode ?? null, signal: null }, { started: true, task: { kind: 'command' } });
  if (cancelled && (job === undefined || job.state.startsWith('CANCELLED'))) {
    return {
      status: 'cancelled',
      ...(traces.exitCode !== undefined ? { exitCode: traces.exitCode } : {}),
      error: 'cancelled',
    };
  }
  if (job === undefined) {
    return traces.exitCode !== undefined
      ? fromExit()
      : {
          status: 'failed',
          error: `Slurm no longer knows job ${jobId}, and the job left no exit status in the run folder`,
        };
  }
  const meaning = stateMeaning(job.state);
  const exit = traces.exitCode !== undefined ? { exitCode: traces.exitCode } : {};
  if (meaning.status === 'succeeded') {
    return { status: 'succeeded', exitCode: traces.exitCode ?? 0 };
  }
  if (meaning.status === 'cancelled') {
    return { status: 'cancelled', ...exit, error: meaning.error };
  }
  if (!traces.started && job.state === 'FAILED') {
    const on = where.nodes ?? job.nodes;
    return {
      status: 'failed',
      error:
        `the Slurm job could not write the run folder ${where.runDir}${on ? ` on ${on}` : ''}: ` +
        "compute nodes must see the workspace on a shared filesystem that the job's user can write " +
        '(see the README, Running on a Slurm cluster)',
    };
  }
  if (job.state === 'FAILED' && traces.exitCode !== undefined) {
    return fromExit();
  }
  return {
    status: 'failed',
    ...exit,
    error: `${meaning.error ?? `the Slurm job ended ${job.state}`}${job.reason ? ` (${job.reason})` : ''}`,
  };
}
