import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { loadProjectOrThrow } from '../../../src/core/config/load';
import { TaskRunner } from '../../../src/core/runner/taskRunner';
import { RunStore } from '../../../src/core/runs/store';
import type { RunRecord } from '../../../src/core/runs/types';
import { tempDir, writeFiles } from '../../helpers/gitRepo';

const TB = resolve(__dirname, '../../fixtures/tensorboard/ZeroToMax-ZYZ__study_tensorboard/runs');
/** 50 scalars `Train/Loss`, steps 0..49, last 0.026935720816254616 (see the fixture's expected.json). */
const TB_NEW = join(TB, 'experiment_lr_0.1/events.out.tfevents.1771594954.zyzkings.14144.0');
/** Same tag, other values: an earlier run's events that must be left out. */
const TB_OLD = join(TB, 'experiment_lr_0.001/events.out.tfevents.1771594954.zyzkings.14144.2');

/** The task: writes a Keras CSV row by row, JSONL lines and a TensorBoard event file in two pieces. */
const TASK = `
const fs = require('fs');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  fs.writeFileSync('history.csv', 'epoch,accuracy,loss,val_loss\\n'); // truncates the old log
  const rows = ['0,0.5,1.0,1.1', '1,0.6,0.8,0.9', '2,0.7,0.6,NA', '3,0.75,abc,0.6', '4,0.8,0.4,0.5'];
  fs.mkdirSync('logs', { recursive: true });
  fs.mkdirSync('tb/new', { recursive: true });
  const events = fs.readFileSync(process.argv[2]);
  const tbFile = 'tb/new/' + require('path').basename(process.argv[2]);
  for (let i = 0; i < rows.length; i++) {
    if (i === rows.length - 1) {
      fs.appendFileSync(tbFile, events.subarray(1000)); // the rest, right before the end
    }
    fs.appendFileSync('history.csv', rows[i] + '\\n');
    if (i < 3) {
      fs.appendFileSync('logs/extra.jsonl', i === 1 ? '{"step": 1, "values": {"lr": NaN}}\\n' : JSON.stringify({ step: i, time: 1764000000000 + i, values: { lr: 0.1 / (i + 1) } }) + '\\n');
    }
    if (i === 1) {
      fs.writeFileSync(tbFile, events.subarray(0, 1000)); // cut inside a record
    }
    if (i < rows.length - 1) await sleep(150);
  }
})();
`;

