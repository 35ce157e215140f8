/**
 * `xlens runs` lists imported runs (TensorBoard, MLflow, Keras CSV logs in the workspace) without
 * reading every log on every call: what a scan read is cached in `.xlens/cache/`, per source, while
 * the source's files are unchanged.
 */
import assert from 'node:assert/strict';
import {
  appendFileSync,
  cpSync,
  existsSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { discoverImportedRuns } from '../../../src/core/metrics/discovery/discovery';
import { tempDir } from '../../helpers/gitRepo';
import { xlensInProcess } from '../../helpers/xlensProcess';

const FIXTURES = join(__dirname, '../../fixtures');

function workspace(): string {
  const ws = tempDir('xlens-runs-imported-');
  cpSync(join(FIXTURES, 'mlflow/DiegoFabianTondo__DS20_DeepLearning/mlruns'), join(ws, 'mlruns'), {
    recursive: true,
  });
  cpSync(join(FIXTURES, 'keras_csv/AmineEchraibi__BrainCNN/training.log'), join(ws, 'logs/training.log'));
  cpSync(join(FIXTURES, 'tensorboard/BozzoloLu__GAN/logs'), join(ws, 'tb'), { recursive: true });
  writeFileSync(join(ws, 'xlens.yaml'), 'tasks:\n  train:\n    run: echo hi\n');
  return ws;
}

describe('imported runs: the scan cache', () => {
  it('reads a source again only when its files changed', async () => {
    const ws = workspace();
    const cacheFile = join(ws, '.xlens/cache/imported-runs.json');
    const first = await discoverImportedRuns(ws, { cacheFile });
    assert.equal(first.fromCache, 0);
    const sources = first.sources.length;
    assert.ok(sources >= 3, JSON.stringify(first.sources));
    assert.ok(first.runs.some((r) => r.format === 'tensorboard'));

    const second = await discoverImportedRuns(ws, { cacheFile });
    assert.equal(second.fromCache, sources, 'nothing changed: every source from the cache');
    assert.deepEqual(second.runs, first.runs);
    assert.deepEqual(second.warnings, first.warnings);

    // A new epoch in the Keras log: that source alone is read again, with its new last value.
    appendFileSync(join(ws, 'logs/training.log'), '25,0.99,0.01\n');
    const third = await discoverImportedRuns(ws, { cacheFile });
    assert.equal(third.fromCache, sources - 1);
    const keras = third.runs.find((r) => r.format === 'keras-csv')!;
    assert.deepEqual(
      keras.metrics.map((m) => [m.name, m.points, m.last]),
      [
        ['acc', 26, 0.99],
        ['loss', 26, 0.01],
      ],
    );
    // A same-size rewrite with the mtime put back is seen too (the ctime moved).
    const log = join(ws, 'logs/training.log');
    const text = readFileSync(log, 'utf8');
    const { atime, mtime } = statSync(log);
    writeFileSync(log, text.replace('25,0.99,0.01', '25,0.98,0.02'));
    utimesSync(log, atime, mtime);
    const fourth = await discoverImportedRuns(ws, { cacheFile });
    assert.equal(fourth.runs.find((r) => r.format === 'keras-csv')!.metrics[0].last, 0.98);

    // Without a cache file every source is read, and the result is the same.
    const uncached = await discoverImportedRuns(ws);
    assert.equal(uncached.fromCache, 0);
    assert.deepEqual(uncached.runs, fourth.runs);
  });

  it('`xlens runs` keeps listing the imported runs, from the cache on later calls', async () => {
    const ws = workspace();
    const first = await xlensInProcess(ws, ['runs', '--imported']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Imported runs \(\d+\):/);
    assert.match(first.stdout, /keras-csv\s+logs\/training\.log/);
    assert.match(first.stdout, /tensorboard\s+/);
    assert.ok(existsSync(join(ws, '.xlens/cache/imported-runs.json')));
    assert.equal(readFileSync(join(ws, '.xlens/.gitignore'), 'utf8').includes('*'), true);
    assert.equal(existsSync(join(ws, '.xlens/runs')), false, 'no run store for imported runs only');
    const second = await xlensInProcess(ws, ['runs', '--imported']);
    assert.equal(second.stdout, first.stdout);
    const json = JSON.parse((await xlensInProcess(ws, ['runs', '--imported', '--json'])).stdout) as {
      imported: { format: string }[];
    };
    assert.deepEqual([...new Set(json.imported.map((r) => r.format))].sort(), [
      'keras-csv',
      'mlflow',
      'tensorboard',
    ]);
  });

  it('`xlens runs` in a workspace without runs or logs creates nothing', async () => {
    const ws = tempDir('xlens-runs-empty-');
    writeFileSync(join(ws, 'xlens.yaml'), 'tasks:\n  train:\n    run: echo hi\n');
    for (const args of [['runs'], ['runs', '--imported'], ['runs', '--json'], ['runs', '--sort', 'id']]) {
      const result = await xlensInProcess(ws, args);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(existsSync(join(ws, '.xlens')), false, `xlens ${args.join(' ')} created .xlens`);
    }
  });
});
