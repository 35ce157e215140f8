/**
 * Protects: every place MLflow keeps runs is found from the path a user gives — `xlens import` of one
 * experiment folder (`mlruns/1`) or one run folder, and an `mlflow:` source naming a project folder
 * that holds `mlflow.db` (MLflow 3's default store), also when the store appears after the reader
 * started. Real stores: BozzoloLu/GAN (file store, 6 runs in experiment 1) and 01Angel01/House_Prediction
 * (`mlflow.db`, 8 runs).
 */
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ImportedRunsResult } from '../../../src/core/metrics/discovery/importedRun';
import { createSourceReader } from '../../../src/core/metrics/readerFactory';
import { SeriesAccumulator } from '../../../src/core/metrics/readers';
import { tempDir } from '../../helpers/gitRepo';
import { xlensInProcess } from '../../helpers/xlensProcess';

const FIXTURES = join(__dirname, '../../fixtures');
const GAN = join(FIXTURES, 'mlflow/BozzoloLu__GAN/mlruns');
const GAN_RUN = '0e5c7de4aaeb4b17b4b3da3b8d37fc8f';
const HOUSE = join(FIXTURES, 'mlflow_sqlite/01Angel01__House_Prediction/mlflow.db');

async function importJson(cwd: string, path: string): Promise<ImportedRunsResult> {
  const result = await xlensInProcess(cwd, ['import', '--json', path]);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as ImportedRunsResult;
}

describe('MLflow layouts found from the path given', () => {
  it('xlens import of an experiment folder lists its runs, of a run folder that run', async () => {
    const ws = tempDir('xlens-mlflow-layouts-');
    cpSync(GAN, join(ws, 'mlruns'), { recursive: true });
    const experiment = await importJson(ws, 'mlruns/1');
    assert.equal(experiment.runs.length, 6);
    assert.ok(experiment.runs.every((r) => r.format === 'mlflow' && r.experiment === 'Classical GAN'));

    const one = await importJson(ws, `mlruns/1/${GAN_RUN}`);
    assert.deepEqual(
      one.runs.map((r) => [r.id, r.status, r.metrics.map((m) => [m.name, m.points])]),
      [
        [
          GAN_RUN,
          'failed',
          [
            ['Discriminator loss', 113],
            ['Generator loss', 113],
          ],
        ],
      ],
    );
    const text = await xlensInProcess(ws, ['import', `mlruns/1/${GAN_RUN}`]);
    assert.match(text.stdout, /^1 run in 1 source/);
  });

  it('an mlflow: project folder is read through its mlflow.db, also one created after the reader started', async () => {
    const project = tempDir('xlens-mlflow-project-');
    const reader = createSourceReader({ format: 'mlflow', path: project });
    const acc = new SeriesAccumulator();
    acc.apply(await reader.read());
    assert.equal(acc.snapshot().length, 0, 'nothing there yet');
    // MLflow 3 keeps artifacts in mlruns/ beside mlflow.db, and may create it first.
    mkdirSync(join(project, 'mlruns/1/abc/artifacts'), { recursive: true });
    acc.apply(await reader.read());
    assert.equal(acc.snapshot().length, 0, 'an mlruns/ of artifacts only is no store');
    copyFileSync(HOUSE, join(project, 'mlflow.db'));
    acc.apply(await reader.read());
    assert.equal(acc.snapshot().length, 8, 'the runs of mlflow.db');
    assert.deepEqual(acc.warnings, []);
  });
});
