// Benchmark of the Slurm executor on the real single-node Slurm of test/slurm (Debian packages).
// Targets (issue 15, Performance): submission to a recorded `queued` run ≤ 1 s; a Slurm state change
// shown ≤ 2 s. Figures, each the median of RUNS:
//   submit: from TaskRunner.start() of a `--detach` run to its run.json holding the Slurm job id
//     (git state, inputs, job.sh, sbatch), against the same run's baseline, a bare `sbatch --parsable`.
//   start shown / end shown: from the job's own mark in the run folder (job_started, written as the
//     job's first act; exit_code, its last) to the supervisor firing `running` / the final status,
//     against one `squeue --json` call (the cost of one poll).
// Prints why and exits 0 when Slurm is not installed. Usage: node bench/run.mjs slurm.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { loadProjectOrThrow } from '../src/core/config/load';
import { TaskRunner } from '../src/core/runner/taskRunner';
import { RunStore } from '../src/core/runs/store';
import { makeRepo } from '../test/helpers/gitRepo';
import { slurmInstalled, startCluster } from '../test/slurm/cluster';

const RUNS = 5;
const SUBMIT_TARGET_MS = 1000;
const SHOWN_TARGET_MS = 2000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  if (!slurmInstalled()) {
    console.log('Slurm is not installed (apt-get install slurmctld slurmd slurm-client munge): skipped.');
    return;
  }
  const cluster = await startCluster({ cpus: 2 });
  process.env.SLURM_CONF = cluster.env.SLURM_CONF;
  try {
    const root = makeRepo({
      'xlens.yaml': 'version: 1\nexecutor:\n  slurm: {}\ntasks:\n  t:\n    run: sleep 1; echo done\n',
      '.gitignore': '.xlens/\n',
    });
    const project = await loadProjectOrThrow(root);
    const store = new RunStore(root);
    const runner = new TaskRunner(project, store);
    const bare: number[] = [];
    const submit: number[] = [];
    const squeue: number[] = [];
    const startShown: number[] = [];
    const endShown: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      let t = performance.now();
      execFileSync('sbatch', ['--parsable', '--output=/dev/null', '--wrap', 'true'], { env: cluster.env });
      bare.push(performance.now() - t);

      t = performance.now();
      const detached = await runner.start('t', { detach: true });
      const queued = await detached.done;
      submit.push(performance.now() - t);
      if (queued.status !== 'queued' || !queued.slurm?.jobId) {
        throw new Error(`the detached run is ${queued.status}: ${queued.error ?? ''}`);
      }

      t = performance.now();
      execFileSync('squeue', ['--json'], { env: cluster.env });
      squeue.push(performance.now() - t);

      const shown = new Map<string, number>();
      const listener = runner.onDidChangeStatus((r) => {
        if (!shown.has(r.status)) {
          shown.set(r.status, Date.now());
        }
      });
      const handle = await runner.start('t');
      const final = await handle.done;
      listener.dispose();
      if (final.status !== 'succeeded') {
        throw new Error(`the run ${final.status}: ${final.error ?? ''}`);
      }
      const dir = store.runDir(handle.id);
      startShown.push(shown.get('running')! - statSync(join(dir, 'job_started')).mtimeMs);
      endShown.push(shown.get('succeeded')! - statSync(join(dir, 'exit_code')).mtimeMs);
    }
    runner.dispose();
    store.dispose();
    const row = (name: string, ms: number, target: number, baseline: string, base: number): string =>
      `${name.padEnd(12)} ${ms.toFixed(0).padStart(6)} ms  target ≤ ${target} ms ${ms <= target ? '✔' : '✖'}   baseline ${baseline} ${base.toFixed(0)} ms`;
    console.log(
      `Slurm ${execFileSync('sinfo', ['--version'], { encoding: 'utf8' }).trim()}, one node, median of ${RUNS}`,
    );
    console.log(row('submit', median(submit), SUBMIT_TARGET_MS, 'bare sbatch --parsable', median(bare)));
    console.log(row('start shown', median(startShown), SHOWN_TARGET_MS, 'one squeue --json', median(squeue)));
    console.log(row('end shown', median(endShown), SHOWN_TARGET_MS, 'one squeue --json', median(squeue)));
    if (
      median(submit) > SUBMIT_TARGET_MS ||
      median(startShown) > SHOWN_TARGET_MS ||
      median(endShown) > SHOWN_TARGET_MS
    ) {
      process.exitCode = 1;
    }
  } finally {
    await cluster.stop();
  }
}

void main();
