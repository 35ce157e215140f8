/**
 * `xlens compare` on runs whose metric diverged (NaN written as Python's json.dumps writes it): a run
 * whose every value was non-finite reads as such, not as "not recorded", and values left out of a
 * summary are counted under the metric's table, as run.json counts them (`nonFinite`).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { makeRepo } from '../helpers/gitRepo';
import { runIds, xlens } from '../helpers/xlensProcess';
import type { RunRecord } from '../../src/core/runs/types';

const lines = (values: string[]): string =>
  values.map((loss, step) => `{"step": ${step}, "values": {"loss": ${loss}, "acc": 0.5}}\n`).join('');

describe('xlens compare on diverged runs', () => {
  let root: string;
  let ids: string[];
  before(async () => {
    root = makeRepo({
      'xlens.yaml': 'version: 1\ntasks:\n  t:\n    run: cat metrics.txt >> "$XLENS_METRICS_FILE"\n',
      '.gitignore': '.xlens/\n',
    });
    for (const values of [
      ['NaN', 'NaN'],
      ['1.5', '0.5', 'NaN', 'Infinity'],
    ]) {
      writeFileSync(join(root, 'metrics.txt'), lines(values));
      const result = await xlens(root, ['run', 't']);
      assert.equal(result.code, 0, result.stderr);
    }
    ids = runIds(root);
  });

  it('says which runs logged only non-finite values and how many were left out', async () => {
    const records = ids.map(
      (id) => JSON.parse(readFileSync(join(root, '.xlens/runs', id, 'run.json'), 'utf8')) as RunRecord,
    );
    assert.equal(records[0].metrics.loss.nonFinite, 2);
    assert.equal(records[1].metrics.loss.nonFinite, 2);
    const result = await xlens(root, ['compare', ...ids, '--metrics', 'loss']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^\s+#1\s+only non-finite values \(2: NaN or ±Infinity\)$/m);
    assert.match(
      result.stdout,
      /^\s+#2\s+0\.5\s+0\.5\s+1\.5\s+0\.5\s+1\s*$/m,
      'the finite values, as run.json',
    );
    assert.match(
      result.stdout,
      /^ {2}#2: 2 non-finite values \(NaN or ±Infinity\) left out of these figures$/m,
    );
  });

  it('--json and --html say the same: non-finite counts per run, not "not recorded"', async () => {
    const json = await xlens(root, ['compare', ...ids, '--metrics', 'loss', '--json']);
    assert.equal(json.code, 0, json.stderr);
    const [loss] = (JSON.parse(json.stdout) as { metrics: { runs: unknown[]; nonFinite: number[] }[] })
      .metrics;
    assert.equal(loss.runs[0], null);
    assert.deepEqual(loss.nonFinite, [2, 2]);
    const html = await xlens(root, ['compare', ...ids, '--metrics', 'loss', '--html', 'compare.html']);
    assert.equal(html.code, 0, html.stderr);
    const page = readFileSync(join(root, 'compare.html'), 'utf8');
    assert.ok(page.includes('only non-finite values (2: NaN or ±Infinity)'), 'run #1 diverged');
    assert.ok(page.includes('2 non-finite values (NaN or ±Infinity) left out of these figures'), 'run #2');
    assert.ok(!page.includes('not recorded'), 'both runs logged loss');
  });
});
