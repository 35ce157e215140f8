/**
 * `xlens run` following a Keras CSVLogger(append=True) log that earlier trainings already wrote to:
 * the run takes exactly the session its task appends (rows of the real Keras 3.15 log of
 * test/fixtures/keras/csv_append, appended row by row by the task while xlens follows the file).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { loadProjectOrThrow } from '../../../src/core/config/load';
import { TaskRunner } from '../../../src/core/runner/taskRunner';
import { RunStore } from '../../../src/core/runs/store';
import { tempDir, writeFiles } from '../../helpers/gitRepo';

const FIXTURE = resolve(__dirname, '../../fixtures/keras/csv_append');

/** Appends the rows given as JSON, one at a time, each once xlens has taken the previous one. */
const TASK = `
const fs = require('fs');
const path = require('path');
const rows = JSON.parse(fs.readFileSync('rows.json', 'utf8'));
const checked = path.join(process.env.XLENS_RUN_DIR, 'metrics.jsonl');
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const taken = (n) => fs.existsSync(checked) && fs.readFileSync(checked, 'utf8').split('\\n').filter(Boolean).length >= n;
rows.forEach((row, i) => {
  fs.appendFileSync('training_191017.log', row);
  const end = Date.now() + 15000;
  while (!taken(i + 1) && Date.now() < end) sleep(20);
});
`;

describe('xlens run: a Keras CSV log appended to by every training', () => {
  it('takes the appended session, epochs from 0, and none of the earlier sessions', async () => {
    const sessions = JSON.parse(readFileSync(join(FIXTURE, 'expected_sessions.json'), 'utf8')) as {
      epochs: number[];
      metrics: Record<string, number[]>;
    }[];
    const lines = readFileSync(join(FIXTURE, 'training_191017.log'), 'utf8').split(/(?<=\n)/);
    // One earlier training in the file: the task's session makes it two (the first one is renamed #1).
    const before = 1 + sessions[0].epochs.length;
    const after = before + sessions[1].epochs.length;
    const root = tempDir();
    writeFiles(root, {
      'task.js': TASK,
      'training_191017.log': lines.slice(0, before).join(''),
      'rows.json': JSON.stringify(lines.slice(before, after)),
      'xlens.yaml': [
        'tasks:',
        '  fit:',
        '    run: node task.js',
        '    metrics:',
        '      - csv: training_191017.log',
        '',
      ].join('\n'),
    });
    const runner = new TaskRunner(await loadProjectOrThrow(root), new RunStore(root), { pollIntervalMs: 50 });
    const run = await runner.run('fit');
    assert.equal(run.status, 'succeeded', run.error);
    assert.deepEqual(run.warnings ?? [], []);
    const want = sessions[1];
    const taken = readFileSync(join(root, '.xlens/runs', run.id, 'metrics.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { step: number; values: Record<string, number> });
    assert.deepEqual(
      taken.map((l) => l.step),
      want.epochs,
    );
    for (const [name, values] of Object.entries(want.metrics)) {
      assert.equal(run.metrics[name].count, values.length, name);
      taken.forEach((l, k) => assert.ok(Math.abs(l.values[name] - values[k]) < 1e-6, `${name}@${l.step}`));
    }
  });
});
