/**
 * One queue worker per workspace (real processes): workers started at the same moment, also over a
 * stale lock, leave the queue to exactly one of them; a killed worker's lock is taken over and the run
 * it had started is adopted, not started again.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isAlive } from '../../../src/core/base/process';
import { loadProjectOrThrow } from '../../../src/core/config/load';
import { writePendingEntry } from '../../../src/core/queue/queueFiles';
import { WorkerLock } from '../../../src/core/queue/workerLock';
import { TaskRunner } from '../../../src/core/runner/taskRunner';
import { RunStore } from '../../../src/core/runs/store';
import { dict } from '../../../src/shared/dict';
import {
  gatedRepo,
  lockPid,
  queueGated,
  record,
  release,
  releaseAll,
  waitQueueDone,
  waitStatus,
  workerLog,
} from '../../helpers/queueRepo';
import { tempDir } from '../../helpers/gitRepo';
import { startXlens, waitFor, type XlensProcess } from '../../helpers/xlensProcess';

const repos: string[] = [];
after(() => {
  // A failed test must not leave tasks waiting on their gates: let them end; the worker then leaves.
  repos.forEach(releaseAll);
});

/** Queues runs of `gated` without starting a worker (what `xlens run --queue` does before it does). */
async function queueWithoutWorker(root: string, count: number): Promise<string[]> {
  const store = new RunStore(root);
  const runner = new TaskRunner(await loadProjectOrThrow(root), store);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const run = await runner.enqueue('gated');
    await writePendingEntry(root, {
      schema: 1,
      run: run.id,
      task: 'gated',
      overrides: dict(),
      extraArgs: [],
      enqueuedAt: Date.now() + i,
    });
    ids.push(run.id);
  }
  runner.dispose();
  store.dispose();
  return ids;
}

/** Starts `count` workers at once and returns them once all but the lock holder have exited. */
async function raceWorkers(
  root: string,
  count: number,
): Promise<{ holder: XlensProcess; others: XlensProcess[] }> {
  const workers = Array.from({ length: count }, () => startXlens(root, ['queue', 'worker']));
  await waitFor('one worker to hold the lock and the others to leave', () => {
    const holders = workers.filter((w) => /queue worker \d+ holds the lock/.test(w.output.stdout));
    const gone = workers.filter((w) => w.output.code !== null);
    return holders.length >= 1 && gone.length === count - 1;
  });
  const holders = workers.filter((w) => /queue worker \d+ holds the lock/.test(w.output.stdout));
  assert.equal(holders.length, 1, workers.map((w) => w.output.stdout).join('\n---\n'));
  const others = workers.filter((w) => w !== holders[0]);
  for (const other of others) {
    assert.equal(other.output.code, 0);
    assert.match(other.output.stdout, /another queue worker holds the lock/);
    assert.doesNotMatch(other.output.stdout, /started run/);
  }
  assert.equal(lockPid(root), holders[0].child.pid);
  return { holder: holders[0], others };
}

describe('queue worker lock (real processes)', () => {
  it('of two workers started at once, one holds the lock and runs the jobs', async () => {
    const root = gatedRepo('{ concurrency: 1 }');
    repos.push(root);
    const ids = await queueWithoutWorker(root, 2);
    const { holder } = await raceWorkers(root, 2);
    await waitStatus(root, ids[0], 'running');
    release(root, ids[0]);
    await waitStatus(root, ids[1], 'running');
    release(root, ids[1]);
    await holder.done;
    await waitQueueDone(root);
    for (const id of ids) {
      assert.equal(record(root, id)?.status, 'succeeded');
      assert.equal(holder.output.stdout.split(`started run ${id}`).length - 1, 1, `${id} started once`);
    }
  });

  it('of four workers started at once over a stale lock, exactly one takes it over', async () => {
    const root = gatedRepo('{ concurrency: 1 }');
    repos.push(root);
    const [id] = await queueWithoutWorker(root, 1);
    const dead = spawnSync(process.execPath, ['-e', '']).pid; // a pid that has exited
    mkdirSync(join(root, '.xlens/queue'), { recursive: true });
    writeFileSync(
      join(root, '.xlens/queue/worker.lock'),
      JSON.stringify({ pid: dead, host: hostname(), nonce: '00112233aabbccdd' }),
    );
    const { holder } = await raceWorkers(root, 4);
    await waitStatus(root, id, 'running');
    release(root, id);
    await holder.done;
    await waitQueueDone(root);
    assert.equal(record(root, id)?.status, 'succeeded');
  });

  it('of 16 acquisitions interleaved in one process over a stale lock, exactly one succeeds', async () => {
    const root = tempDir();
    mkdirSync(join(root, '.xlens/queue'), { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(
      join(root, '.xlens/queue/worker.lock'),
      JSON.stringify({ pid: dead, host: hostname(), nonce: 'ffeeddccbbaa0011' }),
    );
    const locks = await Promise.all(Array.from({ length: 16 }, () => WorkerLock.acquire(root)));
    const got = locks.filter((l) => l !== undefined);
    assert.equal(got.length, 1);
    assert.equal(await got[0].held(), true);
    await got[0].release();
    assert.equal(lockPid(root), undefined, 'released');
    assert.deepEqual(readdirSync(join(root, '.xlens/queue')), [], 'no private or takeover files left');
  });

  it("takes over a killed worker's lock and adopts the run it had started", async () => {
    const root = gatedRepo('{ concurrency: 1 }');
    repos.push(root);
    const first = await queueGated(root);
    const running = await waitStatus(root, first, 'running');
    const killed = lockPid(root)!;
    process.kill(killed, 'SIGKILL');
    await waitFor('the killed worker to be gone', () => !isAlive(killed));
    assert.equal(lockPid(root), killed, 'the lock is left behind, stale');

    const second = await queueGated(root);
    await waitFor('a new worker to take the lock over', () => {
      const pid = lockPid(root);
      return pid !== undefined && pid !== killed;
    });
    await waitFor('the new worker to adopt the started run', () =>
      workerLog(root).includes(`adopted run ${first}`),
    );
    assert.equal(record(root, second)?.status, 'queued', 'the adopted run still holds the only slot');
    assert.equal(record(root, first)?.supervisorPid, running.supervisorPid, 'not started again');
    release(root, first);
    await waitStatus(root, first, 'succeeded');
    await waitStatus(root, second, 'running');
    release(root, second);
    await waitQueueDone(root);
    assert.equal(record(root, second)?.status, 'succeeded');
    assert.equal(workerLog(root).split(`started run ${first}`).length - 1, 1, 'the first run started once');
  });
});
