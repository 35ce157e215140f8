/**
 * The run sink shared by the local and the Slurm executions: a metrics protocol file written by a
 * task is followed into the run's record, its `metrics.jsonl` and the listeners, with bad lines named
 * by file and line in the run's warnings.
 */
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Emitter } from '../../../src/core/base/emitter';
import { RecordWriter } from '../../../src/core/runner/recordWriter';
import { RunSink } from '../../../src/core/runner/runSink';
import type { RunMetric, RunWarning } from '../../../src/core/runner/types';
import { RunStore } from '../../../src/core/runs/store';
import type { RunRecord } from '../../../src/core/runs/types';
import { tempDir, writeFiles } from '../../helpers/gitRepo';

async function until(check: () => boolean): Promise<void> {
  while (!check()) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A store in `root` holding one run, `running`. */
async function runningRun(root: string): Promise<{ store: RunStore; record: RunRecord }> {
  const store = new RunStore(root);
  const record = await store.create({
    task: 't',
    kind: 'command',
    status: 'running',
    command: 'true',
    cwd: root,
    git: { commit: null, branch: null, dirty: false, snapshot: null },
    params: {},
    data: [],
    metrics: {},
    artifacts: [],
  });
  return { store, record };
}

describe('RunSink', () => {
  it('follows the raw metrics file into the record, metrics.jsonl and listeners', async () => {
    const root = tempDir('xlens-sink-');
    writeFiles(root, { 'xlens.yaml': 'version: 1\ntasks:\n  t:\n    run: "true"\n' });
    const { store, record } = await runningRun(root);
    const writer = new RecordWriter(store, record, 10_000, () => undefined);
    writer.openMetrics(store.file(record.id, 'metrics'), (file, error) => assert.fail(`${file}: ${error}`));
    const metric = new Emitter<RunMetric>();
    const warning = new Emitter<RunWarning>();
    const told: RunMetric[] = [];
    const warned: RunWarning[] = [];
    metric.event((m) => told.push(m));
    warning.event((w) => warned.push(w));
    const sink = new RunSink(writer, { metric, warning });

    const tail = sink.followRawMetrics(store, 5);
    appendFileSync(
      store.file(record.id, 'rawMetrics'),
      '{"step":1,"values":{"loss":0.9}}\nnot json\n{"step":2,"time":1700000000000,"values":{"loss":0.4,"acc":0.8}}\n',
    );
    tail.start();
    await until(() => told.length === 2 && warned.length === 1);
    await tail.stop();
    await writer.closeMetrics();

    assert.deepEqual(
      told.map((m) => [m.runId, m.step, { ...m.values }]),
      [
        [record.id, 1, { loss: 0.9 }],
        [record.id, 2, { loss: 0.4, acc: 0.8 }],
      ],
    );
    assert.equal(told[1].time, 1700000000000);
    assert.match(warned[0].message, /^metrics\.raw\.jsonl:2: /);
    assert.equal(warned[0].runId, record.id);
    assert.equal(writer.record.metrics['loss']?.last, 0.4);
    assert.equal(writer.record.metrics['loss']?.min, 0.4);
    assert.equal(writer.record.metrics['acc']?.last, 0.8);
    assert.deepEqual(writer.record.warnings, [warned[0].message]);
    const lines = readFileSync(store.file(record.id, 'metrics'), 'utf8').trim().split('\n');
    assert.equal(lines.length, 2);
    assert.deepEqual(JSON.parse(lines[1]), {
      step: 2,
      time: 1700000000000,
      values: { loss: 0.4, acc: 0.8 },
    });
  });

  it('records a point with only non-finite values without telling listeners', async () => {
    const root = tempDir('xlens-sink-');
    const { store, record } = await runningRun(root);
    const writer = new RecordWriter(store, record, 10_000, () => undefined);
    const metric = new Emitter<RunMetric>();
    const told: RunMetric[] = [];
    metric.event((m) => told.push(m));
    const sink = new RunSink(writer, { metric, warning: new Emitter<RunWarning>() });
    sink.point(3, 5, {}, ['loss']);
    sink.point(4, 6, { loss: 1 });
    assert.deepEqual(
      told.map((m) => m.step),
      [4],
    );
    assert.equal(writer.record.metrics['loss']?.last, 1);
  });
});
