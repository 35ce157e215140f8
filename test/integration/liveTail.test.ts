/**
 * Acceptance of live tailing: a real child process (liveTailWriter.ts) appends to a log of every
 * format — MLflow file store, MLflow SQLite, DVCLive, Keras CSV, Lightning CSV, JSONL and TensorBoard —
 * while the metrics worker (the path the extension uses) or `xlens import --watch` watches. Every new
 * point must arrive within 1 s, measured from the moment the writer's write completed (the writer
 * stamps each record after its last byte is written or its transaction committed) to the moment the
 * point reaches the listener on the main thread. The watcher reads after 150 ms without further
 * changes, or 400 ms into a continuous burst (watch.ts), so 1 s leaves room for a loaded machine;
 * the measured latencies are printed.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { resolveEntrypoint } from '../../src/core/base/entrypoints';
import type { SourceSpec } from '../../src/core/metrics/readers';
import { eventRecord, fileVersionEvent, scalarEvent } from '../../src/core/metrics/tensorboard/eventWriter';
import type { WatchUpdate } from '../../src/core/metrics/watch';
import { MetricsWorkerClient } from '../../src/core/metrics/discovery/workerClient';
import { tempDir } from '../helpers/gitRepo';
import { LIVE_FILES, SQLITE_SCHEMA, type LiveFormat } from '../helpers/liveTailWriter';

const ROUNDS = 8;
const INTERVAL_MS = 250;
const TARGET_MS = 1000;
const FORMATS = Object.keys(LIVE_FILES).sort() as LiveFormat[];

/** A workspace with one log of each format holding step 0, as a training process leaves it after its first step. */
function makeWorkspace(): string {
  const dir = tempDir('xlens-live-');
  const file = (f: LiveFormat): string => {
    const path = join(dir, LIVE_FILES[f]);
    mkdirSync(dirname(path), { recursive: true });
    return path;
  };
  writeFileSync(file('mlflow'), `${Date.now()} 1 0\n`);
  writeFileSync(join(dir, 'mlruns/0/meta.yaml'), 'name: Default\nlifecycle_stage: active\n');
  writeFileSync(
    join(dir, 'mlruns/0/run1/meta.yaml'),
    'run_id: run1\nstatus: 1\nstart_time: 1700000000000\nlifecycle_stage: active\n',
  );
  execFileSync('python3', [
    '-c',
    'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()',
    file('mlflow-sqlite'),
    SQLITE_SCHEMA,
  ]);
  writeFileSync(file('dvclive'), 'step\tloss\n0\t1\n');
  writeFileSync(file('keras-csv'), 'epoch,loss\n0,1\n');
  writeFileSync(file('lightning-csv'), 'step,epoch,train_loss\n0,0,1\n');
  writeFileSync(file('jsonl'), '{"step": 0, "values": {"loss": 1}}\n');
  writeFileSync(
    file('tensorboard'),
    Buffer.concat([
      eventRecord(fileVersionEvent(1700000000)),
      eventRecord(scalarEvent('loss', 0, 1, 1700000000)),
    ]),
  );
  // JSONL is not found by the scan; a task naming it under metrics: makes it an imported source.
  writeFileSync(
    join(dir, 'xlens.yaml'),
    `version: 1\ntasks:\n  train:\n    run: python train.py\n    metrics:\n      - jsonl: ${LIVE_FILES.jsonl}\n`,
  );
  return dir;
}

/** The writer's label of a source (the two MLflow stores share the `mlflow` format). */
function labelOf(source: SourceSpec): LiveFormat {
  return source.format === 'mlflow' && source.path.endsWith('.db')
    ? 'mlflow-sqlite'
    : (source.format as LiveFormat);
}

