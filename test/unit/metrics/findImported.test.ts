import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runLabel } from '../../../src/cli/commands/import';
import { describeImportedRun } from '../../../src/cli/commands/show';
import { main } from '../../../src/cli/main';
import { UserInputError } from '../../../src/core/base/errors';
import { discoverImportedRuns } from '../../../src/core/metrics/discovery/discovery';
import { findImportedRun, pickImportedRun } from '../../../src/core/metrics/discovery/findImported';
import { tempDir } from '../../helpers/gitRepo';

const FIXTURES = join(__dirname, '../../fixtures');

function workspace(): string {
  const ws = tempDir('xlens-find-imported-');
  cpSync(join(FIXTURES, 'mlflow/DiegoFabianTondo__DS20_DeepLearning/mlruns'), join(ws, 'mlruns'), {
    recursive: true,
  });
  cpSync(join(FIXTURES, 'tensorboard/ZeroToMax-ZYZ__study_tensorboard/runs'), join(ws, 'runs'), {
    recursive: true,
  });
  cpSync(join(FIXTURES, 'keras_csv/AmineEchraibi__BrainCNN/training.log'), join(ws, 'logs/training.log'));
  return ws;
}

describe('finding an imported run by what the user types', () => {
  it('matches key, id, name, path and unique prefixes; undefined when nothing matches', async () => {
    const ws = workspace();
    const { runs } = await discoverImportedRuns(ws);
    const mlflow = runs.find((r) => r.format === 'mlflow')!;
    assert.match(mlflow.id, /^[0-9a-f]{32}$/);
    for (const ref of [mlflow.key, mlflow.id, mlflow.id.slice(0, 8)]) {
      assert.equal((await findImportedRun(ws, ref))?.key, mlflow.key, ref);
    }
    const keras = await findImportedRun(ws, 'logs/training.log');
    assert.equal(keras?.format, 'keras-csv');
    assert.deepEqual(
      keras?.metrics.map((m) => [m.name, m.points]),
      [
        ['acc', 25],
        ['loss', 25],
      ],
    );
    // The add_hparams sub-folder below it is part of the run, not a run of its own.
    const exp1 = pickImportedRun(runs, 'runs/hparams_search_exp_1');
    assert.equal(exp1?.name, 'runs/hparams_search_exp_1');
    assert.equal(pickImportedRun(runs, 'runs/hparams_search_exp_1/17'), undefined);
    assert.equal(pickImportedRun(runs, 'no-such-run'), undefined);
  });

  it('names every candidate when a prefix is ambiguous', async () => {
    const ws = workspace();
    const { runs } = await discoverImportedRuns(ws);
    assert.throws(
      () => pickImportedRun(runs, 'runs/hparams_search_exp_'),
      (error: unknown) =>
        error instanceof UserInputError &&
        /matches 3 imported runs/.test(error.message) &&
        error.message.includes('runs/hparams_search_exp_3'),
    );
  });

  it('describes an imported run: source, status, commit, params and metrics', async () => {
    const ws = workspace();
    const run = (await discoverImportedRuns(ws)).runs.find((r) => r.format === 'mlflow')!;
    const text = describeImportedRun(run);
    assert.match(text, new RegExp(`^(imported|id): +.*${run.id}`, 'm'));
    assert.match(text, /^source: +.*mlruns$/m);
    assert.match(text, new RegExp(`^git: +${run.gitCommit}$`, 'm'));
    for (const m of run.metrics) {
      assert.match(
        text,
        new RegExp(`^ +${m.name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} .* ${m.points}$`, 'm'),
      );
    }
  });
});

describe('xlens import --watch', () => {
  it('names TensorBoard runs by their folder, never `.`', () => {
    const tb = (path: string): { format: 'tensorboard'; path: string } => ({ format: 'tensorboard', path });
    assert.equal(runLabel('/w', tb('/w/wt/run1'), '.'), 'wt/run1');
    assert.equal(runLabel('/w/wt/run1', tb('/w/wt/run1'), '.'), 'run1');
    assert.equal(runLabel('/w', tb('/w/logs'), '1771595857.32'), 'logs/1771595857.32');
    assert.equal(runLabel('/w', { format: 'mlflow', path: '/w/mlruns' }, 'abc'), 'abc');
  });

  it('says it stopped watching (no task) when cancelled', async () => {
    const ws = workspace();
    const controller = new AbortController();
    let err = '';
    const stream = (append: (s: string) => void): NodeJS.WritableStream =>
      ({ write: (chunk: string) => (append(String(chunk)), true) }) as unknown as NodeJS.WritableStream;
    const done = main(['import', 'logs', '--watch'], {
      cwd: ws,
      stdout: stream(() => undefined),
      stderr: stream((s) => {
        err += s;
        if (s.startsWith('Watching')) {
          controller.abort(new Error('received SIGINT'));
        }
      }),
      env: process.env,
      signal: controller.signal,
    });
    assert.equal(await done, 0);
    assert.match(err, /^Watching 1 source;/m);
    assert.match(err, /^Stopped watching; the logs are unchanged\.$/m);
    assert.doesNotMatch(err, /task/);
  });
});
