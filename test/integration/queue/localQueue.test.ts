/**
 * The local run queue with real processes in temp git repos: `xlens run --queue` returns at once, a
 * detached worker starts the runs in order within `queue: {concurrency, gpus}`, `xlens queue` lists and
 * cancels them, and runs are recorded like `xlens run`. Each task waits for a gate file, so the test
 * decides when a run ends and waits for states only.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isAlive } from '../../../src/core/base/process';
import {
  gatedRepo,
  lockPid,
  queueFiles,
  queueGated,
  record,
  release,
  releaseAll,
  waitQueueDone,
  waitStatus,
  workerLog,
} from '../../helpers/queueRepo';
import { cliEnv, cliSource, tsxLoader, waitFor, xlens } from '../../helpers/xlensProcess';

const repos: string[] = [];
function repo(queue: string): string {
  const root = gatedRepo(queue);
  repos.push(root);
  return root;
}

after(() => {
  // A failed test must not leave tasks waiting on their gates: let them end; the worker then leaves.
  repos.forEach(releaseAll);
});

describe('local run queue (real processes)', () => {
  it('runs queued runs one after another, in order, with concurrency 1', async () => {
    const root = repo('{ concurrency: 1 }');
    const ids = [await queueGated(root), await queueGated(root), await queueGated(root)];
    for (const [i, id] of ids.entries()) {
      const started = await waitStatus(root, id, 'running');
      assert.equal(started.queue?.enqueuedAt !== undefined, true);
      for (const later of ids.slice(i + 1)) {
        assert.equal(record(root, later)?.status, 'queued', `${later} waits while ${id} runs`);
      }
      const listed = await xlens(root, ['queue', '--json']);
      const rows = (
        JSON.parse(listed.stdout) as { runs: { run: string; status: string; position: number }[] }
      ).runs;
      assert.deepEqual(
        rows.map((r) => [r.run, r.status, r.position]),
        [[id, 'running', 0], ...ids.slice(i + 1).map((l, p) => [l, 'queued', p + 1])],
      );
      release(root, id);
      await waitStatus(root, id, 'succeeded');
    }
    await waitQueueDone(root);
    const starts = ids.map((id) => Date.parse(record(root, id)!.startedAt!));
    const ends = ids.map((id) => Date.parse(record(root, id)!.endedAt!));
    assert.ok(starts[1] >= ends[0] && starts[2] >= ends[1], 'each run started after the previous ended');
    const runs = await xlens(root, ['runs']);
    assert.equal(runs.stdout.match(/ succeeded /g)?.length, 3, runs.stdout);
    assert.match(workerLog(root), /queue empty; worker exits/);
  });

  it('runs two at once with concurrency 2 and gpus [0, 1], each with its own CUDA_VISIBLE_DEVICES', async () => {
    const root = repo('{ gpus: [0, 1] }');
    const ids = [await queueGated(root), await queueGated(root), await queueGated(root)];
    await waitStatus(root, ids[0], 'running');
    await waitStatus(root, ids[1], 'running');
    assert.equal(record(root, ids[2])?.status, 'queued', 'the third waits for a GPU');
    const printed = (id: string): string =>
      /gpu=(\S*)/.exec(readFileSync(join(root, '.xlens/runs', id, 'output.log'), 'utf8'))?.[1] ?? '';
    await waitFor('both tasks to print their GPU', () => printed(ids[0]) !== '' && printed(ids[1]) !== '');
    assert.deepEqual([printed(ids[0]), printed(ids[1])].sort(), ['0', '1']);
    assert.deepEqual(
      [record(root, ids[0])?.queue?.gpu, record(root, ids[1])?.queue?.gpu],
      [printed(ids[0]), printed(ids[1])],
      'run.json records the GPU the task saw',
    );
    const freed = printed(ids[1]);
    release(root, ids[1]);
    await waitStatus(root, ids[2], 'running');
    await waitFor('the third task to print its GPU', () => printed(ids[2]) !== '');
    assert.equal(printed(ids[2]), freed, 'the third run gets the GPU the second gave back');
    release(root, ids[0]);
    release(root, ids[2]);
    await waitQueueDone(root);
    assert.deepEqual(
      ids.map((id) => record(root, id)?.status),
      ['succeeded', 'succeeded', 'succeeded'],
    );
  });

  it('cancels a queued run (it never starts) and a started one (stopped like a local run)', async () => {
    const root = repo('{ concurrency: 1 }');
    const first = await queueGated(root);
    const second = await queueGated(root);
    await waitStatus(root, first, 'running');
    const cancelQueued = await xlens(root, ['queue', 'cancel', second]);
    assert.equal(cancelQueued.code, 0, cancelQueued.stderr);
    assert.match(cancelQueued.stdout, /removed from the queue/);
    const cancelled = record(root, second)!;
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(cancelled.startedAt, undefined, 'a cancelled queued run never started');
    assert.ok(!queueFiles(root).some((f) => f.startsWith(second)));

    const cancelRunning = await xlens(root, ['queue', 'cancel', first]);
    assert.equal(cancelRunning.code, 0, cancelRunning.stderr);
    const stopped = await waitStatus(root, first, 'cancelled');
    assert.ok(stopped.startedAt !== undefined);
    await waitQueueDone(root);
    assert.equal(record(root, second)?.status, 'cancelled');

    const again = await xlens(root, ['queue', 'cancel', second]);
    assert.equal(again.code, 1);
    assert.match(again.stdout, /already ended \(cancelled\)/);
  });

  it('keeps working after the CLI that queued the run and its terminal are gone', async () => {
    const root = repo('{ concurrency: 1 }');
    // The queuing CLI in a process group of its own, as a terminal's job: SIGHUP to the group after
    // it exits is what closing the terminal does.
    const cli = spawn(process.execPath, ['--import', tsxLoader, cliSource, 'run', '--queue', 'gated'], {
      cwd: root,
      env: cliEnv(),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    cli.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => cli.on('close', resolve));
    assert.equal(code, 0);
    try {
      process.kill(-cli.pid!, 'SIGHUP');
    } catch {
      // the group is already empty: nothing of the queue lives in it
    }
    const id = /· run (\S+) ·/.exec(out)![1];
    await waitStatus(root, id, 'running');
    const worker = lockPid(root)!;
    assert.notEqual(worker, cli.pid);
    assert.ok(isAlive(worker), 'the worker outlives the CLI that started it');
    release(root, id);
    await waitStatus(root, id, 'succeeded');
    await waitQueueDone(root);
  });
});
