/**
 * A Slurm run in the Runs view (src/features/runs/runsModel.ts): a queued row shows the job, its
 * state, Slurm's reason and its place in the queue, and offers Cancel (its context value is that of a
 * queued run); a running row names its nodes; a final row drops the job from its description.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunRecord, SlurmJobRecord } from '../../../src/core/runs/types';
import { describeRun } from '../../../src/features/runs/runsModel';

function run(status: RunRecord['status'], slurm: SlurmJobRecord): RunRecord {
  return {
    schema: 1,
    id: '20261206T090612Z-7f3a09c2',
    task: 'train',
    kind: 'command',
    status,
    createdAt: '2026-12-06T09:06:12.000Z',
    command: 'python train.py',
    cwd: '/ws',
    git: { commit: null, branch: null, dirty: false, snapshot: null },
    params: {},
    data: [],
    metrics: {},
    artifacts: [],
    slurm,
  };
}
const now = Date.parse('2026-12-06T09:10:00.000Z');

describe('a Slurm run in the Runs view', () => {
  it('shows the reason and place of a queued job, with the queued context value that offers Cancel', () => {
    const row = describeRun(
      run('queued', { jobId: '42', state: 'PENDING', reason: 'Resources', position: 2, partition: 'gpu' }),
      now,
    );
    assert.match(row.description, /Slurm 42 PENDING: Resources, #2/);
    assert.match(row.contextValue, /^run\.queued\./);
    assert.match(row.tooltip, /Slurm 42 PENDING: Resources, \\#2 · partition gpu/);
  });

  it('names the nodes of a running job and leaves the job out once final', () => {
    assert.match(
      describeRun(run('running', { jobId: '42', state: 'RUNNING', nodes: 'gpu[01-02]' }), now).description,
      /Slurm 42 on gpu\[01-02\]/,
    );
    const done = {
      ...run('succeeded', { jobId: '42', state: 'COMPLETED' }),
      endedAt: '2026-12-06T09:08:00.000Z',
    };
    assert.doesNotMatch(describeRun(done, now).description, /Slurm/);
  });
});
