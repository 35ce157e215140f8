/**
 * `xlens export --mlflow` (real CLI process, temp git repository): runs written into an MLflow file
 * store and read back with our MLflow file-store reader.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MlflowFileStoreReader } from '../../../src/core/metrics/mlflow/fileStore';
import type { RunRecord } from '../../../src/core/runs/types';
import { makeRepo, tempDir } from '../../helpers/gitRepo';
import { metricLines, xlens } from '../../helpers/xlensProcess';

const CONFIG = [
  'version: 1',
  'tasks:',
  '  fit:',
  '    run: node fit.js',
  '    params: { lr: 0.5, name: adam }',
  '',
].join('\n');
const FIT = [
  "const fs = require('node:fs');",
  'for (let step = 0; step < 4; step++) {',
  "  const values = { loss: 1 / (step + 1), 'val/acc': step / 4, '../evil': 1 };",
  "  fs.appendFileSync(process.env.XLENS_METRICS_FILE, JSON.stringify({ step, time: 1764000000000 + step, values }) + '\\n');",
  '}',
  '',
].join('\n');

describe('xlens export --mlflow (real CLI process)', () => {
  it('writes params, every metric point with step and time, status, times and the git commit; again replaces', async () => {
    const root = makeRepo({ 'xlens.yaml': CONFIG, 'fit.js': FIT });
    assert.equal((await xlens(root, ['run', 'fit', '-q'])).code, 0);
    const [run] = JSON.parse((await xlens(root, ['runs', '--json'])).stdout) as RunRecord[];
    const mlruns = join(tempDir(), 'mlruns');
    const out = await xlens(root, ['export', '--mlflow', mlruns]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /^exported 1 runs to experiment 1 \("xlens"\)/);
    assert.match(out.stderr, /left out .*metrics "\.\.\/evil"/);
    assert.equal(existsSync(join(mlruns, 'evil')), false);
    assert.equal((await xlens(root, ['export', '--mlflow', mlruns, run.id])).code, 0);

    const { runs, warnings } = await new MlflowFileStoreReader(mlruns).read();
    assert.deepEqual(warnings, []);
    assert.equal(runs.length, 1, 'exporting again replaced the run');
    const [exported] = runs;
    assert.equal(exported.experiment, 'xlens');
    assert.equal(exported.status, 'succeeded');
    assert.equal(exported.gitCommit, run.git.commit);
    assert.equal(exported.tags['xlens.id'], run.id);
    assert.deepEqual({ ...exported.params }, { lr: '0.5', name: 'adam' }, 'MLflow keeps params as text');
    assert.equal(exported.startTime, Date.parse(run.startedAt!));
    assert.equal(exported.endTime, Date.parse(run.endedAt!));
    const lines = metricLines(root, run.id);
    for (const name of ['loss', 'val/acc']) {
      assert.deepEqual(
        exported.metrics.get(name),
        lines.map((l) => ({ step: l.step, value: l.values[name], time: (l as { time?: number }).time })),
        name,
      );
    }
    assert.equal(exported.metrics.has('../evil'), false);
  });
});
