/**
 * Protects: under `xlens run`, the MLflow runs one `mlflow:` source receives keep their points apart —
 * nested runs are named `<run name>/<key>` (a repeated name gets its run id), so two children's
 * `Generator loss` at step 0 never land in one series and a summary never mixes two runs. Real store:
 * BozzoloLu/GAN (three parent runs, each with one nested `Run_0` logging 270, 113 and 270 steps), which
 * the task copies into its `mlruns/` while it runs, as MLflow would write it.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { loadProjectOrThrow } from '../../../src/core/config/load';
import { TaskRunner } from '../../../src/core/runner/taskRunner';
import { RunStore } from '../../../src/core/runs/store';
import { tempDir, writeFiles } from '../../helpers/gitRepo';

const GAN = resolve(__dirname, '../../fixtures/mlflow/BozzoloLu__GAN/mlruns');
/** The nested runs of the store (their parents log nothing). */
const CHILDREN = [
  '07cd61a82ecc46bb9b61d1142c15ea42',
  '0e5c7de4aaeb4b17b4b3da3b8d37fc8f',
  '71597c390d254ea6b4ab10c11e71c338',
];

function lines(file: string): string[] {
  return readFileSync(file, 'utf8').split(/\r?\n/).filter(Boolean); // the fixture has CRLF lines
}

describe('MLflow runs of one metric source under xlens run', () => {
  it('each nested run gets its own series names; no series mixes two runs', async () => {
    const root = tempDir();
    writeFiles(root, {
      'task.js': `require('fs').cpSync(${JSON.stringify(join(GAN, '1'))}, 'mlruns/1', { recursive: true });\n`,
      'xlens.yaml': [
        'tasks:',
        '  t:',
        '    run: node task.js',
        '    metrics:',
        '      - mlflow: mlruns',
        '',
      ].join('\n'),
    });
    mkdirSync(join(root, 'mlruns/0'), { recursive: true });
    writeFileSync(
      join(root, 'mlruns/0/meta.yaml'),
      'experiment_id: "0"\nname: Default\nlifecycle_stage: active\n',
    );
    const store = new RunStore(root);
    const run = await new TaskRunner(await loadProjectOrThrow(root), store, { pollIntervalMs: 600_000 }).run(
      't',
    );
    assert.equal(run.status, 'succeeded', run.error);

    const names = Object.keys(run.metrics).sort();
    assert.equal(names.length, CHILDREN.length * 2, names.join(', '));
    assert.ok(
      names.every((n) => /^Run_0(-[0-9a-f]{8})?\/(Generator|Discriminator) loss$/.test(n)),
      names.join(', '),
    );
    // Each series is exactly one child's: its point count and last value are that child's file's.
    const expected = CHILDREN.map((id) => {
      const file = lines(join(GAN, '1', id, 'metrics/Generator loss'));
      const last = file.at(-1)!.split(' ');
      return `${file.length} ${Number(last[1])} @ ${last[2]}`;
    }).sort();
    const got = names
      .filter((n) => n.endsWith('/Generator loss'))
      .map((n) => `${run.metrics[n].count} ${run.metrics[n].last} @ ${run.metrics[n].lastStep}`)
      .sort();
    assert.deepEqual(got, expected);
  });
});
