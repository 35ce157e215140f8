/**
 * `${params.x}` in a `run:` command reaches the program as one argument whatever it holds (real
 * `xlens run` processes through `/bin/sh`, the value in an `XLENS_PARAM_*` variable), and
 * `${params.x:raw}` as written. The corpus of hostile values and places is test/robustness/params.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { bindCommand } from '../../../src/core/config/commandParams';
import { makeRepo } from '../../helpers/gitRepo';
import { latestRun, xlens } from '../../helpers/xlensProcess';

const ARGS = `require('fs').writeFileSync(process.env.XLENS_RUN_DIR + '/argv.json', JSON.stringify(process.argv.slice(2)));`;

const CONFIG = [
  'version: 1',
  'tasks:',
  '  quoted:',
  `    run: node args.js --name \${params.name} "\${params.name}" "at \${params.name}" x\${params.name}y`,
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

describe('xlens run: params reach run: as variables, never as shell text (real CLI process)', () => {
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

  it('records the command with the values put in, plain tokens as they are, so it stays readable', () => {
    const values: Record<string, string> = { lr: '0.001', out: 'models/run-1.pkl', name: 'a b' };
    const bound = bindCommand(
      'train --lr ${params.lr} --out ${params.out} --name ${params.name} "n=${params.name}"',
      (p) => values[p.key],
      () => assert.fail('refused'),
      'linux',
    );
    assert.equal(bound.display, `train --lr 0.001 --out models/run-1.pkl --name 'a b' "n=a b"`);
    assert.equal(
      bound.run,
      'train --lr "${XLENS_PARAM_LR}" --out "${XLENS_PARAM_OUT}" --name "${XLENS_PARAM_NAME}" "n=${XLENS_PARAM_NAME}"',
    );
    assert.deepEqual(
      { ...bound.env },
      {
        XLENS_PARAM_LR: '0.001',
        XLENS_PARAM_OUT: 'models/run-1.pkl',
        XLENS_PARAM_NAME: 'a b',
      },
    );
  });

  it('refuses a placeholder inside single quotes at its line and column, naming the fix (exit 2)', async () => {
    const root = makeRepo({
      'xlens.yaml': CONFIG.replace('"at ${params.name}"', "'at ${params.name}'"),
      'args.js': ARGS,
    });
    const run = await xlens(root, ['run', 'quoted']);
    assert.equal(run.code, 2, run.stderr);
    assert.match(
      run.stderr,
      /xlens\.yaml:4:66: \$\{params\.name\} is inside single quotes.*move it out of the quotes/,
    );
    assert.equal(latestRun(root), undefined);
  });
});
