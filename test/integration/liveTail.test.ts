/**
 * Acceptance of live tailing: a real child process appends to a log of every format while the
 * metrics worker (the path the extension uses) and `xlens import --watch` watch; every new point must
 * arrive. The target is 1 s from write to arrival; the assertion allows 3 s so a loaded CI machine
 * does not make the test flaky, and the measured latencies are printed.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { resolveEntrypoint } from '../../src/core/base/entrypoints';
import type { SourceSpec } from '../../src/core/metrics/readers';
import { eventRecord, fileVersionEvent, scalarEvent } from '../../src/core/metrics/tensorboard/eventWriter';
import type { WatchUpdate } from '../../src/core/metrics/watch';
import { MetricsWorkerClient } from '../../src/core/metrics/workerClient';
import { tempDir } from '../helpers/gitRepo';
import { LIVE_FILES } from './liveTailWriter';

const ROUNDS = 8;
const INTERVAL_MS = 250;
const ALLOWED_MS = 3000;
const TARGET_MS = 1000;

/** A workspace with one log of each format holding step 0, as a training process leaves it after its first step. */
function makeWorkspace(): string {
  const dir = tempDir('xlens-live-');
  const file = (f: keyof typeof LIVE_FILES): string => {
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
  return dir;
}

/** Starts the writer child; resolves with the write time of each `format:step` when it exits. */
function runWriter(dir: string): Promise<Map<string, number>> {
  const entry = resolveEntrypoint('cli');
  const child = spawn(
    process.execPath,
    [...entry.execArgv, join(__dirname, 'liveTailWriter.ts'), dir, String(ROUNDS), String(INTERVAL_MS)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
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

function report(label: string, latencies: Map<string, number[]>): void {
  for (const [format, values] of latencies) {
    const sorted = [...values].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    const max = sorted[sorted.length - 1];
    console.log(
      `${label} ${format.padEnd(14)} latency median ${median} ms, max ${max} ms (target ${TARGET_MS} ms) ${max <= TARGET_MS ? 'met' : 'MISSED'}`,
    );
  }
}

describe('live tailing while a training process writes', () => {
  it('the metrics worker delivers every appended point of every format', async () => {
    const dir = makeWorkspace();
    const client = new MetricsWorkerClient();
    const arrived = new Map<string, number>();
    const warnings: string[] = [];
    try {
      const sources: SourceSpec[] = [
        ...(await client.discoverSources(dir)),
        { format: 'jsonl', path: join(dir, LIVE_FILES.jsonl) },
      ];
      assert.deepEqual(sources.map((s) => s.format).sort(), [
        'dvclive',
        'jsonl',
        'keras-csv',
        'lightning-csv',
        'mlflow',
        'tensorboard',
      ]);
      const initial = new Set<string>();
      const sub = client.watch(sources, (u: WatchUpdate) => {
        const now = Date.now();
        if (u.initial) {
          initial.add(u.source.format);
        }
        warnings.push(...u.result.warnings.map((w) => `${w.file}:${w.line ?? w.offset}: ${w.message}`));
        for (const run of u.result.runs) {
          for (const points of run.metrics.values()) {
            for (const p of points) {
              const key = `${u.source.format}:${p.step}`;
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
      assert.equal(written.size, ROUNDS * 6);
      await waitFor(() => [...written.keys()].every((k) => arrived.has(k)), ALLOWED_MS + 1000);
      sub.dispose();

      assert.deepEqual(warnings, [], 'partial lines are never reported as corruption');
      const latencies = new Map<string, number[]>();
      for (const [key, at] of written) {
        const got = arrived.get(key);
        assert.ok(
          got !== undefined,
          `${key} never arrived (arrived: ${[...arrived.keys()].filter((k) => k.startsWith(key.split(':')[0])).join(' ')})`,
        );
        const latency = Math.max(0, got - at);
        assert.ok(latency <= ALLOWED_MS, `${key} arrived after ${latency} ms`);
        const format = key.split(':')[0];
        latencies.set(format, [...(latencies.get(format) ?? []), latency]);
      }
      report('[worker]', latencies);
    } finally {
      client.dispose();
    }
  });

  it('`xlens import <dir> --watch --json` prints points appended while it watches', async () => {
    const dir = makeWorkspace();
    const entry = resolveEntrypoint('cli');
    const cli = spawn(
      process.execPath,
      [...entry.execArgv, entry.script, 'import', dir, '--watch', '--json'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const seen = new Map<string, number>();
    let listed = false;
    let stderr = '';
    cli.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    createInterface({ input: cli.stdout }).on('line', (line) => {
      if (line.startsWith('{"source"')) {
        const { source, points } = JSON.parse(line) as { source: SourceSpec; points: { step: number }[] };
        for (const p of points) {
          seen.set(`${source.format}:${p.step}`, Date.now());
        }
      } else if (line.startsWith('}')) {
        listed = true;
      }
    });
    try {
      await waitFor(() => listed && stderr.includes('Watching'), 20_000);
      assert.ok(listed, `the listing was printed first (stderr: ${stderr})`);
      const at = Date.now();
      appendFileSync(join(dir, LIVE_FILES['keras-csv']), '1,0.5\n');
      appendFileSync(join(dir, LIVE_FILES.mlflow), `${Date.now()} 0.5 1\n`);
      appendFileSync(join(dir, LIVE_FILES['lightning-csv']), '1,1,0.5\n');
      await waitFor(
        () => ['keras-csv:1', 'mlflow:1', 'lightning-csv:1'].every((k) => seen.has(k)),
        ALLOWED_MS,
      );
      for (const key of ['keras-csv:1', 'mlflow:1', 'lightning-csv:1']) {
        assert.ok(seen.has(key), `${key} printed by xlens import --watch`);
      }
      const latency = Math.max(
        ...['keras-csv:1', 'mlflow:1', 'lightning-csv:1'].map((k) => seen.get(k)! - at),
      );
      console.log(
        `[cli] xlens import --watch printed new points ${latency} ms after the writes (target ${TARGET_MS} ms)`,
      );
    } finally {
      cli.kill('SIGINT');
    }
  });
});
