/**
 * The shared run followers: every view leases the same follower of a run folder, its live record
 * carries the summaries of the points read so far (what the Runs view and status bar show while the
 * dashboard draws the same points), and a run streamed to a late subscriber gives each line once.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { RunChange, RunFollower } from '../../../src/core/runs/runFollower';
import { RunFollowers } from '../../../src/core/runs/runFollowers';
import { streamRun } from '../../../src/core/runs/runStream';
import type { RunRecord } from '../../../src/core/runs/types';
import { tempDir } from '../../helpers/gitRepo';

const ID = '20261206T090000Z-0a1b2c3d';

function writeRecord(dir: string, status: RunRecord['status'], metrics: RunRecord['metrics'] = {}): void {
  const record = {
    schema: 1,
    id: ID,
    task: 'train',
    kind: 'command',
    status,
    createdAt: '2026-12-06T09:00:00.000Z',
    command: 'python train.py',
    cwd: dir,
    git: { commit: null, branch: null, dirty: false, snapshot: null },
    params: {},
    data: [],
    metrics,
    artifacts: [],
  };
  writeFileSync(join(dir, 'run.json.tmp'), JSON.stringify(record));
  renameSync(join(dir, 'run.json.tmp'), join(dir, 'run.json'));
}

function runsDir(): { runs: string; dir: string } {
  const runs = join(tempDir('xlens-followers-'), '.xlens', 'runs');
  const dir = join(runs, ID);
  mkdirSync(dir, { recursive: true });
  return { runs, dir };
}

function nextChange(follower: RunFollower, matches: (c: RunChange) => boolean): Promise<RunChange> {
  return new Promise((resolve) => {
    const sub = follower.onDidChange((c) => {
      if (matches(c)) {
        sub.dispose();
        resolve(c);
      }
    });
  });
}

describe('RunFollowers', () => {
  it('gives every lease of a run the same follower, and stops it with the last lease', async () => {
    const { runs, dir } = runsDir();
    writeRecord(dir, 'running');
    const followers = new RunFollowers(runs, { pollMs: 50, keepAlive: true });
    const a = followers.follow(ID);
    const b = followers.follow(ID);
    assert.equal(a.follower, b.follower);
    await Promise.all([a.ready, b.ready]);
    a.dispose();
    a.dispose(); // twice is once
    assert.equal(followers.peek(ID), b.follower, 'still followed for the second lease');
    b.dispose();
    assert.equal(followers.peek(ID), undefined);
    const c = followers.follow(ID);
    assert.notEqual(c.follower, a.follower, 'a new lease after the last one starts afresh');
    followers.dispose();
  });

  it('refuses names that are not run ids before they become paths', () => {
    const followers = new RunFollowers(runsDir().runs);
    for (const bad of ['..', '../x', '', 'a/b', '__proto__']) {
      assert.throws(() => followers.follow(bad), /is not a run id/);
    }
  });

  it('keeps the live record summaries at the points read, and hands over to run.json once final', async () => {
    const { runs, dir } = runsDir();
    // run.json lags behind (the runner rewrites it about once a second).
    writeRecord(dir, 'running', {
      loss: { last: 1, lastStep: 0, min: 1, max: 1, bestStep: 0, count: 1 },
    });
    const metrics = join(dir, 'metrics.jsonl');
    writeFileSync(metrics, '{"step":0,"values":{"loss":1}}\n');
    const followers = new RunFollowers(runs, { pollMs: 50, keepAlive: true });
    const lease = followers.follow(ID);
    await lease.ready;
    const seen = nextChange(lease.follower, (c) => c.appended.has('loss'));
    appendFileSync(metrics, '{"step":1,"values":{"loss":0.25}}\n{"step":2,"values":{"loss":null}}\n');
    await seen;
    const live = lease.follower.liveRecord?.metrics.loss;
    assert.deepEqual(live, {
      last: 0.25,
      lastStep: 1,
      min: 0.25,
      max: 1,
      bestStep: 1,
      count: 2,
      nonFinite: 1,
    });
    assert.equal(lease.follower.lastStep, 2, 'the step the dashboard shows');

    const final = { last: 0.25, lastStep: 1, min: 0.25, max: 1, bestStep: 1, count: 2, nonFinite: 1 };
    const ended = nextChange(lease.follower, (c) => c.record?.status === 'succeeded');
    writeRecord(dir, 'succeeded', { loss: final });
    await ended;
    assert.deepEqual(lease.follower.liveRecord?.metrics.loss, final);
    assert.equal(lease.follower.done, true);
    followers.dispose();
  });

  it('streams each output line once to a subscriber that joins late, then the end', async () => {
    const { runs, dir } = runsDir();
    writeRecord(dir, 'running');
    const log = join(dir, 'output.log');
    writeFileSync(log, 'one\ntwo\n');
    const followers = new RunFollowers(runs, { pollMs: 50, keepAlive: true });
    const first = followers.follow(ID);
    await first.ready;
    const lines: string[] = [];
    const ended = new Promise<RunRecord>((resolve, reject) => {
      streamRun(first.follower, {
        lines: (l) => lines.push(...l),
        end: resolve,
        missing: () => reject(new Error('missing')),
      });
    });
    appendFileSync(log, 'three\nfour without newline');
    writeRecord(dir, 'failed');
    const record = await ended;
    assert.equal(record.status, 'failed');
    assert.deepEqual(lines, ['one', 'two', 'three', 'four without newline']);
    followers.dispose();
  });

  it('tells a stream that the run folder was deleted', async () => {
    const { runs, dir } = runsDir();
    writeRecord(dir, 'running');
    const followers = new RunFollowers(runs, { pollMs: 50, keepAlive: true });
    const lease = followers.follow(ID);
    const gone = new Promise<void>((resolve) => {
      streamRun(lease.follower, { lines: () => undefined, end: () => undefined, missing: resolve });
    });
    await lease.ready;
    renameSync(dir, `${dir}.deleted`);
    await gone;
    followers.dispose();
  });
});
