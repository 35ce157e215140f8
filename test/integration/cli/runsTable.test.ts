/**
 * `xlens runs --filter/--sort/--columns/--csv` on real runs recorded by the runner (a task that writes the
 * metrics protocol, run with different params through `--set`): the experiments table's fields and
 * filter language in the terminal.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { makeRepo } from '../../helpers/gitRepo';
import { xlens } from '../../helpers/xlensProcess';

const TRAIN = `const { appendFileSync } = require('node:fs');
const lr = Number(process.argv[2]);
for (let step = 0; step < 3; step++) {
  const values = { loss: 1 / (step + 1) + lr, val_accuracy: 0.5 + lr * 10 + step / 100 };
  appendFileSync(process.env.XLENS_METRICS_FILE, JSON.stringify({ step, values }) + '\\n');
}
`;

describe('xlens runs as an experiments table (real CLI process)', () => {
  let root: string;
  before(async () => {
    root = makeRepo({
      'xlens.yaml':
        'version: 1\ntasks:\n  train:\n    run: node train.js ${params.lr}\n    params: { lr: 0.01, seed: 7 }\n',
      'train.js': TRAIN,
      '.gitignore': '.xlens/\n',
    });
    for (const lr of ['0.01', '0.03', '0.02']) {
      const result = await xlens(root, ['run', 'train', '--set', `lr=${lr}`]);
      assert.equal(result.code, 0, result.stderr);
    }
  });

  it('filters with expressions and sorts by several fields; the table shows the fields used', async () => {
    const result = await xlens(root, [
      'runs',
      '--filter',
      'params.lr >= 0.02 and val_accuracy > 0.6',
      '--sort=-params.lr',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.match(lines[0], /^ID\s+TASK\s+STATUS\s+COMMIT\s+DURATION\s+params\.lr\s+val_accuracy\s+loss/);
    assert.equal(lines.length, 3, result.stdout);
    assert.match(lines[1], /\s0\.03\s+0\.82\s/);
    assert.match(lines[2], /\s0\.02\s+0\.72\s/);
  });

  it('shows chosen columns with aggregates and the value at a step', async () => {
    const result = await xlens(root, [
      'runs',
      '--columns',
      'params.lr,loss:max,loss:@1,loss',
      '--sort',
      'params.lr',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const rows = result.stdout
      .trim()
      .split('\n')
      .map((line) => line.trim().split(/\s+/));
    assert.deepEqual(rows, [
      ['params.lr', 'loss:max', 'loss:@1', 'loss'],
      ['0.01', '1.01', '0.51', '0.3433'],
      ['0.02', '1.02', '0.52', '0.3533'],
      ['0.03', '1.03', '0.53', '0.3633'],
    ]);
  });

  it('exports CSV with full precision, every field unless --columns', async () => {
    const result = await xlens(root, ['runs', '--csv', '--sort', 'val_accuracy asc']);
    assert.equal(result.code, 0, result.stderr);
    const [header, ...rows] = parse(result.stdout) as string[][];
    assert.deepEqual(header.slice(0, 8), [
      'id',
      'task',
      'status',
      'started',
      'duration',
      'commit',
      'branch',
      'dirty',
    ]);
    assert.ok(header.includes('params.lr') && header.includes('params.seed'), header.join(','));
    assert.deepEqual(header.slice(-2), ['val_accuracy', 'loss']);
    assert.equal(rows.length, 3);
    const lr = header.indexOf('params.lr');
    assert.deepEqual(
      rows.map((r) => r[lr]),
      ['0.01', '0.02', '0.03'],
    );
    const loss = header.indexOf('loss');
    assert.equal(Number(rows[0][loss]), 1 / 3 + 0.01, 'the exact value, not a rounded one');
  });

  it('says when no run matches, and refuses a misspelt field with exit 2 and a suggestion', async () => {
    const none = await xlens(root, ['runs', '--filter', 'val_accuracy > 2']);
    assert.equal(none.code, 0, none.stderr);
    assert.match(none.stdout, /No run matches the filter \(3 runs looked at\)/);
    const bad = await xlens(root, ['runs', '--filter', 'val_acuracy > 0.5']);
    assert.equal(bad.code, 2);
    assert.match(
      bad.stderr,
      /--filter: column 1: no run has a metric or param "val_acuracy" \(did you mean "val_accuracy"\?/,
    );
    assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
    const sort = await xlens(root, ['runs', '--sort', 'params.lr:max']);
    assert.equal(sort.code, 2);
    assert.match(sort.stderr, /applies to metrics only/);
  });
});

// What a Keras or Lightning callback can log: a metric named `loss:min` beside `loss`.
const TRAIN_LOGGED_MIN = `const { appendFileSync } = require('node:fs');
const offset = Number(process.argv[2]);
const losses = [3, 1, 2].map((loss) => loss + offset);
losses.forEach((loss, step) => {
  const values = { loss, 'loss:min': 10 - Math.min(...losses.slice(0, step + 1)) };
  appendFileSync(process.env.XLENS_METRICS_FILE, JSON.stringify({ step, values }) + '\\n');
});
`;

describe('xlens runs with a metric named like an aggregate of another (real CLI process)', () => {
  let root: string;
  before(async () => {
    root = makeRepo({
      'xlens.yaml':
        'version: 1\ntasks:\n  train:\n    run: node train.js ${params.offset}\n    params: { offset: 0 }\n',
      'train.js': TRAIN_LOGGED_MIN,
      '.gitignore': '.xlens/\n',
    });
    for (const offset of ['0', '5']) {
      const result = await xlens(root, ['run', 'train', '--set', `offset=${offset}`]);
      assert.equal(result.code, 0, result.stderr);
    }
  });

  it('filters, sorts and exports the min of loss and the logged "loss:min" as two fields', async () => {
    const result = await xlens(root, [
      'runs',
      '--filter',
      '"loss:min" < 5 and loss:min > 1.5',
      '--columns',
      'params.offset,loss:min,"loss:min","loss:min":max',
      '--csv',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(parse(result.stdout), [
      ['params.offset', 'loss:min', '"loss:min"', '"loss:min":max'],
      ['5', '6', '4', '4'],
    ]);
    const all = await xlens(root, ['runs', '--csv', '--sort', '"loss:min"']);
    assert.equal(all.code, 0, all.stderr);
    const [header, ...rows] = parse(all.stdout) as string[][];
    assert.deepEqual(header.slice(-2), ['loss', '"loss:min"']);
    assert.deepEqual(
      rows.map((row) => row.slice(-2)),
      [
        ['7', '4'],
        ['2', '9'],
      ],
    );
  });
});
