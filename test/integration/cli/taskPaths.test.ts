/**
 * A task's relative paths resolve against its working folder (`cwd:`), as its command does: params
 * files, data fingerprints, outputs and the inputs of built-in jobs. Checked through the real `xlens`
 * command in temp git repositories.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeRepo } from '../../helpers/gitRepo';
import { latestRun, runIds, xlens } from '../../helpers/xlensProcess';

describe('paths of a task with cwd:', () => {
  it('reads params, fingerprints data and records outputs from the task folder, not the workspace root', async () => {
    const root = makeRepo({
      'xlens.yaml': [
        'tasks:',
        '  train:',
        '    cwd: sub',
        '    run: mkdir -p out && echo "epochs=${params.epochs}" > out/model.txt && cat d.csv',
        '    params: p.yaml',
        '    data: [d.csv]',
        '    outputs: [out/]',
        '',
      ].join('\n'),
      'sub/p.yaml': 'epochs: 7\n',
      'sub/d.csv': 'a,b\n1,2\n',
      // Same names at the root, with other contents: a wrong base would pick these up silently.
      'p.yaml': 'epochs: 1\n',
      'd.csv': 'x\n9\n',
    });
    const result = await xlens(root, ['run', 'train']);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /warning/);
    const record = latestRun(root)!;
    assert.equal(record.status, 'succeeded');
    assert.equal(record.cwd, join(root, 'sub'));
    assert.deepEqual(record.params, { epochs: 7 });
    assert.deepEqual(record.paramSources, ['p.yaml']);
    assert.deepEqual(
      record.data.map((d) => [d.path, d.size]),
      [['sub/d.csv', 'a,b\n1,2\n'.length]],
    );
    assert.deepEqual(record.warnings ?? [], []);
    const output = record.artifacts.find((a) => a.root === 'workspace');
    assert.deepEqual(output, {
      path: 'sub/out',
      size: 'epochs=7\n'.length,
      root: 'workspace',
      modifiedAt: statSync(join(root, 'sub/out/model.txt')).mtime.toISOString(),
    });
    assert.equal(readFileSync(join(root, 'sub/out/model.txt'), 'utf8'), 'epochs=7\n');
    const task = JSON.parse(readFileSync(join(root, '.xlens/runs', record.id, 'task.json'), 'utf8')) as {
      cwd: string;
    };
    assert.equal(task.cwd, join(root, 'sub'), 'task.json carries the absolute folder');
  });

  it('names the path it looked for when an input or a params file is missing, and creates no run', async () => {
    const root = makeRepo({
      'xlens.yaml': 'tasks:\n  t:\n    cwd: sub\n    run: "true"\n    data: [d.csv]\n',
      'sub/keep.txt': '',
      'd.csv': 'a\n1\n', // at the root only
    });
    const missing = await xlens(root, ['run', 't']);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, new RegExp(`input "d.csv" not found \\(${join(root, 'sub', 'd.csv')}\\)`));
    assert.deepEqual(runIds(root), []);

    const params = makeRepo({
      'xlens.yaml': 'tasks:\n  t:\n    cwd: sub\n    run: "true"\n    params: p.yaml\n',
      'sub/keep.txt': '',
      'p.yaml': 'a: 1\n',
    });
    const noParams = await xlens(params, ['run', 't']);
    assert.equal(noParams.code, 2, noParams.stderr);
    assert.match(noParams.stderr, /xlens\.yaml:5:\d+: params file "p\.yaml" not found/);
    assert.ok(noParams.stderr.includes(join(params, 'sub', 'p.yaml')), noParams.stderr);
  });

  it('warns with the full path when an output is missing', async () => {
    const root = makeRepo({
      'xlens.yaml': 'tasks:\n  t:\n    cwd: sub\n    run: mkdir -p ../out\n    outputs: [out/]\n',
      'sub/keep.txt': '',
    });
    const result = await xlens(root, ['run', 't']);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(
      result.stderr.includes(
        `output "out/" was not found after the run (looked for ${join(root, 'sub', 'out')})`,
      ),
      result.stderr,
    );
  });

  it('gives a built-in drift job its inputs from the task folder', async () => {
    const rows = (shift: number): string =>
      `x,c\n${Array.from({ length: 40 }, (_, i) => `${i + shift},${i % 2 ? 'a' : 'b'}`).join('\n')}\n`;
    const root = makeRepo({
      'xlens.yaml':
        'tasks:\n  drift:\n    kind: drift\n    cwd: data\n    reference: ref.csv\n    current: cur.csv\n',
      'data/ref.csv': rows(0),
      'data/cur.csv': rows(100),
    });
    const result = await xlens(root, ['run', 'drift']);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    const record = latestRun(root)!;
    assert.equal(record.status, 'succeeded', record.error);
    assert.deepEqual(
      record.data.map((d) => d.path),
      ['data/ref.csv', 'data/cur.csv'],
    );
    assert.equal(record.info?.datasetDrift, true, JSON.stringify(record.info));
  });
});
