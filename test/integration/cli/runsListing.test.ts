/**
 * `xlens runs` with many imported runs: the table lists them after the workspace's runs within
 * `--limit`, `--task` keeps those of the task's sources (real CLI process).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeRepo } from '../../helpers/gitRepo';
import { xlens } from '../../helpers/xlensProcess';

function workspace(): string {
  const files: Record<string, string> = {
    'xlens.yaml': [
      'version: 1',
      'tasks:',
      '  fit:',
      '    run: echo fit',
      '    metrics:',
      '      - csv: logs/run07/history.csv',
      '',
    ].join('\n'),
  };
  for (let i = 0; i < 25; i++) {
    files[`logs/run${String(i).padStart(2, '0')}/history.csv`] = `epoch,loss\n0,1\n1,${(i + 1) / 100}\n`;
  }
  return makeRepo(files);
}

describe('xlens runs with imported runs (real CLI process)', () => {
  it('lists imported runs after its own, within --limit (default 20)', async () => {
    const root = workspace();
    assert.equal((await xlens(root, ['run', 'fit'])).code, 0);
    const plain = await xlens(root, ['runs']);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /^ID\s+TASK/);
    assert.match(plain.stdout, /Imported runs \(20 of 25\):/);
    assert.equal(plain.stdout.match(/keras-csv/g)?.length, 20);
    assert.match(plain.stdout, /\.\.\. and 5 more \(--limit 25 lists them all/);

    const listed = await xlens(root, ['runs', '--limit', '5']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /Imported runs \(5 of 25\):/);
    assert.equal(listed.stdout.match(/keras-csv/g)?.length, 5);
    assert.match(listed.stdout, /\.\.\. and 20 more \(--limit 25 lists them all/);

    const json = JSON.parse((await xlens(root, ['runs', '--imported', '--json', '--limit', '3'])).stdout) as {
      runs: unknown[];
      imported: unknown[];
      importedTotal: number;
    };
    assert.equal(json.runs.length, 1);
    assert.equal(json.imported.length, 3);
    assert.equal(json.importedTotal, 25);
    assert.ok(Array.isArray(JSON.parse((await xlens(root, ['runs', '--json'])).stdout)));

    const task = await xlens(root, ['runs', '--task', 'fit']);
    assert.match(task.stdout, /Imported runs \(1\):/);
    assert.match(task.stdout, /logs\/run07\/history\.csv/);
  });
});
