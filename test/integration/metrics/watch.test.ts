import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { countPoints } from '../../../src/core/metrics/readers';
import {
  eventRecord,
  fileVersionEvent,
  scalarEvent,
} from '../../../src/core/metrics/tensorboard/eventWriter';
import { MetricsWatcher, type WatchUpdate } from '../../../src/core/metrics/watch';
import { MetricsWorkerClient } from '../../../src/core/metrics/discovery/workerClient';
import { tempDir } from '../../helpers/gitRepo';

/** Resolves with the first update for which `accept` is true, or rejects after `ms`. */
function nextUpdate(
  subscribe: (l: (u: WatchUpdate) => void) => { dispose(): void },
  accept: (u: WatchUpdate) => boolean,
  ms = 5000,
): Promise<WatchUpdate> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no matching update within ${ms} ms`));
    }, ms);
    const sub = subscribe((u) => {
      if (accept(u)) {
        clearTimeout(timer);
        sub.dispose();
        resolve(u);
      }
    });
  });
}

/** Polls `probe` every 20 ms until it returns a truthy value (rejects after `ms`). */
async function waitFor<T>(probe: () => T | undefined | false, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) {
      return value;
    }
    if (Date.now() > end) {
      throw new Error(`condition not met within ${ms} ms`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('MetricsWatcher', () => {
  for (const usePolling of [false, true]) {
    it(`emits the initial contents, then only appended points (${usePolling ? 'polling' : 'fs.watch'})`, async () => {
      const dir = tempDir('xlens-watch-');
      const file = join(dir, 'training.log');
      writeFileSync(file, 'epoch,loss\n0,0.9\n');
      const watcher = new MetricsWatcher({ usePolling, fallbackPollMs: 100 });
      try {
        const initial = nextUpdate(watcher.onDidUpdate, (u) => u.initial);
        await watcher.add({ format: 'keras-csv', path: file });
        assert.equal(countPoints((await initial).result), 1);

        const next = nextUpdate(watcher.onDidUpdate, (u) => !u.initial);
        appendFileSync(file, '1,0.8\n2,0.7\n');
        const update = await next;
        assert.equal(update.trigger, usePolling ? 'poll' : 'event');
        assert.deepEqual(
          update.result.runs[0].metrics.get('loss')!.map((p) => p.step),
          [1, 2],
        );
      } finally {
        watcher.dispose();
      }
    });
  }

  it('reports a file that stays unreadable once, not on every poll', async () => {
    const dir = tempDir('xlens-watch-');
    const file = join(dir, 'training.log');
    symlinkSync(file, file); // cannot be opened (ELOOP), even by root
    const watcher = new MetricsWatcher({ usePolling: true, fallbackPollMs: 50 });
    const updates: WatchUpdate[] = [];
    watcher.onDidUpdate((u) => updates.push(u));
    try {
      await watcher.add({ format: 'keras-csv', path: file });
      await new Promise((r) => setTimeout(r, 400));
      const warnings = updates.flatMap((u) => u.result.warnings);
      assert.equal(warnings.length, 1, 'one warning over several polls');
      assert.equal(warnings[0].file, file);
      assert.match(warnings[0].message, /ELOOP/);
    } finally {
      watcher.dispose();
    }
  });

  it('sees a file created after the watch started, and new MLflow metric files in sub-folders', async () => {
    const dir = tempDir('xlens-watch-');
    const root = join(dir, 'mlruns');
    const run = join(root, '0', 'r1');
    mkdirSync(join(run, 'metrics'), { recursive: true });
    writeFileSync(join(root, '0', 'meta.yaml'), 'name: Default\nlifecycle_stage: active\n');
    writeFileSync(join(run, 'meta.yaml'), 'run_id: r1\nstatus: 1\nlifecycle_stage: active\n');
    const late = join(dir, 'later.jsonl');
    const watcher = new MetricsWatcher();
    try {
      await watcher.add({ format: 'mlflow', path: root });
      await watcher.add({ format: 'jsonl', path: late });
      const mlflow = nextUpdate(
        watcher.onDidUpdate,
        (u) => u.source.format === 'mlflow' && countPoints(u.result) > 0,
      );
      const jsonl = nextUpdate(
        watcher.onDidUpdate,
        (u) => u.source.format === 'jsonl' && countPoints(u.result) > 0,
      );
      mkdirSync(join(run, 'metrics', 'val'));
      writeFileSync(join(run, 'metrics', 'val', 'loss'), '1700000000000 0.5 0\n');
      writeFileSync(late, '{"step": 0, "values": {"loss": 1}}\n');
      const [m, j] = await Promise.all([mlflow, jsonl]);
      assert.deepEqual(
        m.result.runs[0].metrics.get('val/loss')!.map((p) => p.value),
        [0.5],
      );
      assert.deepEqual(
        j.result.runs[0].metrics.get('loss')!.map((p) => p.value),
        [1],
      );
    } finally {
      watcher.dispose();
    }
  });
});

describe("MetricsWatcher on a TensorBoard logdir (a task's `metrics: - tensorboard: runs/`)", () => {
  it('reads the runs present, then a run folder created later, and appended events', async () => {
    const logdir = join(tempDir('xlens-watch-tb-'), 'runs');
    mkdirSync(join(logdir, 'first'), { recursive: true });
    const first = join(logdir, 'first', 'events.out.tfevents.1700000000.host.1.0');
    writeFileSync(
      first,
      Buffer.concat([
        eventRecord(fileVersionEvent(1700000000)),
        eventRecord(scalarEvent('loss', 0, 1, 1700000000)),
      ]),
    );
    const watcher = new MetricsWatcher();
    try {
      const initial = nextUpdate(watcher.onDidUpdate, (u) => u.initial);
      await watcher.add({ format: 'tensorboard', path: logdir });
      assert.deepEqual(
        (await initial).result.runs.map((r) => [r.id, countPoints({ runs: [r], warnings: [] })]),
        [['first', 1]],
      );

      const later = nextUpdate(watcher.onDidUpdate, (u) =>
        u.result.runs.some((r) => r.id === 'nested/second'),
      );
      mkdirSync(join(logdir, 'nested', 'second'), { recursive: true });
      writeFileSync(
        join(logdir, 'nested', 'second', 'events.out.tfevents.1700000100.host.2.0'),
        Buffer.concat([
          eventRecord(fileVersionEvent(1700000100)),
          eventRecord(scalarEvent('acc', 0, 0.5, 1700000100)),
        ]),
      );
      const second = (await later).result.runs.find((r) => r.id === 'nested/second')!;
      assert.deepEqual(
        second.metrics.get('acc')!.map((p) => p.value),
        [0.5],
      );

      const appended = nextUpdate(watcher.onDidUpdate, (u) => u.result.runs.some((r) => r.id === 'first'));
      appendFileSync(first, eventRecord(scalarEvent('loss', 1, 0.25, 1700000001)));
      const run = (await appended).result.runs.find((r) => r.id === 'first')!;
      assert.deepEqual(
        run.metrics.get('loss'),
        [{ step: 1, value: 0.25, time: 1700000001000 }],
        'only the new event',
      );
    } finally {
      watcher.dispose();
    }
  });
});

describe('MetricsWorkerClient (parsing on a worker thread)', () => {
  it('discovers, reads and tails sources through the worker', async () => {
    const dir = tempDir('xlens-worker-');
    mkdirSync(join(dir, 'logs'));
    const file = join(dir, 'logs', 'training.log');
    writeFileSync(file, 'epoch,acc\n0,0.5\n');
    const client = new MetricsWorkerClient();
    try {
      const sources = await client.discoverSources(dir);
      assert.deepEqual(sources, [{ format: 'keras-csv', path: file }]);
      const imported = await client.discoverImportedRuns(dir);
      assert.deepEqual(imported.runs[0].metrics, [
        { name: 'acc', points: 1, lastStep: 0, last: 0.5, min: 0.5, max: 0.5, bestStep: 0 },
      ]);
      const read = await client.readSource(sources[0]);
      assert.ok(read.runs[0].metrics instanceof Map, 'Maps survive the thread boundary');

      const updates: WatchUpdate[] = [];
      const sub = client.watch(sources, (u) => updates.push(u));
      await waitFor(() => updates.some((u) => u.initial));
      appendFileSync(file, '1,0.75\n');
      const update = await waitFor(() => updates.find((u) => !u.initial));
      assert.deepEqual(update.result.runs[0].metrics.get('acc'), [{ step: 1, value: 0.75 }]);
      sub.dispose();
    } finally {
      client.dispose();
    }
  });
});
