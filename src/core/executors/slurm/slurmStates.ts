/**
 * What a Slurm job state means for a run (job state codes: https://slurm.schedmd.com/squeue.html,
 * "JOB STATE CODES"): PENDING → queued (with its reason); RUNNING and the states of a job still on
 * its nodes → running; COMPLETED → succeeded; FAILED, OUT_OF_MEMORY, TIMEOUT, NODE_FAIL, PREEMPTED,
 * BOOT_FAIL, DEADLINE → failed with that reason; CANCELLED → cancelled.
 */
import type { RunStatus } from '../../runs/types';

/** The meaning of a job state: the run's status and, for a final one, the reason recorded. */
export interface StateMeaning {
  status: RunStatus;
  final: boolean;
  /** For a failed or cancelled job: what `run.json` says about it (before the task's own exit code). */
  error?: string;
}

const FAILED_REASONS: Readonly<Record<string, string>> = {
  FAILED: 'the Slurm job failed',
  OUT_OF_MEMORY: 'the Slurm job ran out of memory (OUT_OF_MEMORY); raise executor.slurm.mem',
  TIMEOUT: "the Slurm job reached its time limit (TIMEOUT); raise executor.slurm.time or the task's timeout",
  NODE_FAIL: 'a node of the Slurm job failed (NODE_FAIL)',
  PREEMPTED: 'the Slurm job was preempted (PREEMPTED)',
  BOOT_FAIL: 'a node of the Slurm job failed to boot (BOOT_FAIL)',
  DEADLINE: 'the Slurm job missed its deadline (DEADLINE)',
};

const RUNNING_STATES = new Set([
  'RUNNING',
  'COMPLETING',
  'CONFIGURING',
  'SUSPENDED',
  'STAGE_OUT',
  'SIGNALING',
  'RESIZING',
  'STOPPED',
]);

/**
 * The meaning of `state` (Slurm's name, e.g. `PENDING`; a `CANCELLED by 0` suffix is ignored). An
 * unknown state counts as queued, not final: the run waits for a state it knows.
 */
export function stateMeaning(state: string): StateMeaning {
  const name = state.split(/\s/)[0].toUpperCase();
  if (name === 'COMPLETED') {
    return { status: 'succeeded', final: true };
  }
  if (name === 'CANCELLED') {
    return {
      status: 'cancelled',
      final: true,
      error: 'the Slurm job was cancelled (scancel or an administrator)',
    };
  }
  const failed = FAILED_REASONS[name];
  if (failed !== undefined) {
    return { status: 'failed', final: true, error: failed };
  }
  if (RUNNING_STATES.has(name)) {
    return { status: 'running', final: false };
  }
  return { status: 'queued', final: false };
}
