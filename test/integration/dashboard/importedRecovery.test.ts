/**
 * An imported run's dashboard when reading goes wrong: the metrics worker dies mid-watch (restarted
 * after a back-off, its re-read replaces the series instead of doubling them), keeps dying (given up
 * with one error naming the source), or the source cannot be read at all (the dashboard says why
 * instead of waiting forever).
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { discoverImportedRuns } from '../../../src/core/metrics/discovery/discovery';
import type { ImportedRun } from '../../../src/core/metrics/discovery/importedRun';
import { MetricsWatcher, type WatchUpdate } from '../../../src/core/metrics/watch';
import {
  MetricsWorkerClient,
  MetricsWorkerGaveUpError,
  restartDelayMs,
  startWorker,
} from '../../../src/core/metrics/discovery/workerClient';
import {
  ImportedFollower,
  importedRunState,
  type WatchSources,
} from '../../../src/core/runs/importedFollower';
import type { RunChange } from '../../../src/core/runs/runFollower';
import { buildHeader, buildSnapshot, type RunState } from '../../../src/features/dashboard/viewModel';

const KERAS = join(
  '/work/shared/fixtures',
  'keras_csv/Aitzaz-Saleem__Detection-of-Tomato-Leaf-Diseases-Using-CNN/training_log.csv',
);

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A workspace with a Keras CSV log of its first `rows` epochs; returns the log and its imported run. */
async function kerasWorkspace(rows: number): Promise<{ file: string; lines: string[]; run: ImportedRun }> {
  const dir = mkdtempSync(join(tmpdir(), 'xlens-recovery-'));
  dirs.push(dir);
  const file = join(dir, 'training_log.csv');
  const lines = readFileSync(KERAS, 'utf8').trim().split('\n');
  writeFileSync(file, `${lines.slice(0, rows + 1).join('\n')}\n`);
  const run = (await discoverImportedRuns(dir)).runs[0];
  assert.equal(run.format, 'keras-csv');
  return { file, lines, run };
}

function stateOf(f: ImportedFollower): RunState {
  return {
    runId: f.imported.key,
    record: undefined,
    series: f.series,
    lastStep: f.lastStep,
    log: f.log,
    warnings: f.warnings,
    missing: f.missing,
    imported: f.imported,
    error: f.readError,
  };
}

function nextChange(f: ImportedFollower, matches: (c: RunChange) => boolean): Promise<RunChange> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no matching change within 20 s')), 20_000);
    const sub = f.onDidChange((c) => {
      if (matches(c)) {
        clearTimeout(timer);
        sub.dispose();
        resolve(c);
      }
    });
  });
}

function pointsOf(f: ImportedFollower): Record<string, number[]> {
  return Object.fromEntries([...f.series].map(([name, points]) => [name, points.map((p) => p.step)]));
}

