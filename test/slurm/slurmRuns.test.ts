/**
 * Runs on a real single-node Slurm (test/slurm/cluster.ts, one CPU): a job that succeeds with live
 * metrics, a failing job, two jobs competing for the CPU (one pending with Slurm's reason), cancel
 * while pending and while running, and a job over its time limit. Each is started through the built
 * CLI as a user would, and checked in its run folder and through `xlens runs`.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cancelRun } from '../../src/core/runner/launcher';
import type { RunRecord } from '../../src/core/runs/types';
import { makeRepo } from '../helpers/gitRepo';
import { latestRun, metricLines, runIds, startXlens, waitFor, xlens } from '../helpers/xlensProcess';
import { slurmInstalled, startCluster, type TestCluster } from './cluster';

const CONFIG = `version: 1
executor:
  slurm:
    partition: debug
tasks:
  live:
    run: sh ./live.sh \${params.lr}
    params: { lr: 0.01 }
  fail:
    run: echo about to fail >&2; exit 3
  hold:
    run: sh ./hold.sh
    executor:
      slurm: { cpus_per_task: 1 }
  slow:
    run: echo sleeping; sleep 300
    executor:
      slurm: { time: 1 }
  here:
    run: echo local
    executor: local
`;

const LIVE = `echo "lr=$1 on $(hostname)"
printf '{"step": 0, "values": {"loss": 1.5}}\\n' >> "$XLENS_METRICS_FILE"
while [ ! -e "$XLENS_RUN_DIR/go" ]; do sleep 0.1; done
printf '{"step": 1, "values": {"loss": 0.5}}\\n' >> "$XLENS_METRICS_FILE"
echo finished
`;
const HOLD = `echo holding
while [ ! -e "$XLENS_RUN_DIR/go" ]; do sleep 0.1; done
`;

function record(root: string, id: string): RunRecord | undefined {
  try {
    return JSON.parse(readFileSync(join(root, '.xlens/runs', id, 'run.json'), 'utf8')) as RunRecord;
  } catch {
    return undefined;
  }
}

async function listed(root: string): Promise<RunRecord[]> {
  const result = await xlens(root, ['runs', '--json']);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as RunRecord[];
}

describe('runs on Slurm', { skip: !slurmInstalled() && 'needs Slurm (see .ci/run) and root' }, () => {
  let cluster: TestCluster;
  let root: string;
  before(async () => {
    cluster = await startCluster({ cpus: 1 });
    process.env.SLURM_CONF = cluster.env.SLURM_CONF;
    root = makeRepo({ 'xlens.yaml': CONFIG, 'live.sh': LIVE, 'hold.sh': HOLD });
  });
  after(async () => {
    await cluster?.stop();
    delete process.env.SLURM_CONF;
  });

  it('a succeeding job: queued with its job id, then running with live metrics and output, then succeeded', async () => {
    const run = startXlens(root, ['run', 'live']);
    await waitFor('the run to be running with its first point', () => {
      const r = latestRun(root);
      return r?.status === 'running' && r.metrics.loss?.count === 1;
    });
    const running = latestRun(root)!;
    assert.match(running.slurm!.jobId, /^\d+$/);
    assert.equal(running.slurm!.state, 'RUNNING');
    assert.equal(running.slurm!.nodes, cluster.node);
    assert.equal(running.slurm!.partition, 'debug');
    assert.equal(running.metrics.loss.last, 1.5);
    await waitFor('the CLI to stream the job output', () => run.output.stdout.includes('lr=0.01'));
    writeFileSync(join(root, '.xlens/runs', running.id, 'go'), '');
    const result = await run.done;
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /finished/);
    const final = record(root, running.id)!;
    assert.equal(final.status, 'succeeded');
    assert.equal(final.exitCode, 0);
    assert.equal(final.slurm!.state, 'COMPLETED');
    assert.deepEqual(
      metricLines(root, running.id).map((l) => l.values.loss),
      [1.5, 0.5],
    );
    const dir = join(root, '.xlens/runs', running.id);
    const script = readFileSync(join(dir, 'job.sh'), 'utf8');
    assert.match(script, /#SBATCH --partition=debug/);
    assert.ok(!script.includes('0.01'), 'the param reaches the job through the environment, not the script');
    assert.match(readFileSync(join(dir, 'output.log'), 'utf8'), /lr=0\.01 on /);
    assert.equal(readFileSync(join(dir, 'exit_code'), 'utf8').trim(), '0');
  });

  it('a detached job is followed by xlens runs: running with live metrics, then succeeded', async () => {
    const submitted = await xlens(root, ['run', 'live', '--detach']);
    assert.equal(submitted.code, 0, submitted.stderr);
    assert.match(submitted.stdout, /Detached: follow with `xlens show \S+ --follow`/);
    const id = latestRun(root)!.id;
    let seen: RunRecord | undefined;
    for (let i = 0; i < 200 && seen?.metrics.loss?.count !== 1; i++) {
      seen = (await listed(root)).find((r) => r.id === id);
    }
    assert.equal(seen?.status, 'running');
    assert.equal(seen.slurm!.nodes, cluster.node);
    assert.equal(seen.metrics.loss.last, 1.5);
    writeFileSync(join(root, '.xlens/runs', id, 'go'), '');
    for (let i = 0; i < 200 && seen?.status !== 'succeeded'; i++) {
      seen = (await listed(root)).find((r) => r.id === id);
    }
    assert.equal(seen?.status, 'succeeded');
    assert.equal(seen.exitCode, 0);
    assert.equal(seen.slurm!.state, 'COMPLETED');
    assert.deepEqual(
      metricLines(root, id).map((l) => l.values.loss),
      [1.5, 0.5],
    );
  });

  it('a failing job ends failed with its exit code and the end of its output', async () => {
    const result = await xlens(root, ['run', 'fail']);
    assert.equal(result.code, 1);
    const final = latestRun(root)!;
    assert.equal(final.status, 'failed');
    assert.equal(final.exitCode, 3);
    assert.equal(final.slurm!.state, 'FAILED');
    assert.match(final.error!, /exited with code 3/);
    assert.match(final.errorTail ?? '', /about to fail/);
    const shown = await xlens(root, ['show', final.id]);
    assert.match(
      shown.stdout,
      new RegExp(
        `slurm: +job ${final.slurm!.jobId}, partition debug, nodes ${cluster.node}, FAILED \\(NonZeroExitCode\\)`,
      ),
    );
  });

  it('two jobs compete for the one CPU: the second pends with its reason, is cancelled pending, the first cancelled running', async () => {
    const first = startXlens(root, ['run', 'hold']);
    await waitFor('the first job to run', () => latestRun(root)?.status === 'running');
    const holder = latestRun(root)!;
    const detached = await xlens(root, ['run', 'hold', '--detach']);
    assert.equal(detached.code, 0, detached.stderr);
    const waiting = latestRun(root)!;
    assert.notEqual(waiting.id, holder.id);
    assert.equal(waiting.status, 'queued');
    // `xlens runs` reconciles the detached run from Slurm: queued, with its reason and position.
    let shown: RunRecord | undefined;
    for (let i = 0; i < 100 && shown?.slurm?.reason === undefined; i++) {
      shown = (await listed(root)).find((r) => r.id === waiting.id);
    }
    assert.ok(shown);
    assert.equal(shown.status, 'queued');
    assert.equal(shown.slurm!.state, 'PENDING');
    assert.match(shown.slurm!.reason!, /^(Resources|Priority)$/);
    assert.equal(shown.slurm!.position, 1);
    const table = await xlens(root, ['runs']);
    assert.match(
      table.stdout,
      new RegExp(`${waiting.id}\\s+hold\\s+queued \\(Slurm ${shown.slurm!.jobId}: (Resources|Priority)\\)`),
    );

    assert.equal(cancelRun(shown), true);
    let cancelled: RunRecord | undefined;
    for (let i = 0; i < 100 && cancelled?.status !== 'cancelled'; i++) {
      cancelled = (await listed(root)).find((r) => r.id === waiting.id);
    }
    assert.equal(cancelled?.status, 'cancelled');
    assert.equal(cancelled.slurm!.state, 'CANCELLED');
    assert.ok(!existsSync(join(root, '.xlens/runs', waiting.id, 'job_started')), 'it never started');

    first.child.kill('SIGINT');
    const result = await first.done;
    assert.equal(result.code, 1);
    const final = record(root, holder.id)!;
    assert.equal(final.status, 'cancelled');
    assert.equal(final.error, 'cancelled');
    assert.equal(final.slurm!.state, 'CANCELLED');
  });

  it('a local task of the same file still runs locally', async () => {
    const result = await xlens(root, ['run', 'here']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(latestRun(root)!.slurm, undefined);
  });

  it('a job over its time limit ends failed with TIMEOUT', { timeout: 240_000 }, async () => {
    const before = runIds(root).length;
    const result = await xlens(root, ['run', 'slow']);
    assert.equal(runIds(root).length, before + 1);
    assert.equal(result.code, 1);
    const final = latestRun(root)!;
    assert.equal(final.status, 'failed');
    assert.equal(final.slurm!.state, 'TIMEOUT');
    assert.match(final.error!, /time limit/);
  });
});
