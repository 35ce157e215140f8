/**
 * The compare view opened from disk, as a user opens it: the runs' folders are written as the runner
 * writes them (`run.json` through the store, `metrics.jsonl` one `metricsFileLine` per step), then read
 * through the real path of the view: a {@link RunFollowers} lease per run (the follower's file tail and
 * the protocol parser), every lease's first read awaited, then the host's snapshot built from the
 * followers' records and series, as `comparePanel.ts` does.
 *
 * Baselines in the same run on the same files: reading the bytes of every `metrics.jsonl`, and reading
 * them, splitting the lines and `JSON.parse` of every line (the least any JSON reader does).
 * The files were just written, so they are read from the page cache (a warm open; a cold disk adds
 * its read time to every row alike).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { PerformanceObserver } from 'node:perf_hooks';
import { writeFile } from 'node:fs/promises';
import type { MetricColumns } from '../../src/core/metrics/metricColumns';
import { metricsFileLine } from '../../src/core/runs/metricsFile';
import { RunFollowers } from '../../src/core/runs/runFollowers';
import { RunStore } from '../../src/core/runs/store';
import { addLineToSummaries } from '../../src/core/runs/summaries';
import type { MetricSummary } from '../../src/core/runs/types';
import { buildCompareSnapshot, type ComparedRunState } from '../../src/features/compare/viewModel';
import { DEFAULT_COMPARE_OPTIONS, type CompareSnapshot } from '../../src/protocol/compare';
import { dict } from '../../src/shared/dict';

/** The runs' first line's time (Unix ms) and the time between steps. */
const T0 = Date.UTC(2026, 11, 6, 10);
const STEP_MS = 37;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * Memory in use after a full collection (what is retained), in MB: the JavaScript heap plus the
 * backing stores of array buffers (typed arrays' bytes live outside the heap).
 */
export function retainedHeapMB(): number {
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return (heapUsed + arrayBuffers) / 1e6;
}

/**
 * Writes one run folder per state under `<root>/.xlens/runs`: `run.json` (the state's params, task and
 * status, with summaries computed by the runner's summary code from the written points) and
 * `metrics.jsonl`. Runs whose series are the same arrays share the file's text (written once per run).
 * @returns the run ids in the states' order, and the bytes of metrics written.
 */
export async function writeRunFolders(
  root: string,
  states: readonly ComparedRunState<MetricColumns>[],
): Promise<{ ids: string[]; bytes: number }> {
  const store = new RunStore(root);
  const texts = new Map<string, { text: Buffer; summaries: Record<string, MetricSummary> }>();
  const keyIds = new Map<MetricColumns, number>();
  const ids: string[] = [];
  let bytes = 0;
  for (const state of states) {
    const series = [...state.series];
    const key = series
      .map(([, points]) => {
        if (!keyIds.has(points)) {
          keyIds.set(points, keyIds.size);
        }
        return keyIds.get(points);
      })
      .join(',');
    let file = texts.get(key);
    if (file === undefined) {
      file = metricsText(series);
      texts.set(key, file);
    }
    const { schema: _schema, id: _id, createdAt: _createdAt, ...fields } = state.record;
    const record = await store.create({ ...fields, metrics: file.summaries });
    await writeFile(store.file(record.id, 'metrics'), file.text);
    bytes += file.text.length;
    ids.push(record.id);
  }
  return { ids, bytes };
}

/** `metrics.jsonl` of series that share their steps, one line per step, and the run's summaries. */
function metricsText(series: [string, MetricColumns][]): {
  text: Buffer;
  summaries: Record<string, MetricSummary>;
} {
  const summaries = dict<MetricSummary>();
  const pending = new Map<string, number>();
  const lines: string[] = [];
  const length = series[0][1].length;
  for (let i = 0; i < length; i++) {
    const values = dict<number>();
    for (const [name, columns] of series) {
      values[name] = columns.values[i];
    }
    const step = series[0][1].steps[i];
    lines.push(metricsFileLine(step, T0 + step * STEP_MS, values));
    addLineToSummaries(summaries, step, values, [], pending);
  }
  return { text: Buffer.from(lines.join('')), summaries };
}

/** What opening the compare from disk took. */
export interface FromDisk {
  /** From the first lease to every lease's first read done, ms. */
  readMs: number;
  /** Of {@link readMs}, the time spent in garbage collection (pauses on the main thread), ms. */
  readGcMs: number;
  /** The host's snapshot from the followers' records and series, ms. */
  snapshotMs: number;
  /** Heap retained with the runs read (after a full collection), MB; includes the bench's own data. */
  heapMB: number;
  /** Points read, over every run and metric. */
  points: number;
  snapshot: CompareSnapshot;
}

/** Opens the runs as the compare view does: leases, first reads, then the snapshot. */
export async function openFromDisk(root: string, ids: readonly string[]): Promise<FromDisk> {
  const followers = new RunFollowers(new RunStore(root).runsDir);
  try {
    let readGcMs = 0;
    const collections = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        readGcMs += entry.duration;
      }
    });
    collections.observe({ entryTypes: ['gc'] });
    const started = performance.now();
    const leases = ids.map((id) => followers.follow(id));
    await Promise.all(leases.map((l) => l.ready));
    const readMs = performance.now() - started;
    collections.disconnect();
    const states: ComparedRunState[] = [];
    for (const lease of leases) {
      const record = lease.follower.liveRecord;
      if (record === undefined || lease.follower.warnings.length > 0) {
        throw new Error(`run ${lease.follower.runDir} was not read: ${lease.follower.warnings.join('; ')}`);
      }
      // The compare view reads a run of the store's columns (features/compare/comparedRuns.ts).
      states.push({ record, series: lease.follower.columns });
    }
    const before = performance.now();
    const snapshot = buildCompareSnapshot(states, DEFAULT_COMPARE_OPTIONS);
    const snapshotMs = performance.now() - before;
    let points = 0;
    for (const state of states) {
      for (const series of state.series.values()) {
        points += series.length;
      }
    }
    const heapMB = retainedHeapMB();
    return { readMs, readGcMs, snapshotMs, heapMB, points, snapshot };
  } finally {
    followers.dispose();
  }
}

/** Baseline: the bytes of every run's `metrics.jsonl`, read concurrently; ms. */
export async function readBytes(root: string, ids: readonly string[]): Promise<number> {
  const store = new RunStore(root);
  const started = performance.now();
  await Promise.all(ids.map((id) => readFile(store.file(id, 'metrics'))));
  return performance.now() - started;
}

/**
 * Baseline: every run's `metrics.jsonl` read, decoded, split into lines and each line given to
 * `JSON.parse` (nothing kept), one run after another; ms.
 */
export async function readAndParse(root: string, ids: readonly string[]): Promise<number> {
  const store = new RunStore(root);
  const started = performance.now();
  let lines = 0;
  for (const id of ids) {
    const text = await readFile(store.file(id, 'metrics'), 'utf8');
    for (const line of text.split('\n')) {
      if (line.length > 0) {
        lines += (JSON.parse(line) as { step: number }).step >= 0 ? 1 : 0;
      }
    }
  }
  if (lines === 0) {
    throw new Error('no lines parsed');
  }
  return performance.now() - started;
}

/** The root of a workspace with the bench's runs under `dir`. */
export function workspaceIn(dir: string): string {
  return join(dir, 'workspace');
}
