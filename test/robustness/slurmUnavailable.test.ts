/**
 * A workspace with a detached Slurm run, listed where Slurm cannot be asked (no squeue on PATH, as on
 * a laptop that pulled the workspace): the run is left as it was recorded, listing goes on, nothing is
 * written.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { slurmVerdicts } from '../../src/core/executors/slurm/slurmReconcile';
import { RunStore } from '../../src/core/runs/store';
import type { RunRecord } from '../../src/core/runs/types';
import { tempDir } from '../helpers/gitRepo';

async function queuedRun(store: RunStore): Promise<RunRecord> {
  return store.create({
    task: 'train',
    kind: 'command',
    status: 'queued',
    command: 'python train.py',
    cwd: store.root,
    supervisorPid: 999_999_999,
    git: { commit: null, branch: null, dirty: false, snapshot: null },
    params: {},
    data: [],
    metrics: {},
    artifacts: [],
    slurm: { jobId: '4242', state: 'PENDING', reason: 'Priority' },
  });
}

describe('Slurm runs where Slurm cannot be asked', () => {
  it('leaves the run as recorded when squeue is not on PATH', async () => {
    const store = new RunStore(tempDir());
    const run = await queuedRun(store);
    const before = readFileSync(store.file(run.id, 'record'), 'utf8');
    assert.deepEqual(await slurmVerdicts(store, [run], { PATH: '/nonexistent' }), []);
    assert.equal(readFileSync(store.file(run.id, 'record'), 'utf8'), before);
    store.dispose();
  });
});
