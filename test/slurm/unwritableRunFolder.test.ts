/**
 * A Slurm job that cannot write its run folder (the workspace is not shared writable with the compute
 * node) fails with a message that says so. The denial is real: slurmd runs in its own mount namespace
 * where the workspace's `.xlens/runs` is bind-mounted read-only (test/slurm/cluster.ts), while xlens,
 * outside it, writes the folder as usual; running as root, no permission bit would stop the job.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeRepo } from '../helpers/gitRepo';
import { latestRun, xlens } from '../helpers/xlensProcess';
import { slurmInstalled, startCluster, type TestCluster } from './cluster';

describe(
  'a Slurm job whose run folder is not writable',
  { skip: !slurmInstalled() && 'needs Slurm (see .ci/run) and root' },
  () => {
    let cluster: TestCluster;
    let root: string;
    before(async () => {
      root = makeRepo({
        'xlens.yaml':
          'version: 1\ntasks:\n  train:\n    run: echo training\n    executor:\n      slurm: {}\n',
        '.gitignore': '.xlens/\n',
      });
      mkdirSync(join(root, '.xlens/runs'), { recursive: true });
      cluster = await startCluster({ cpus: 1, readOnly: [join(root, '.xlens/runs')] });
      process.env.SLURM_CONF = cluster.env.SLURM_CONF;
    });
    after(async () => {
      await cluster?.stop();
      delete process.env.SLURM_CONF;
    });

    it('fails naming the run folder and the fix, and the task never ran', async () => {
      const result = await xlens(root, ['run', 'train']);
      assert.equal(result.code, 1, result.stdout + result.stderr);
      const run = latestRun(root)!;
      assert.equal(run.status, 'failed');
      assert.equal(run.slurm!.state, 'FAILED');
      assert.match(run.error!, /could not write the run folder .*\.xlens\/runs\/.* on /);
      assert.match(run.error!, /shared filesystem/);
      assert.ok(!existsSync(join(root, '.xlens/runs', run.id, 'exit_code')));
      assert.match(result.stdout, /could not write the run folder/);
    });
  },
);