describe('metrics worker restarts under an open imported-run dashboard', () => {
  it('re-reads the source on a new worker and replaces the series instead of doubling them', async () => {
    const { file, lines, run } = await kerasWorkspace(8);
    const workers: Worker[] = [];
    const delays: number[] = [];
    const client = new MetricsWorkerClient({
      createWorker: (entry) => {
        const worker = startWorker(entry);
        workers.push(worker);
        return worker;
      },
      restartDelayMs: (crash) => {
        delays.push(crash);
        return 20;
      },
    });
    const errors: Error[] = [];
    client.onDidError((e) => errors.push(e));
    const watch: WatchSources = (sources, listener) => client.watch(sources, listener);
    const follower = new ImportedFollower(importedRunState(run), watch);
    try {
      await follower.start();
      const before = pointsOf(follower);
      assert.deepEqual(before.val_loss, [0, 1, 2, 3, 4, 5, 6, 7]);
      assert.equal(workers.length, 1);

      const reread = nextChange(follower, (c) => c.reset);
      await workers[0].terminate(); // the worker dies mid-watch (as on an out-of-memory crash)
      const change = await reread;
      assert.equal(workers.length, 2, 'a new worker took over the watch');
      assert.deepEqual(delays, [1], 'after a back-off for the first crash in a row');
      assert.deepEqual(pointsOf(follower), before, 'every point once, none doubled');
      assert.equal(change.appended.get('val_loss'), 8);
      assert.equal(buildSnapshot(stateOf(follower)).series.find((s) => s.name === 'val_loss')?.total, 8);
      assert.match(errors.map((e) => e.message).join('\n'), /exited with code 1 \(crash 1 in a row\)/);

      // The new worker tails on from there.
      const appended = nextChange(follower, (c) => c.appended.has('val_loss'));
      appendFileSync(file, `${lines[9]}\n`);
      assert.equal((await appended).appended.get('val_loss'), 1);
      assert.deepEqual(
        follower.series.get('val_loss')?.map((p) => p.step),
        [0, 1, 2, 3, 4, 5, 6, 7, 8],
      );
    } finally {
      follower.dispose();
      client.dispose();
    }
  });

  it('waits 1 s, 2 s, 4 s … at most 60 s before each restart in a row', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 8].map(restartDelayMs),
      [1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000],
    );
  });

  it('gives up after N crashes in a row with one error naming the source; the dashboard keeps its data', async () => {
    const { run } = await kerasWorkspace(4);
    let created = 0;
    const delays: number[] = [];
    const client = new MetricsWorkerClient({
      // A worker that dies as soon as it starts, every time (as a source that always runs it out of memory).
      createWorker: () => {
        created++;
        return new Worker('process.exit(3)', { eval: true });
      },
      restartDelayMs: (crash) => {
        delays.push(crash);
        return 5;
      },
      maxCrashes: 3,
    });
    const errors: Error[] = [];
    client.onDidError((e) => errors.push(e));
    const updates: WatchUpdate[] = [];
    const gaveUp = new Promise<void>((resolve) => {
      client.watch([{ format: 'keras-csv', path: run.source }], (update) => {
        updates.push(update);
        resolve();
      });
    });
    try {
      await gaveUp;
      assert.equal(created, 3, 'the first start and two restarts');
      assert.deepEqual(delays, [1, 2]);
      const final = errors.filter((e) => e instanceof MetricsWorkerGaveUpError);
      assert.equal(final.length, 1, 'one error when giving up');
      assert.ok(final[0].message.includes(run.source), final[0].message);
      assert.match(final[0].message, /crashed 3 times in a row/);
      assert.equal(updates.length, 1);
      assert.equal(updates[0].initial, true);
      assert.match(updates[0].error ?? '', /crashed 3 times in a row \(last exit code 3\)/);
    } finally {
      client.dispose();
    }
  });

  it('shows the reason on a dashboard whose worker gave up, keeping the points read before', () => {
    const follower = new ImportedFollower(
      {
        key: 'keras-csv:/ws/training_log.csv#training_log.csv',
        name: 'training_log.csv',
        source: {
          format: 'keras-csv',
          path: '/ws/training_log.csv',
          relativePath: 'training_log.csv',
          sourceRunId: 'training_log.csv',
          experiment: null,
        },
        params: {},
      },
      () => ({ dispose: () => undefined }),
    );
    const points = (steps: number[]): Map<string, { step: number; value: number }[]> =>
      new Map([['loss', steps.map((step) => ({ step, value: 1 / (step + 1) }))]]);
    const read = (update: Partial<WatchUpdate>): WatchUpdate => ({
      source: { format: 'keras-csv', path: '/ws/training_log.csv' },
      result: { runs: [], warnings: [] },
      initial: false,
      trigger: 'poll',
      readAt: 0,
      ...update,
    });
    const run = (steps: number[]): WatchUpdate['result']['runs'][number] => ({
      id: 'training_log.csv',
      name: 'training_log.csv',
      source: 'keras-csv',
      path: '/ws/training_log.csv',
      metrics: points(steps),
      params: {},
      tags: {},
    });
    follower.apply(
      read({ initial: true, trigger: 'initial', result: { runs: [run([0, 1, 2])], warnings: [] } }),
    );
    follower.apply(read({ result: { runs: [run([3])], warnings: [] } }));
    follower.apply(read({ initial: true, trigger: 'initial', error: 'the metrics worker crashed 5 times' }));
    assert.deepEqual(
      follower.series.get('loss')?.map((p) => p.step),
      [0, 1, 2, 3],
    );
    assert.equal(
      buildHeader(stateOf(follower)).error,
      'could not read /ws/training_log.csv: the metrics worker crashed 5 times',
    );
    // A later full read (a new worker) replaces the series and clears the error.
    follower.apply(
      read({ initial: true, trigger: 'initial', result: { runs: [run([0, 1, 2, 3, 4])], warnings: [] } }),
    );
    assert.deepEqual(
      follower.series.get('loss')?.map((p) => p.step),
      [0, 1, 2, 3, 4],
    );
    assert.equal(follower.readError, undefined);
    assert.equal(buildHeader(stateOf(follower)).error, null);
    follower.dispose();
  });
});

describe('an imported-run dashboard whose source cannot be read', () => {
  const unreadable = {
    key: 'stdout:/ws/train.log#train',
    name: 'train',
    source: {
      // A format without a file reader, as a hand-edited or stale saved state could name.
      format: 'stdout',
      path: '/ws/train.log',
      relativePath: 'train.log',
      sourceRunId: 'train',
      experiment: null,
    },
    params: {},
  };

  it('finishes loading and shows "could not read <path>: <reason>" (watcher in process)', async () => {
    const watch: WatchSources = (sources, listener) => {
      const watcher = new MetricsWatcher({ pollMs: 200 });
      watcher.onDidUpdate(listener);
      for (const source of sources) {
        void watcher.add(source);
      }
      return watcher;
    };
    const follower = new ImportedFollower(unreadable, watch);
    try {
      await follower.start();
      const header = buildHeader(stateOf(follower));
      assert.equal(
        header.error,
        'could not read /ws/train.log: No file reader for metric source "stdout" (/ws/train.log)',
      );
      assert.equal(follower.series.size, 0);
    } finally {
      follower.dispose();
    }
  });

  it('finishes loading and shows the reason when the source is tailed on the worker thread', async () => {
    const client = new MetricsWorkerClient();
    const follower = new ImportedFollower(unreadable, (sources, listener) => client.watch(sources, listener));
    try {
      await follower.start();
      assert.match(
        follower.readError ?? '',
        /^could not read \/ws\/train\.log: No file reader for metric source "stdout"/,
      );
    } finally {
      follower.dispose();
      client.dispose();
    }
  });
});
