/**
 * Slurm's client commands as xlens uses them: `sbatch --parsable` to submit, `squeue --json` for the
 * state of jobs (with `scontrol show job -o` for one job squeue no longer lists), `scancel` to cancel.
 * Each runs without a shell, with the environment given (`SLURM_CONF` and the rest). References:
 * https://slurm.schedmd.com/sbatch.html, https://slurm.schedmd.com/squeue.html (`--json`, job state
 * codes), https://slurm.schedmd.com/scontrol.html, https://slurm.schedmd.com/scancel.html.
 */
import { execFile } from 'node:child_process';
import { UserInputError } from '../../base/errors';

/** The state of one job as Slurm reports it. */
export interface SlurmJobState {
  jobId: string;
  /** `PENDING`, `RUNNING`, `COMPLETED`, ... (the first state when Slurm lists several). */
  state: string;
  reason?: string;
  partition?: string;
  /** Allocated nodes (Slurm host list), empty while pending. */
  nodes?: string;
  /** Start time, Unix seconds, when started. */
  startTime?: number;
  /** End time, Unix seconds, when ended. */
  endTime?: number;
  /** Place among the pending jobs of its partition (1 = next), for a pending job. */
  position?: number;
}

/** Time allowed for one Slurm client command, ms. */
const COMMAND_TIMEOUT_MS = 30_000;

function run(program: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      program,
      args,
      { env, timeout: COMMAND_TIMEOUT_MS, maxBuffer: 256 << 20 },
      (error, stdout, stderr) => {
        if (error) {
          const detail = String(stderr).trim().split('\n').slice(-3).join(' ');
          const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
          reject(
            Object.assign(
              new Error(
                missing
                  ? `${program} was not found on PATH (is this a Slurm login node?)`
                  : `${program} failed: ${detail || error.message}`,
              ),
              {
                missing,
              },
            ),
          );
          return;
        }
        resolve(String(stdout));
      },
    );
  });
}

/**
 * Submits `args` (see `sbatchArgs`) with `sbatch`.
 * @returns the job id and, when sbatch names one (`<id>;<cluster>`), the cluster.
 * @throws UserInputError when sbatch is missing or refuses the job (its message: an unknown partition,
 *   an invalid account, a request no node can satisfy...).
 */
export async function submitJob(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ jobId: string; cluster?: string }> {
  let out: string;
  try {
    out = await run('sbatch', args, env);
  } catch (error) {
    throw new UserInputError(`could not submit the job to Slurm: ${(error as Error).message}`);
  }
  const [jobId, cluster] = out.trim().split('\n').pop()!.split(';');
  if (!/^\d+(_\d+)?$/.test(jobId ?? '')) {
    throw new UserInputError(`sbatch --parsable printed ${JSON.stringify(out.trim())}, not a job id.`);
  }
  return { jobId, ...(cluster ? { cluster } : {}) };
}

/** Cancels a job (`scancel <id>`). @throws Error with scancel's message. */
export async function cancelJob(jobId: string, env: NodeJS.ProcessEnv): Promise<void> {
  await run('scancel', [jobId], env);
}

/**
 * The states of the jobs `ids` from one `squeue --json` call (squeue lists pending and running jobs
 * and those that ended within the cluster's MinJobAge); a job it does not list is looked up with
 * `scontrol show job -o`. Jobs Slurm no longer knows are absent from the map.
 * @throws Error when squeue cannot be run or its output is not JSON (the caller keeps the last state).
 */
export async function queryJobs(
  ids: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<Map<string, SlurmJobState>> {
  const found = parseSqueueJson(await run('squeue', ['--json'], env), ids);
  for (const id of ids) {
    if (!found.has(id)) {
      const text = await run('scontrol', ['show', 'job', '-o', id], env).catch(() => '');
      const state = parseScontrolJob(text);
      if (state) {
        found.set(id, state);
      }
    }
  }
  return found;
}

/**
 * The jobs `ids` in the text of `squeue --json` (Slurm 22.05 to 24.x shapes: `job_state` a string or
 * a list, numbers plain or as `{set, number}`), with each pending job's place in its partition
 * (higher priority first, then earlier submission, then lower id).
 */
export function parseSqueueJson(text: string, ids: readonly string[]): Map<string, SlurmJobState> {
  const doc = JSON.parse(text) as { jobs?: unknown[] };
  const jobs = (doc.jobs ?? []) as Record<string, unknown>[];
  const wanted = new Set(ids);
  const pendingByPartition = new Map<string, { id: string; priority: number; submit: number }[]>();
  const out = new Map<string, SlurmJobState>();
  for (const job of jobs) {
    const id = String(job.job_id);
    const raw = job.job_state;
    const state = String(Array.isArray(raw) ? (raw[0] ?? 'UNKNOWN') : (raw ?? 'UNKNOWN'));
    const partition = typeof job.partition === 'string' ? job.partition : undefined;
    if (state === 'PENDING' && partition !== undefined) {
      const list = pendingByPartition.get(partition) ?? [];
      list.push({ id, priority: num(job.priority) ?? 0, submit: num(job.submit_time) ?? 0 });
      pendingByPartition.set(partition, list);
    }
    if (!wanted.has(id)) {
      continue;
    }
    const nodes = typeof job.nodes === 'string' && job.nodes !== '' ? job.nodes : undefined;
    const reason =
      typeof job.state_reason === 'string' && job.state_reason !== 'None' ? job.state_reason : undefined;
    const start = num(job.start_time);
    const end = num(job.end_time);
    out.set(id, {
      jobId: id,
      state,
      ...(reason ? { reason } : {}),
      ...(partition ? { partition } : {}),
      ...(nodes ? { nodes } : {}),
      ...(start ? { startTime: start } : {}),
      ...(end && state !== 'PENDING' && state !== 'RUNNING' ? { endTime: end } : {}),
    });
  }
  for (const list of pendingByPartition.values()) {
    list.sort((a, b) => b.priority - a.priority || a.submit - b.submit || Number(a.id) - Number(b.id));
    list.forEach((entry, i) => {
      const job = out.get(entry.id);
      if (job) {
        job.position = i + 1;
      }
    });
  }
  return out;
}

/** A number of squeue's JSON: plain, or `{set: true, number: n}` (Slurm 23.02 and later). */
function num(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return value;
  }
  if (value !== null && typeof value === 'object' && 'number' in value) {
    const v = value as { set?: boolean; number?: unknown };
    return v.set === false || typeof v.number !== 'number' ? undefined : v.number;
  }
  return undefined;
}

/** One job from `scontrol show job -o` (`Key=Value` words on one line), or undefined. */
export function parseScontrolJob(text: string): SlurmJobState | undefined {
  const fields = new Map<string, string>();
  for (const match of text.matchAll(/(?:^|\s)([A-Za-z/:]+)=(\S*)/g)) {
    if (!fields.has(match[1])) {
      fields.set(match[1], match[2]);
    }
  }
  const id = fields.get('JobId');
  const state = fields.get('JobState');
  if (!id || !state) {
    return undefined;
  }
  const reason = fields.get('Reason');
  const nodes = fields.get('NodeList');
  const partition = fields.get('Partition');
  return {
    jobId: id,
    state,
    ...(reason && reason !== 'None' ? { reason } : {}),
    ...(partition ? { partition } : {}),
    ...(nodes && nodes !== '(null)' ? { nodes } : {}),
  };
}
