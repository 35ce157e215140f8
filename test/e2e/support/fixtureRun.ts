/**
 * Runs recorded through the real run store (`RunStore.create`), with a metrics series written in the
 * metrics protocol, for tests that need a run of a given shape without training one (e.g. the
 * 10 metrics × 100,000 steps dashboard measurement).
 */
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { RunStore } from '../../../src/core/runs/store';
import type { GitInfo, RunRecord } from '../../../src/core/runs/types';

export interface FixtureRunOptions {
  task: string;
  git: GitInfo;
  /** Metric names; each gets a loss-like curve (offset by its index). */
  metrics: string[];
  steps: number;
  params?: RunRecord['params'];
  info?: Record<string, unknown>;
}

/** A deterministic loss-like curve with wiggles, so downsampling has features to keep. */
export function fixtureValue(metricIndex: number, step: number, steps: number): number {
  const t = step / Math.max(1, steps - 1);
  return Math.exp(-3 * t) + 0.05 * metricIndex + 0.02 * Math.sin(step / 37) + 0.01 * Math.sin(step * 1.7);
}

/** Creates a succeeded run in `<root>/.xlens/runs` and returns its record. */
export async function writeFixtureRun(root: string, options: FixtureRunOptions): Promise<RunRecord> {
  const store = new RunStore(root);
  const started = new Date(Date.now() - 60_000);
  const record = await store.create({
    task: options.task,
    kind: 'command',
    status: 'running',
    startedAt: started.toISOString(),
    command: `fixture: ${options.metrics.length} metrics × ${options.steps} steps`,
    cwd: root,
    git: options.git,
    params: options.params ?? {},
    // The writing process supervises the run while it writes, so an editor watching the store sees a live
    // run (its reconcile would otherwise record a supervisor-less running run as failed).
    pid: process.pid,
    supervisorPid: process.pid,
    data: [],
    metrics: {},
    artifacts: [],
    info: options.info,
  });
  const out = createWriteStream(store.file(record.id, 'metrics'));
  const batch: string[] = [];
  for (let step = 0; step < options.steps; step++) {
    const values: Record<string, number> = {};
    options.metrics.forEach((name, i) => (values[name] = fixtureValue(i, step, options.steps)));
    batch.push(JSON.stringify({ step, time: started.getTime() + step, values }));
    if (batch.length === 5000) {
      out.write(`${batch.join('\n')}\n`);
      batch.length = 0;
    }
  }
  out.write(batch.length > 0 ? `${batch.join('\n')}\n` : '');
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  await writeFile(store.file(record.id, 'output'), `fixture run of ${options.steps} steps\ndone\n`);
  const ended = new Date();
  const final: RunRecord = {
    ...record,
    status: 'succeeded',
    exitCode: 0,
    endedAt: ended.toISOString(),
    durationMs: ended.getTime() - started.getTime(),
    metrics: await store.summarize(record.id),
  };
  await store.write(final);
  return final;
}
