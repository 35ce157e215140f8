/**
 * The penguins example's `train-slurm` task, as the README's "Running on a Slurm cluster" shows it:
 * submitted to the real single-node Slurm, its metrics recorded epoch by epoch, succeeded.
 */
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gitIn, tempDir } from '../helpers/gitRepo';
import { latestRun, metricLines, repoRoot, xlens } from '../helpers/xlensProcess';
import { slurmInstalled, startCluster, type TestCluster } from './cluster';

describe(
  'examples/penguins train-slurm',
  { skip: !slurmInstalled() && 'needs Slurm (see .ci/run) and root' },
  () => {
    let cluster: TestCluster;
    before(async () => {
      cluster = await startCluster({ cpus: 1 });
      process.env.SLURM_CONF = cluster.env.SLURM_CONF;
    });
    after(async () => {
      await cluster?.stop();
      delete process.env.SLURM_CONF;
    });

    it('runs on Slurm with one metrics line per epoch and the params it was given', async () => {
      const root = tempDir('xlens-penguins-slurm-');
      cpSync(join(repoRoot, 'examples/penguins'), root, { recursive: true });
      gitIn(root, ['init', '-q', '-b', 'main']);
      const result = await xlens(root, ['run', 'train-slurm', '--set', 'epochs=12']);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const run = latestRun(root)!;
      assert.equal(run.status, 'succeeded');
      assert.equal(run.slurm!.state, 'COMPLETED');
      assert.equal(run.params.epochs, 12);
      const lines = metricLines(root, run.id);
      assert.deepEqual(
        lines.map((l) => l.step),
        [...Array(12).keys()],
      );
      assert.ok(run.metrics.val_accuracy.last > 0.8, `val_accuracy ${run.metrics.val_accuracy.last}`);
    });
  },
);