/** Starts the writer child; resolves with the completion time of each `format:step` write when it exits. */
function runWriter(dir: string): Promise<Map<string, number>> {
  const entry = resolveEntrypoint('cli');
  const child = spawn(
    process.execPath,
    [
      ...entry.execArgv,
      join(__dirname, '../helpers/liveTailWriter.ts'),
      dir,
      String(ROUNDS),
      String(INTERVAL_MS),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const written = new Map<string, number>();
  createInterface({ input: child.stdout }).on('line', (line) => {
    const { format, step, at } = JSON.parse(line) as { format: string; step: number; at: number };
    written.set(`${format}:${step}`, at);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(written) : reject(new Error(`writer exited with ${code}`)),
    );
  });
}

async function waitFor(probe: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!probe() && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Checks that every written point arrived within the target, and prints the latencies per format. */
function assertLatencies(label: string, written: Map<string, number>, arrived: Map<string, number>): void {
  assert.equal(written.size, ROUNDS * FORMATS.length, 'the writer wrote every record');
  const latencies = new Map<string, number[]>();
  const late: string[] = [];
  for (const [key, at] of written) {
    const got = arrived.get(key);
    const format = key.split(':')[0];
    assert.ok(
      got !== undefined,
      `${label} ${key} never arrived (arrived for ${format}: ${[...arrived.keys()].filter((k) => k.startsWith(`${format}:`)).join(' ')})`,
    );
    // A point read by a poll that happened to run between the write and the writer's time stamp arrives "early".
    const latency = Math.max(0, got - at);
    latencies.set(format, [...(latencies.get(format) ?? []), latency]);
    if (latency > TARGET_MS) {
      late.push(`${key} after ${latency} ms`);
    }
  }
  // Every point must arrive (the caller's wait bounds that at TARGET_MS + 2 s); the 1 s target is held
  // by the median of each format, so one slow poll on a loaded CI machine does not fail the suite while a
  // reader that is slow on every write still does. The figures are printed either way.
  const slow: string[] = [];
  for (const [format, values] of [...latencies].sort()) {
    const sorted = [...values].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    console.log(
      `${label} ${format.padEnd(14)} latency median ${median} ms, max ${sorted.at(-1)} ms (target ${TARGET_MS} ms)`,
    );
    if (median > TARGET_MS) {
      slow.push(`${format}: median ${median} ms`);
    }
  }
  if (late.length > 0) {
    console.log(`${label} points later than ${TARGET_MS} ms: ${late.join(', ')}`);
  }
  assert.deepEqual(slow, [], `${label}: the median point of every format arrives within ${TARGET_MS} ms`);
}

describe('live tailing while a training process writes', () => {
  it('the metrics worker delivers every appended point of every format within 1 s', async () => {
    const dir = makeWorkspace();
    const client = new MetricsWorkerClient();
    const arrived = new Map<string, number>();
    const warnings: string[] = [];
    try {
      const { sources } = await client.discoverImportedRuns(dir);
      assert.deepEqual(sources.map(labelOf).sort(), FORMATS);
      const initial = new Set<string>();
      const sub = client.watch(sources, (u: WatchUpdate) => {
        const now = Date.now();
        if (u.initial) {
          initial.add(u.source.path);
        }
        warnings.push(...u.result.warnings.map((w) => `${w.file}:${w.line ?? w.offset}: ${w.message}`));
        for (const run of u.result.runs) {
          for (const points of run.metrics.values()) {
            for (const p of points) {
              const key = `${labelOf(u.source)}:${p.step}`;
              if (!arrived.has(key)) {
                arrived.set(key, now);
              }
            }
          }
        }
      });
      await waitFor(() => initial.size === sources.length, 10_000);
      assert.equal(initial.size, sources.length, 'initial reads of every source');

      const written = await runWriter(dir);
      await waitFor(() => [...written.keys()].every((k) => arrived.has(k)), TARGET_MS + 2000);
      sub.dispose();
      assert.deepEqual(warnings, [], 'partial records are never reported as corruption');
      assertLatencies('[worker]', written, arrived);
    } finally {
      client.dispose();
    }
  });

  it('`xlens import <dir> --watch --json` prints every appended point of every format within 1 s', async () => {
    const dir = makeWorkspace();
    const entry = resolveEntrypoint('cli');
    const cli = spawn(
      process.execPath,
      [...entry.execArgv, entry.script, 'import', dir, '--watch', '--json'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const arrived = new Map<string, number>();
    let listed = false;
    let stderr = '';
    cli.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    createInterface({ input: cli.stdout }).on('line', (line) => {
      if (line.startsWith('{"source"')) {
        const now = Date.now();
        const { source, points } = JSON.parse(line) as { source: SourceSpec; points: { step: number }[] };
        for (const p of points) {
          const key = `${labelOf(source)}:${p.step}`;
          if (!arrived.has(key)) {
            arrived.set(key, now);
          }
        }
      } else if (line.startsWith('}')) {
        listed = true;
      }
    });
    try {
      await waitFor(() => listed && stderr.includes('Watching'), 20_000);
      assert.ok(listed, `the listing was printed first (stderr: ${stderr})`);
      assert.match(stderr, new RegExp(`Watching ${FORMATS.length} sources`));
      const written = await runWriter(dir);
      await waitFor(() => [...written.keys()].every((k) => arrived.has(k)), TARGET_MS + 2000);
      assert.doesNotMatch(stderr, /warning/, 'no warnings while tailing');
      assertLatencies('[cli]', written, arrived);
    } finally {
      cli.kill('SIGINT');
    }
  });
});
