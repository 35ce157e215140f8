/**
 * Metric names holding a comma (`f1,macro`, as some loggers name averaged scores) can be named in
 * `xlens runs --columns/--sort` and `xlens compare --metrics` by quoting them, as each command's help
 * says; `__proto__` is an ordinary name there.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { makeRepo } from '../../helpers/gitRepo';
import { runIds, xlens } from '../../helpers/xlensProcess';

const TRAIN = `const { appendFileSync } = require('node:fs');
const f1 = Number(process.argv[2]);
appendFileSync(process.env.XLENS_METRICS_FILE, JSON.stringify({ step: 0, values: { 'f1,macro': f1, f1: 0.5, macro: 0.5, ['__proto__']: f1 * 2 } }) + '\\n');
`;

describe('names holding a comma in --columns, --sort and --metrics (real CLI process)', () => {
  let root: string;
  let ids: string[];
  before(async () => {
    root = makeRepo({
      'xlens.yaml':
        'version: 1\ntasks:\n  t:\n    run: node train.js ${params.f1}\n    params: { f1: 0.25 }\n',
      'train.js': TRAIN,
      '.gitignore': '.xlens/\n',
    });
    for (const f1 of ['0.25', '0.75', '0.5']) {
      const result = await xlens(root, ['run', 't', '--set', `f1=${f1}`]);
      assert.equal(result.code, 0, result.stderr);
    }
    ids = runIds(root);
  });

  it('xlens runs shows and sorts by a quoted name holding a comma', async () => {
    const result = await xlens(root, [
      'runs',
      '--columns',
      'params.f1,"f1,macro",__proto__',
      '--sort=-"f1,macro"',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.match(lines[0], /^params\.f1\s+f1,macro\s+__proto__$/);
    assert.deepEqual(
      lines.slice(1).map((line) => line.split(/\s+/)),
      [
        ['0.75', '0.75', '1.5'],
        ['0.5', '0.5', '1'],
        ['0.25', '0.25', '0.5'],
      ],
    );
  });

  it('xlens compare --metrics takes a quoted name holding a comma', async () => {
    const result = await xlens(root, ['compare', ids[0], ids[1], '--metrics', `'f1,macro',__proto__`]);
    assert.equal(result.code, 0, result.stderr);
    const blocks = [...result.stdout.matchAll(/^(\S.*) \((?:lower|higher) is better\):$/gm)].map((m) => m[1]);
    assert.deepEqual(blocks, ['f1,macro', '__proto__']);
  });

  it('the help of each command says how', async () => {
    const runs = await xlens(root, ['runs', '--help']);
    assert.match(runs.stdout, /quote a name holding a comma/);
    const compare = await xlens(root, ['compare', '--help']);
    assert.match(compare.stdout, /quote a name\s+holding a comma: --metrics 'loss,"f1,macro"'/);
  });
});
