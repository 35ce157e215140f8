/**
 * Slurm runs without a live supervisor (submitted with `--detach`, or whose `xlens run` went away):
 * their state is read from Slurm (one `squeue --json` for all of them) and from the run folder.
 * A job still pending or running updates the record (status, reason, position, nodes); a job that
 * ended gives the run its outcome (`slurmOutcome.ts`), which `core/runs/reconcile.ts` records with the
 * metrics the job wrote. When Slurm cannot be asked (no `squeue` here, the controller down), the runs
 * are left as they are.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Outcome } from '../../runner/outcome';
import type { RunStore } from '../../runs/store';
import type { RunRecord } from '../../runs/types';
import { SLURM_FILES } from './jobScript';
import { queryJobs } from './slurmClient';
import { slurmOutcome } from './slurmOutcome';
import { recordWithJob } from './slurmRecord';
import { stateMeaning } from './slurmStates';

/** What became of one Slurm run. */
export interface SlurmVerdict {
  /** The record with the job's latest state (and status, start time, nodes). */
  record: RunRecord;
  /** True when the record differs from the one given (it should be saved). */
  changed: boolean;
  /** Set when the job ended: the run's outcome. */
  outcome?: Outcome;
}

/**
 * The verdicts for `runs` (records with `slurm`, not final), or an empty list when Slurm cannot be
 * asked.
 * @param env the environment of Slurm's client commands (default `process.env`).
 */
export async function slurmVerdicts(
  store: RunStore,
  runs: readonly RunRecord[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<SlurmVerdict[]> {
  const ids = runs.map((r) => r.slurm!.jobId);
  if (ids.length === 0) {
    return [];
  }
  const jobs = await queryJobs(ids, env).catch(() => undefined);
  if (!jobs) {
    return [];
  }
  const verdicts: SlurmVerdict[] = [];
  for (const run of runs) {
    const jobId = run.slurm!.jobId;
    const job = jobs.get(jobId);
    const record = job ? recordWithJob(run, job) : run;
    const meaning = job ? stateMeaning(job.state) : undefined;
    if (job && meaning && !meaning.final) {
      const running = meaning.status === 'running' && run.status === 'queued';
      const updated: RunRecord = running
        ? {
            ...record,
            status: 'running',
            startedAt: new Date((job.startTime ?? Date.now() / 1000) * 1000).toISOString(),
          }
        : record;
      const changed =
        running ||
        run.slurm?.state !== job.state ||
        run.slurm?.reason !== updated.slurm?.reason ||
        run.slurm?.position !== updated.slurm?.position;
      verdicts.push({ record: updated, changed });
      continue;
    }
    const dir = store.runDir(run.id);
    const exitText = await readFile(store.file(run.id, 'exitCode'), 'utf8').catch(() => '');
    const started = await stat(join(dir, SLURM_FILES.started)).then(
      () => true,
      () => false,
    );
    const traces = /^\d{1,3}\n?$/.test(exitText)
      ? { exitCode: Number(exitText.trim()), started }
      : { started };
    const startedAt =
      run.startedAt ?? (job?.startTime ? new Date(job.startTime * 1000).toISOString() : undefined);
    verdicts.push({
      record: { ...record, ...(startedAt ? { startedAt } : {}) },
      changed: true,
      outcome: slurmOutcome(jobId, job, traces, false, {
        runDir: dir,
        ...(job?.nodes ? { nodes: job.nodes } : {}),
      }),
    });
  }
  return verdicts;
}
