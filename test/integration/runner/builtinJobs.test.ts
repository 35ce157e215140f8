/**
 * The built-in TensorFlow.js jobs through the TaskRunner, as `xlens run` starts them: a temp git
 * repository holding the real penguins example, the trainer as a real child process.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { loadProjectOrThrow } from '../../../src/core/config/load';
import { TaskRunner } from '../../../src/core/runner/taskRunner';
import { RunStore } from '../../../src/core/runs/store';
import type { RunRecord } from '../../../src/core/runs/types';
import { gitIn, makeRepo, writeFiles } from '../../helpers/gitRepo';

const example = resolve(__dirname, '../../../examples/penguins');

async function penguinsWorkspace(config: string, files: Record<string, string> = {}) {
  const root = makeRepo({ 'README.md': 'penguins\n' });
  cpSync(join(example, 'data'), join(root, 'data'), { recursive: true });
  writeFiles(root, { 'xlens.yaml': config, ...files });
  gitIn(root, ['add', '-A']);
  gitIn(root, ['commit', '-q', '-m', 'penguins']);
  const project = await loadProjectOrThrow(root);
  const store = new RunStore(root);
  return { root, store, runner: new TaskRunner(project, store, { killGraceMs: 500, pollIntervalMs: 50 }) };
}

function lines(file: string): { step: number; values: Record<string, number> }[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { step: number; values: Record<string, number> });
}

const TRAIN = (epochs: number) =>
  [
    'tasks:',
    '  train:',
    '    kind: tfjs-train',
    '    data: data/penguins.csv',
    '    target: species',
    '    model: { layers: [{ dense: 16, activation: relu }] }',
    `    epochs: ${epochs}`,
    '    batch_size: 16',
    '    optimizer: { adam: { learning_rate: 0.01 } }',
    '  eval:',
    '    kind: tfjs-eval',
    '    model: ${runs.train.latest}/artifacts/model',
    '    data: data/penguins-holdout.csv',
    '',
  ].join('\n');

describe('built-in jobs through the runner (real penguins data)', () => {
  it('trains, then evaluates the latest training run, both tracked against git', async () => {
    const { root, store, runner } = await penguinsWorkspace(TRAIN(8));
    const train = await runner.run('train', { overrides: { epochs: 6 } });
    assert.equal(train.status, 'succeeded', train.error);
    assert.equal(train.git.commit, gitIn(root, ['rev-parse', 'HEAD']));
    assert.equal(train.params.epochs, 6);
    assert.deepEqual(train.paramSources, ['--set']);
    const epochLines = lines(store.file(train.id, 'metrics')).filter((l) => 'loss' in l.values);
    assert.deepEqual(
      epochLines.map((l) => l.step),
      [1, 2, 3, 4, 5, 6],
      'one line per epoch',
    );
    assert.equal(train.metrics.val_accuracy.count, 6);
    assert.ok(train.artifacts.some((a) => a.path === 'artifacts/model'));
    assert.equal(typeof train.info?.backend, 'string');
    assert.equal(train.data[0].path, 'data/penguins.csv');

    const evaluation = await runner.run('eval');
    assert.equal(evaluation.status, 'succeeded', evaluation.error);
    assert.match(evaluation.command, new RegExp(`${train.id}/artifacts/model`));
    assert.ok(Object.keys(evaluation.metrics).length > 0);
  });

  it("copies the trainer's warnings (info.json) into the run's warnings", async () => {
    // 20 rows, 20% for validation: 4 validation rows, below the 10 the trainer warns about.
    const rows = Array.from({ length: 20 }, (_, i) => `${i},${(i * 7) % 5},${i % 2 === 0 ? 'a' : 'b'}`);
    const { store, runner } = await penguinsWorkspace(
      [
        'tasks:',
        '  tiny:',
        '    kind: tfjs-train',
        '    data: tiny.csv',
        '    target: y',
        '    model: { layers: [{ dense: 4, activation: relu }] }',
        '    epochs: 1',
        '',
      ].join('\n'),
      { 'tiny.csv': `x1,x2,y\n${rows.join('\n')}\n` },
    );
    const run = await runner.run('tiny');
    assert.equal(run.status, 'succeeded', run.error);
    const info = JSON.parse(readFileSync(store.file(run.id, 'info'), 'utf8')) as { warnings: string[] };
    assert.ok(
      info.warnings.some((w) => /validation split has 4 rows/.test(w)),
      JSON.stringify(info),
    );
    for (const warning of info.warnings) {
      assert.equal(run.warnings?.filter((w) => w === warning).length, 1, warning);
    }
    assert.equal(run.warningCount, run.warnings?.length);
  });

  it('SIGKILL of the trainer: failed, signal recorded, every metric line written before the kill kept', async () => {
    const { store, runner } = await penguinsWorkspace(TRAIN(500));
    let running: RunRecord | undefined;
    let epochs = 0;
    runner.onDidChangeStatus((r) => {
      if (r.status === 'running') {
        running = r;
      }
    });
    const handle = await runner.start('train');
    const killed = new Promise<void>((done) =>
      runner.onMetric(() => {
        if (++epochs === 3) {
          process.kill(running!.pid!, 'SIGKILL');
          done();
        }
      }),
    );
    await killed;
    const run = await handle.done;
    assert.equal(run.status, 'failed');
    assert.equal(run.signal, 'SIGKILL');
    assert.equal(run.error, 'killed by signal SIGKILL');
    const written = lines(store.file(run.id, 'rawMetrics'));
    assert.ok(written.length >= 3);
    assert.deepEqual(
      lines(store.file(run.id, 'metrics')).map((l) => [l.step, l.values]),
      written.map((l) => [l.step, l.values]),
    );
    assert.equal(run.metrics.loss.count, written.length);
  });
});
