import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isRunId, newRunId, runIdTime } from '../../../src/core/runs/ids';
import { isAlive, processStartToken } from '../../../src/core/base/process';
import { ORPHANED_RUN_ERROR, reconcileRuns } from '../../../src/core/runs/reconcile';
import { RunStore } from '../../../src/core/runs/store';
import { addToSummary, metricGoal } from '../../../src/core/runs/summaries';
import type { RunRecord } from '../../../src/core/runs/types';
import { gitIn, makeRepo, tempDir } from '../../helpers/gitRepo';

function fields(task = 'train'): Omit<RunRecord, 'schema' | 'id' | 'createdAt'> {
  return {
    task,
    kind: 'command',
    status: 'queued',
    command: 'true',
    cwd: '/tmp',
    git: { commit: null, branch: null, dirty: false, snapshot: null },
    params: {},
    data: [],
    metrics: {},
    artifacts: [],
  };
}

/** The pid of a process that has already exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

describe('run ids', () => {
  it('are YYYYMMDDTHHMMSSZ-xxxxxxxx (32 random bits), sortable by time', () => {
    const a = newRunId(new Date('2026-11-24T09:06:12.345Z'));
    assert.match(a, /^20261124T090612Z-[0-9a-f]{8}$/);
    assert.ok(isRunId(a));
    const b = newRunId(new Date('2026-11-24T09:06:13Z'));
    assert.ok([b, a].sort()[0] === a);
    // 2,000 ids of one second: with 32 random bits a clash has probability ~5e-4 (16 bits: ~1).
    const same = new Set(Array.from({ length: 2000 }, () => newRunId(new Date('2026-11-24T09:06:12Z'))));
    assert.equal(same.size, 2000);
  });

  it('of earlier versions (4 hex digits) are still recognised, and older ids sort first', () => {
    assert.ok(isRunId('20261124T090612Z-7f3a'));
    assert.equal(runIdTime('20261124T090612Z-7f3a')?.toISOString(), '2026-11-24T09:06:12.000Z');
    assert.ok(!isRunId('20261124T090612Z-7f3'));
    assert.ok(!isRunId('20261124T090612Z-7f3a0'));
    const newer = newRunId(new Date('2026-11-24T09:06:13Z'));
    assert.deepEqual(['20261124T090612Z-7f3a', newer].sort(), ['20261124T090612Z-7f3a', newer]);
  });
});

describe('run store', () => {
  it('creates run folders with run.json and artifacts/, and a .gitignore that keeps git away', async () => {
    const root = makeRepo({ 'a.txt': 'a' });
    const store = new RunStore(root);
    const changes: string[] = [];
    store.onDidChange((c) => changes.push(`${c.kind}:${c.id}`));
    const run = await store.create(fields());
    assert.ok(isRunId(run.id));
    assert.deepEqual(readdirSync(store.runDir(run.id)).sort(), ['artifacts', 'run.json']);
    assert.deepEqual(JSON.parse(readFileSync(store.file(run.id, 'record'), 'utf8')), run);
    assert.equal(
      readFileSync(join(root, '.xlens', '.gitignore'), 'utf8')
        .trim()
        .split('\n')
        .pop(),
      '*',
    );
    assert.equal(gitIn(root, ['status', '--porcelain']), '');
    assert.deepEqual(changes, [`created:${run.id}`]);
  });

  it('writes run.json atomically, leaving no temp files', async () => {
    const store = new RunStore(tempDir());
    const run = await store.create(fields());
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.write({ ...run, command: `c${i}` })));
    assert.deepEqual(readdirSync(store.runDir(run.id)).sort(), ['artifacts', 'run.json']);
    assert.match((await store.read(run.id)).command, /^c\d+$/);
  });

  it('never lets a reader see half a run.json while large records are rewritten', async () => {
    const store = new RunStore(tempDir());
    const run = await store.create(fields());
    // ~2 MB records: written in several chunks, so a plain in-place write would be seen half done.
    const big = (i: number): RunRecord => ({
      ...run,
      command: `c${i}`,
      warnings: Array(40_000).fill(`w${i}`.padEnd(48, '.')),
    });
    let reads = 0;
    let writing = true;
    const reader = (async () => {
      while (writing) {
        const record = JSON.parse(readFileSync(store.file(run.id, 'record'), 'utf8')) as RunRecord;
        assert.equal(record.id, run.id);
        reads++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    for (let round = 0; round < 4; round++) {
      await Promise.all(Array.from({ length: 5 }, (_, i) => store.write(big(round * 5 + i))));
    }
    writing = false;
    await reader;
    assert.ok(reads > 0);
    assert.deepEqual(readdirSync(store.runDir(run.id)).sort(), ['artifacts', 'run.json']);
  });

  it('lists newest first, filters by task, resolves prefixes and latest', async () => {
    const store = new RunStore(tempDir());
    const a = await store.create({ ...fields('train'), createdAt: '2026-01-01T00:00:00Z' });
    const b = await store.create({ ...fields('eval'), createdAt: '2026-01-02T00:00:00Z' });
    const c = await store.create({ ...fields('train'), createdAt: '2026-01-03T00:00:00Z' });
    assert.deepEqual(
      (await store.list()).runs.map((r) => r.id),
      [c.id, b.id, a.id],
    );
    assert.deepEqual(
      (await store.list({ task: 'train' })).runs.map((r) => r.id),
      [c.id, a.id],
    );
    assert.deepEqual(
      (await store.list({ limit: 1 })).runs.map((r) => r.id),
      [c.id],
    );
    assert.equal((await store.resolve('latest')).id, c.id);
    assert.equal((await store.resolve('latest:eval')).id, b.id);
    assert.equal((await store.resolve('20260102')).id, b.id);
    assert.equal((await store.resolve(a.id.slice(-8))).id, a.id);
    assert.equal((await store.resolve(a.id.slice(-8, -4))).id, a.id);
    await assert.rejects(store.resolve('2026'), /matches 3 runs/);
    await assert.rejects(store.resolve('nope'), /no run matches "nope"/);
  });

  it('orders runs created within the same second by their creation time, not their random suffix', async () => {
    const store = new RunStore(tempDir());
    const times = ['00.100', '00.200', '00.300', '00.400', '00.500', '00.600'];
    const created = [];
    for (const t of times) {
      created.push(await store.create({ ...fields('train'), createdAt: `2026-01-01T00:00:${t}Z` }));
    }
    const later = await store.create({ ...fields('eval'), createdAt: '2026-01-01T00:00:01.000Z' });
    const ids = [...created.map((r) => r.id), later.id];
    // Sorting by id alone orders six same-second runs by their random suffixes: right 1 time in 720.
    assert.deepEqual(await store.ids(), ids, 'creation order');
    assert.equal((await store.latest('train'))?.id, created.at(-1)?.id);
    assert.equal((await store.resolve('latest')).id, later.id);
  });

  it('reports half-deleted and corrupt run folders without failing the listing', async () => {
    const store = new RunStore(tempDir());
    const good = await store.create(fields());
    const corrupt = await store.create(fields());
    writeFileSync(store.file(corrupt.id, 'record'), '{"id": "x", "task":');
    const half = await store.create(fields());
    rmSync(store.file(half.id, 'record'));
    const { runs, problems } = await store.list();
    assert.deepEqual(
      runs.map((r) => r.id),
      [good.id],
    );
    assert.deepEqual(problems.map((p) => p.id).sort(), [corrupt.id, half.id].sort());
    assert.match(problems.find((p) => p.id === corrupt.id)!.message, /not valid JSON/);
    assert.ok(
      problems
        .find((p) => p.id === corrupt.id)!
        .message.endsWith(`or delete the folder ${store.runDir(corrupt.id)} to drop the run.`),
      'the message names the fix',
    );
    assert.match(problems.find((p) => p.id === half.id)!.message, /incomplete/);
  });

  it('deletes a run with its snapshot ref', async () => {
    const root = makeRepo({ 'a.txt': 'a' });
    const store = new RunStore(root);
    const run = await store.create(fields());
    const head = gitIn(root, ['rev-parse', 'HEAD']);
    gitIn(root, ['update-ref', `refs/xlens/runs/${run.id}`, head]);
    await store.delete(run.id);
    assert.equal((await store.list()).runs.length, 0);
    assert.equal(gitIn(root, ['for-each-ref', 'refs/xlens/']), '');
  });

  it('reconcile() fails runs whose supervisor and child are both gone, and leaves live ones', async () => {
    const store = new RunStore(tempDir());
    const dead = await deadPid();
    const orphan = await store.create({
      ...fields(),
      status: 'running',
      startedAt: new Date().toISOString(),
    });
    await store.write({ ...orphan, pid: dead, supervisorPid: dead });
    writeFileSync(
      store.file(orphan.id, 'metrics'),
      '{"step":0,"values":{"loss":2}}\n{"step":1,"values":{"loss":1}}\n',
    );
    const live = await store.create({ ...fields(), status: 'running', supervisorPid: process.pid });
    const fixed = await reconcileRuns(store);
    assert.deepEqual(
      fixed.map((r) => r.id),
      [orphan.id],
    );
    const after = await store.read(orphan.id);
    assert.equal(after.status, 'failed');
    assert.equal(after.error, ORPHANED_RUN_ERROR);
    assert.ok(after.endedAt);
    assert.deepEqual(after.metrics.loss, { last: 1, lastStep: 1, min: 1, max: 2, bestStep: 1, count: 2 });
    assert.equal((await store.read(live.id)).status, 'running');
  });

  it('reconcile() keeps a final status written between its read and its liveness check', async () => {
    // The supervisor's last steps (write `succeeded`, exit) land right after reconcile() read the
    // record as `running`: the store's read is wrapped to perform those steps at exactly that moment.
    class RacingStore extends RunStore {
      raced = false;
      override async get(id: string): Promise<RunRecord | undefined> {
        const record = await super.get(id);
        if (!this.raced && record?.status === 'running') {
          this.raced = true;
          const { pid: _pid, ...rest } = record;
          await this.write({ ...rest, status: 'succeeded', exitCode: 0, endedAt: new Date().toISOString() });
        }
        return record;
      }
    }
    const store = new RacingStore(tempDir());
    const dead = await deadPid();
    const run = await store.create({ ...fields(), status: 'running', startedAt: new Date().toISOString() });
    await store.write({ ...run, pid: dead, supervisorPid: dead });
    const fixed = await reconcileRuns(store);
    assert.ok(store.raced, 'the supervisor finished between the read and the liveness check');
    assert.deepEqual(fixed, []);
    const after = await store.read(run.id);
    assert.equal(after.status, 'succeeded');
    assert.equal(after.exitCode, 0);
    assert.equal(after.error, undefined);
  });

  it(
    'reconcile() treats a live pid with another start time as a dead supervisor (pid reuse)',
    { skip: process.platform !== 'linux' && 'start times are read from /proc (Linux)' },
    async () => {
      const store = new RunStore(tempDir());
      const token = processStartToken(process.pid);
      assert.match(token ?? '', /^\d+:\d+$/, 'boot time and start ticks of this process');
      assert.equal(processStartToken(await deadPid()), undefined);
      // This test process stands in for a process that got a dead supervisor's pid: same pid, but it
      // started at another time than the one recorded.
      const [boot, ticks] = token!.split(':');
      const reused = await store.create({
        ...fields(),
        status: 'running',
        supervisorPid: process.pid,
        supervisorStart: `${boot}:${Number(ticks) + 1}`,
      });
      const rebooted = await store.create({
        ...fields(),
        status: 'running',
        supervisorPid: process.pid,
        supervisorStart: `${Number(boot) - 3600}:${ticks}`,
      });
      const live = await store.create({
        ...fields(),
        status: 'running',
        supervisorPid: process.pid,
        supervisorStart: token!,
      });
      const legacy = await store.create({ ...fields(), status: 'running', supervisorPid: process.pid });
      const fixed = await reconcileRuns(store);
      assert.deepEqual(fixed.map((r) => r.id).sort(), [reused.id, rebooted.id].sort());
      assert.equal((await store.read(reused.id)).error, ORPHANED_RUN_ERROR);
      assert.equal((await store.read(live.id)).status, 'running');
      assert.equal((await store.read(legacy.id)).status, 'running', 'no token recorded: the pid decides');
    },
  );

  it('counts a zombie (exited, never reaped) as not alive', async () => {
    const dir = tempDir();
    // The background node's parent execs into sleep, which never reaps it: it stays a zombie.
    const parent = spawn('/bin/sh', [
      '-c',
      `${process.execPath} -e "" & echo $! > ${dir}/pid; exec sleep 120`,
    ]);
    try {
      let pid = 0;
      // Generous limits (a loaded machine); the parent sleeps far longer and is killed at the end.
      for (let i = 0; i < 1500 && pid === 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
        pid = Number(existsSync(join(dir, 'pid')) ? readFileSync(join(dir, 'pid'), 'utf8') : 0);
      }
      for (let i = 0; i < 1500 && isAlive(pid); i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(isAlive(pid), false);
      assert.doesNotThrow(() => process.kill(pid, 0), 'the zombie still has its pid');
      assert.equal(isAlive(process.pid), true);
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('ignores folders that are not runs', async () => {
    const store = new RunStore(tempDir());
    await store.ensure();
    mkdirSync(join(store.runsDir, 'notes'));
    assert.deepEqual(await store.list(), { runs: [], problems: [] });
  });
});

describe('metric summaries', () => {
  it('minimise loss and error-like names, maximise the rest', () => {
    for (const name of [
      'loss',
      'val_loss',
      'val/loss',
      'mae',
      'val_mse',
      'rmse',
      'error_rate',
      'trainloss',
    ]) {
      assert.equal(metricGoal(name), 'min', name);
    }
    for (const name of ['accuracy', 'val_accuracy', 'f1', 'auc', 'r2', 'power', 'precision']) {
      assert.equal(metricGoal(name), 'max', name);
    }
  });

  it('track last, min, max, best step and count', () => {
    let s = addToSummary(undefined, 'val_accuracy', 0, 0.5);
    s = addToSummary(s, 'val_accuracy', 1, 0.9);
    s = addToSummary(s, 'val_accuracy', 2, 0.8);
    assert.deepEqual(s, { last: 0.8, lastStep: 2, min: 0.5, max: 0.9, bestStep: 1, count: 3 });
    let l = addToSummary(undefined, 'loss', 0, 1);
    l = addToSummary(l, 'loss', 1, 0.2);
    l = addToSummary(l, 'loss', 2, 0.4);
    assert.equal(l.bestStep, 1);
  });
});