function metricLines(
  store: RunStore,
  run: RunRecord,
): { step: number; time: number; values: Record<string, number> }[] {
  return readFileSync(store.file(run.id, 'metrics'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { step: number; time: number; values: Record<string, number> });
}

describe('metrics: file sources of a task', () => {
  it('takes the points a real process writes to a Keras CSV, a JSONL file and a TensorBoard logdir', async () => {
    const root = tempDir();
    writeFiles(root, {
      'sub/task.js': TASK,
      // Left by an earlier run: the task rewrites it; its rows must not reach this run.
      'sub/history.csv': 'epoch,accuracy,loss,val_loss\n0,0.1,9.0,9.1\n1,0.2,8.0,8.1\n2,0.3,7.0,7.1\n',
      'xlens.yaml': [
        'tasks:',
        '  t:',
        `    run: node task.js ${JSON.stringify(TB_NEW)}`,
        '    cwd: sub',
        '    metrics:',
        '      - csv: history.csv',
        '      - jsonl: logs/extra.jsonl',
        '      - tensorboard: tb/',
        '      - tensorboard: missing/',
        '',
      ].join('\n'),
    });
    mkdirSync(join(root, 'sub/tb/old'), { recursive: true });
    cpSync(TB_OLD, join(root, 'sub/tb/old/events.out.tfevents.1.old.0'));
    const project = await loadProjectOrThrow(root);
    const store = new RunStore(root);
    const runner = new TaskRunner(project, store, { pollIntervalMs: 50 });
    const run = await runner.run('t');
    assert.equal(run.status, 'succeeded', run.error);

    // Keras CSV: steps are epochs; NA is missing; a bad cell is a warning naming the source and line.
    assert.deepEqual(run.metrics.loss, { last: 0.4, lastStep: 4, min: 0.4, max: 1, bestStep: 4, count: 4 });
    assert.deepEqual(run.metrics.val_loss, {
      last: 0.5,
      lastStep: 4,
      min: 0.5,
      max: 1.1,
      bestStep: 4,
      count: 4,
    });
    assert.equal(run.metrics.accuracy?.count, 5);
    assert.ok(
      run.warnings?.some((w) =>
        /^metrics source csv: history\.csv:5: column "loss": "abc" is not a finite number/.test(w),
      ),
      run.warnings?.join('\n'),
    );
    // JSONL: the protocol's checks, the source named.
    assert.deepEqual(run.metrics.lr, {
      last: 0.1 / 3,
      lastStep: 2,
      min: 0.1 / 3,
      max: 0.1,
      bestStep: 0, // lr is not loss-like: its best is its largest
      count: 2,
      nonFinite: 1, // the NaN of line 2, kept as the protocol keeps it
    });
    assert.ok(
      run.warnings?.some((w) => /^metrics source jsonl: logs\/extra\.jsonl:2: non-finite value NaN/.test(w)),
    );
    // TensorBoard: all 50 scalars of the file copied during the run (the end after the last poll);
    // the earlier run's folder is left out.
    assert.deepEqual(run.metrics['Train/Loss'], {
      last: 0.026935720816254616,
      lastStep: 49,
      min: run.metrics['Train/Loss']?.min,
      max: run.metrics['Train/Loss']?.max,
      bestStep: run.metrics['Train/Loss']?.bestStep,
      count: 50,
    });
    assert.equal(Object.keys(run.metrics).filter((k) => k.includes('Train/Loss')).length, 1);
    // A source the task never wrote: one warning, at the end.
    const missing = run.warnings?.filter((w) => w.startsWith('metrics source tensorboard: missing/')) ?? [];
    assert.equal(missing.length, 1);
    assert.match(
      missing[0],
      /^metrics source tensorboard: missing\/ was not found — the task wrote no TensorBoard events there/,
    );

    // metrics.jsonl: a CSV row is one line; JSONL times are kept; everything summarised is there.
    const lines = metricLines(store, run);
    const row0 = lines.find((l) => 'accuracy' in l.values && l.step === 0);
    assert.deepEqual(row0?.values, { accuracy: 0.5, loss: 1, val_loss: 1.1 });
    const lr = lines.filter((l) => 'lr' in l.values);
    assert.deepEqual(
      lr.map((l) => [l.step, l.values.lr]),
      [
        [0, 0.1],
        [1, null],
        [2, 0.1 / 3],
      ],
      'the non-finite value written as null',
    );
    assert.deepEqual([lr[0].time, lr[2].time], [1764000000000, 1764000000002]);
    assert.equal(lines.filter((l) => 'Train/Loss' in l.values).length, 50);
    assert.ok(!lines.some((l) => l.values.loss === 9 || l.values.loss === 8), 'old CSV rows left out');
    assert.deepEqual(await store.read(run.id), run);
  });

  it('reads what the task wrote right before it exited (the final read), and says which sources gave nothing', async () => {
    const root = tempDir();
    const dvclive = resolve(__dirname, '../../fixtures/dvclive/CaroCardozo__example-dvc-experiments/dvclive');
    const mlruns = resolve(__dirname, '../../fixtures/mlflow/AlsonYang__study-pytorch/mlruns');
    writeFiles(root, {
      'task.js': [
        "const fs = require('fs');",
        'const [dvclive, events] = process.argv.slice(2);',
        "fs.cpSync(dvclive, 'out/dvclive', { recursive: true });",
        "fs.mkdirSync('tb');",
        "fs.copyFileSync(events, 'tb/events.out.tfevents.2.new.0');",
        "fs.writeFileSync('log.csv', 'epoch;loss\\n0;0.5\\n1;0.25\\n');",
        // The last line without its newline.
        `fs.writeFileSync('m.jsonl', '{"step":0,"values":{"f1":0.5}}\\n{"step":1,"values":{"f1":0.7}}');`,
      ].join('\n'),
      'xlens.yaml': [
        'tasks:',
        '  t:',
        `    run: node task.js ${JSON.stringify(dvclive)} ${JSON.stringify(TB_NEW)}`,
        '    metrics:',
        '      - dvclive: out/dvclive',
        '      - tensorboard: tb',
        '      - csv: log.csv',
        '      - jsonl: m.jsonl',
        '      - mlflow: mlruns',
        '',
      ].join('\n'),
    });
    cpSync(mlruns, join(root, 'mlruns'), { recursive: true });
    const project = await loadProjectOrThrow(root);
    const store = new RunStore(root);
    // No poll while the task runs: every point below comes from the read after it exited.
    const runner = new TaskRunner(project, store, { pollIntervalMs: 600_000 });
    const run = await runner.run('t');
    assert.equal(run.status, 'succeeded', run.error);
    assert.equal(run.metrics['train/loss']?.count, 10);
    assert.equal(run.metrics['train/loss']?.last, 0.03015276975929737);
    assert.equal(run.metrics['eval/acc']?.last, 0.9884999990463257);
    assert.equal(run.metrics['Train/Loss']?.count, 50);
    assert.deepEqual(run.metrics.f1, { last: 0.7, lastStep: 1, min: 0.5, max: 0.7, bestStep: 1, count: 2 });
    assert.deepEqual(run.metrics.loss, {
      last: 0.25,
      lastStep: 1,
      min: 0.25,
      max: 0.5,
      bestStep: 1,
      count: 2,
    });
    // The MLflow store was there before and did not change: nothing taken, and the run says so.
    assert.deepEqual(
      run.warnings?.filter((w) => w.startsWith('metrics source')),
      [
        run.warnings?.find((w) =>
          /^metrics source mlflow: mlruns got no new points during the run \(the \d+ points there before it started were left out\)$/.test(
            w,
          ),
        ),
      ],
    );
  });
});
