/**
 * `xlens run` following a TensorBoard logdir into which tensorboardX's `add_hparams` writes a new
 * time-named sub-folder on every training (the real files of test/fixtures/tensorboardx, written by
 * tensorboardX 2.6.5, copied in by the task while it runs): every run gets the same metric names.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { loadProjectOrThrow } from '../../../src/core/config/load';
import { TaskRunner } from '../../../src/core/runner/taskRunner';
import { RunStore } from '../../../src/core/runs/store';
import { tempDir, writeFiles } from '../../helpers/gitRepo';

const FIXTURE = resolve(__dirname, '../../fixtures/tensorboardx');

/** Copies one tensorboardX run (its events, then its add_hparams sub-folder) into runs/, as the training writes them. */
const TASK = `
const fs = require('fs');
const path = require('path');
const from = process.argv[2];
fs.mkdirSync('runs', { recursive: true });
for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
  if (entry.isFile()) fs.copyFileSync(path.join(from, entry.name), path.join('runs', entry.name + '.' + process.env.XLENS_RUN_ID));
}
for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
  if (entry.isDirectory()) fs.cpSync(path.join(from, entry.name), path.join('runs', entry.name), { recursive: true });
}
`;

describe('xlens run: a TensorBoard source with add_hparams sub-folders', () => {
  it('takes the hparam metrics under their own names, the same in every run', async () => {
    const expected = JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8')) as Record<
      string,
      { scalars: Record<string, [number, number][]> }
    >;
    const root = tempDir();
    writeFiles(root, {
      'task.js': TASK,
      'xlens.yaml': [
        'tasks:',
        '  train:',
        '    run: node task.js',
        '    metrics:',
        '      - tensorboard: runs/',
        '',
      ].join('\n'),
    });
    const project = await loadProjectOrThrow(root);
    const store = new RunStore(root);
    const runner = new TaskRunner(project, store, { pollIntervalMs: 50 });
    for (const folder of Object.keys(expected)) {
      const run = await runner.run('train', { extraArgs: [join(FIXTURE, folder)] });
      assert.equal(run.status, 'succeeded', run.error);
      const want = expected[folder].scalars;
      assert.deepEqual(Object.keys(run.metrics).sort(), Object.keys(want).sort(), folder);
      for (const [name, points] of Object.entries(want)) {
        assert.equal(run.metrics[name].count, points.length, `${folder} ${name}`);
        assert.equal(run.metrics[name].last, points.at(-1)![1], `${folder} ${name}`);
      }
      assert.deepEqual(run.warnings ?? [], []);
    }
    assert.equal(
      readdirSync(join(root, 'runs')).filter((n) => /^\d+\.\d+$/.test(n)).length,
      2,
      'two sessions written',
    );
  });
});
