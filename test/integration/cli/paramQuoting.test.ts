/**
 * `${params.x}` in a `run:` command reaches the program as one argument whatever it holds (real
 * `xlens run` processes through `/bin/sh`), and `${params.x:raw}` as written.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { interpolateCommand } from '../../../src/core/config/params';
import { makeRepo } from '../../helpers/gitRepo';
import { latestRun, xlens } from '../../helpers/xlensProcess';

const ARGS = `require('fs').writeFileSync(process.env.XLENS_RUN_DIR + '/argv.json', JSON.stringify(process.argv.slice(2)));`;

const CONFIG = [
  'version: 1',
  'tasks:',
  '  quoted:',
  `    run: node args.js --name \${params.name} "\${params.name}" 'at \${params.name}' x\${params.name}y`,
  '    params: { name: plain }',
  '  raw:',
  '    run: node args.js ${params.flags:raw} --end',
  '    params: { flags: "--a 1 --b 2" }',
  '',
].join('\n');

function argv(root: string): string[] {
  const run = latestRun(root)!;
  return JSON.parse(readFileSync(join(root, '.xlens/runs', run.id, 'argv.json'), 'utf8')) as string[];
}

describe('xlens run: params are shell-quoted in run: (real CLI process)', () => {
  it('passes values with spaces, quotes, $, ; and backslashes as one argument, unquoted or in quotes', async () => {
    const root = makeRepo({ 'xlens.yaml': CONFIG, 'args.js': ARGS });
    for (const name of ['baseline v2', "it's", '$HOME; echo pwned', 'a"b`c\\d $(id)', '', 'lr=0.1,x/y']) {
      const run = await xlens(root, ['run', 'quoted', '--set', `name=${name}`]);
      assert.equal(run.code, 0, `${name}: ${run.stderr}`);
      assert.doesNotMatch(run.stdout, /pwned/);
      assert.deepEqual(argv(root), ['--name', name, name, `at ${name}`, `x${name}y`], name);
      assert.deepEqual(latestRun(root)!.params, { name });
    }
  });

  it('inserts ${params.x:raw} as written, so one value can hold several arguments', async () => {
    const root = makeRepo({ 'xlens.yaml': CONFIG, 'args.js': ARGS });
    const run = await xlens(root, ['run', 'raw']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(argv(root), ['--a', '1', '--b', '2', '--end']);
    assert.equal(latestRun(root)!.command, 'node args.js --a 1 --b 2 --end');
  });

  it('leaves plain tokens as they are, so recorded commands stay readable', () => {
    const values: Record<string, string> = { lr: '0.001', out: 'models/run-1.pkl', name: 'a b' };
    const text = interpolateCommand(
      'train --lr ${params.lr} --out ${params.out} --name ${params.name}',
      (p) => values[p.key],
    );
    assert.equal(text, "train --lr 0.001 --out models/run-1.pkl --name 'a b'");
  });
});
