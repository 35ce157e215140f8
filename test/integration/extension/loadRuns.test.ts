import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ORPHANED_RUN_ERROR } from '../../../src/core/runs/reconcile';
import { RunStore } from '../../../src/core/runs/store';
import type { RunRecord } from '../../../src/core/runs/types';
import { loadRuns } from '../../../src/core/runs/loadRuns';
import { tempDir } from '../../helpers/gitRepo';

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return Number(child.stdout.trim());
}

async function addRun(store: RunStore, minute: number, extra: Partial<RunRecord> = {}): Promise<RunRecord> {
  return store.create({
    task: minute % 2 === 0 ? 'train' : 'eval',
    kind: 'command',
    status: 'succeeded',
    createdAt: new Date(Date.UTC(2026, 10, 24, 9, minute)).toISOString(),
    command: 'python train.py',
    cwd: store.root,
    git: { commit: null, branch: null, dirty: false, snapshot: null },
    params: {},
    data: [],
    metrics: {},
    artifacts: [],
    ...extra,
  });
}

describe('loadRuns: what the Runs view reads from the store', () => {
  it('reads every run, newest first, first from run.json then from the index, and names damaged folders', async () => {
    const root = tempDir('xlens-load-');
    const store = new RunStore(root);
    const made: RunRecord[] = [];
    for (let minute = 0; minute < 40; minute++) {
      made.push(await addRun(store, minute));
    }
    const damaged = made[7];
    writeFileSync(join(store.runDir(damaged.id), 'run.json'), '{"schema": 1, "id": ');
    const expected = made
      .filter((r) => r.id !== damaged.id)
      .map((r) => r.id)
      .reverse();
    for (const pass of ['building the index', 'from the index']) {
      const loaded = await loadRuns(store);
      assert.deepEqual(
        loaded.runs.map((r) => r.id),
        expected,
        pass,
      );
      assert.equal(loaded.index.read, pass === 'from the index' ? 0 : expected.length, pass);
      assert.deepEqual(loaded.reconciled, []);
      assert.equal(loaded.problems.length, 1);
      assert.equal(loaded.problems[0].id, damaged.id);
      assert.match(loaded.problems[0].message, /run\.json/);
    }
    const empty = await loadRuns(new RunStore(tempDir('xlens-empty-')));
    assert.deepEqual(
      [empty.runs, empty.problems, empty.reconciled, empty.index.written],
      [[], [], [], false],
    );
  });

  it("gives a run whose process died while it was running its true final status, and leaves other hosts' runs alone", async () => {
    const root = tempDir('xlens-load-orphan-');
    const store = new RunStore(root);
    const done = await addRun(store, 1);
    const orphan = await addRun(store, 2, {
      status: 'running',
      startedAt: new Date(Date.UTC(2026, 10, 24, 9, 2)).toISOString(),
      supervisorPid: deadPid(),
      pid: deadPid(),
    });
    const live = await addRun(store, 3, { status: 'running', supervisorPid: process.pid });
    const elsewhere = await addRun(store, 4, {
      status: 'running',
      supervisorPid: deadPid(),
      host: `${hostname()}-other`,
    });
    const { runs, reconciled } = await loadRuns(store);
    assert.deepEqual(
      reconciled.map((r) => [r.id, r.status, r.error]),
      [[orphan.id, 'failed', ORPHANED_RUN_ERROR]],
    );
    const byId = new Map(runs.map((r) => [r.id, r.status]));
    assert.deepEqual(
      [done, orphan, live, elsewhere].map((r) => byId.get(r.id)),
      ['succeeded', 'failed', 'running', 'running'],
    );
    assert.equal((await store.read(orphan.id)).status, 'failed', 'the final status is written to run.json');
  });
});
