/**
 * Protects: a non-finite value (NaN, ±Infinity: a diverged training) logged to any file source of a
 * task — MLflow, TensorBoard, DVCLive, `jsonl:` — is recorded as the metrics protocol records it:
 * `null` in `metrics.jsonl`, counted in the summary's `nonFinite`; a metric that only ever diverged
 * still has a summary and is listed by `xlens show`. The logs are copies of real ones
 * (test/fixtures), to which the task appends what each tool writes for such values.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { loadProjectOrThrow } from '../../../src/core/config/load';
import { eventRecord, scalarEvent } from '../../../src/core/metrics/tensorboard/eventWriter';
import { TaskRunner } from '../../../src/core/runner/taskRunner';
import { RunStore } from '../../../src/core/runs/store';
import { tempDir, writeFiles } from '../../helpers/gitRepo';
import { xlensInProcess } from '../../helpers/xlensProcess';

const FIXTURES = resolve(__dirname, '../../fixtures');
const MLRUNS = join(FIXTURES, 'mlflow/DiegoFabianTondo__DS20_DeepLearning/mlruns');
const MLFLOW_RUN = '1/cf0d0697f8ab462a80a30d4c8b0b3c2a'; // the store's active run
const TB_RUN = join(
  FIXTURES,
  'tensorboard/brianjsl__ndf_mnist/runs/Mar13_13-31-02_dhcp-10-29-125-30.dyn.MIT.EDU',
);
const DVCLIVE = join(FIXTURES, 'dvclive/CoffeeMugTwo__dvc_dqn_test/dvclive');

/** Appends what each logger writes for a diverged value: MLflow's `nan`/`inf` lines, DVCLive's `nan` cell, events, JSONL. */
const TASK = `
const fs = require('fs');
const now = Date.now();
const run = 'mlruns/${MLFLOW_RUN}/metrics/';
fs.appendFileSync(run + 'train_loss', now + ' nan 3\\n' + now + ' inf 4\\n');
fs.writeFileSync(run + 'diverged', now + ' nan 0\\n' + now + ' -inf 1\\n');
fs.appendFileSync('tb/' + fs.readdirSync('tb')[0], fs.readFileSync('tb-extra.bin'));
fs.appendFileSync('dvclive/plots/metrics/min_distance.tsv', '100\\tnan\\n');
fs.writeFileSync('m.jsonl', '{"step": 0, "values": {"j": 1, "j_only_nan": NaN}}\\n{"step": 1, "values": {"j": NaN, "j_only_nan": Infinity}}\\n');
`;

describe('non-finite values from every metric source', () => {
  it('are null in metrics.jsonl and counted in nonFinite; a metric with only such values is summarised and shown', async () => {
    const root = tempDir();
    const wall = Date.now() / 1000;
    writeFiles(root, {
      'task.js': TASK,
      'xlens.yaml': [
        'tasks:',
        '  t:',
        '    run: node task.js',
        '    metrics:',
        '      - mlflow: mlruns',
        '      - tensorboard: tb',
        '      - dvclive: dvclive',
        '      - jsonl: m.jsonl',
        '',
      ].join('\n'),
    });
    cpSync(MLRUNS, join(root, 'mlruns'), { recursive: true });
    mkdirSync(join(root, 'tb'));
    cpSync(TB_RUN, join(root, 'tb'), { recursive: true });
    cpSync(DVCLIVE, join(root, 'dvclive'), { recursive: true });
    writeFileSync(
      join(root, 'tb-extra.bin'),
      Buffer.concat([
        eventRecord(scalarEvent('Loss/train', 500, Number.NaN, wall)),
        eventRecord(scalarEvent('tb_diverged', 0, Number.POSITIVE_INFINITY, wall)),
      ]),
    );

    const store = new RunStore(root);
    const runner = new TaskRunner(await loadProjectOrThrow(root), store, { pollIntervalMs: 600_000 });
    const run = await runner.run('t');
    assert.equal(run.status, 'succeeded', run.error);

    const summary = (name: string) => {
      const s = run.metrics[name];
      return s && { count: s.count, nonFinite: s.nonFinite };
    };
    assert.deepEqual(summary('train_loss'), { count: 0, nonFinite: 2 }, 'MLflow nan and inf lines');
    assert.deepEqual(summary('diverged'), { count: 0, nonFinite: 2 }, 'MLflow: only non-finite values');
    assert.deepEqual(summary('Loss/train'), { count: 0, nonFinite: 1 }, 'TensorBoard NaN scalar');
    assert.deepEqual(summary('tb_diverged'), { count: 0, nonFinite: 1 }, 'TensorBoard: only +Infinity');
    assert.deepEqual(summary('min_distance'), { count: 0, nonFinite: 1 }, 'DVCLive nan cell');
    assert.deepEqual(summary('j'), { count: 1, nonFinite: 1 }, 'jsonl: NaN beside a finite value');
    assert.deepEqual(summary('j_only_nan'), { count: 0, nonFinite: 2 }, 'jsonl: only non-finite values');
    assert.deepEqual(
      (run.warnings ?? []).filter((w) => !/^metrics source jsonl: m\.jsonl:\d: non-finite value/.test(w)),
      [],
      'no source drops a value with a warning (the jsonl: protocol names them, as for XLENS_METRICS_FILE)',
    );

    const lines = readFileSync(store.file(run.id, 'metrics'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { step: number; values: Record<string, number | null> });
    const nulls = lines
      .flatMap((l) =>
        Object.entries(l.values)
          .filter(([, v]) => v === null)
          .map(([k]) => `${k}@${l.step}`),
      )
      .sort();
    assert.deepEqual(nulls, [
      'Loss/train@500',
      'diverged@0',
      'diverged@1',
      'j@1',
      'j_only_nan@0',
      'j_only_nan@1',
      'min_distance@100',
      'tb_diverged@0',
      'train_loss@3',
      'train_loss@4',
    ]);

    const shown = await xlensInProcess(root, ['show', run.id]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^\s+j_only_nan\s.*0 \+ 2 non-finite$/m);
    assert.match(shown.stdout, /^\s+diverged\s.*0 \+ 2 non-finite$/m);
  });
});
