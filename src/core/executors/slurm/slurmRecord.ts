/** A run record brought up to date with its Slurm job's state. */
import type { RunRecord, SlurmJobRecord } from '../../runs/types';
import type { SlurmJobState } from './slurmClient';

/**
 * `record` with `slurm` set from `job` (state, reason, partition, nodes, position, checkedAt), keeping
 * the job id and cluster it was submitted with and the last known partition and nodes.
 */
export function recordWithJob(
  record: RunRecord,
  job: Omit<SlurmJobState, 'jobId'> & { jobId: string; cluster?: string },
): RunRecord {
  const before = record.slurm;
  const partition = job.partition ?? before?.partition;
  const nodes = job.nodes ?? before?.nodes;
  const cluster = job.cluster ?? before?.cluster;
  const slurm: SlurmJobRecord = {
    jobId: before?.jobId ?? job.jobId,
    ...(cluster ? { cluster } : {}),
    ...(partition ? { partition } : {}),
    ...(nodes ? { nodes } : {}),
    state: job.state,
    ...(job.reason ? { reason: job.reason } : {}),
    ...(job.position !== undefined && job.state === 'PENDING' ? { position: job.position } : {}),
    checkedAt: new Date().toISOString(),
  };
  return { ...record, slurm };
}
