/**
 * `--html` and `--json` never overwrite what the user did not ask to lose: an input of the same
 * command, a run's record under `.xlens/`, or (for `--html`) any existing file that is not a report
 * written by xlens, unless `--force` (issue "Nothing lost, nothing escapes", item 5). Each refusal is
 * exit 2 naming the option and the fix, and the file is byte-identical afterwards.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeRepo } from '../helpers/gitRepo';
import { latestRun, xlens } from '../helpers/xlensProcess';

const CSV_A = 'x,y\n1,a\n2,b\n3,a\n4,b\n5,a\n';
const CSV_B = 'x,y\n1,a\n2,a\n3,a\n9,b\n5,a\n';

function workspace(): string {
  return makeRepo({
    'xlens.yaml': 'version: 1\ntasks:\n  train:\n    run: node train.js\n',
    'train.js':
      'require(\'fs\').appendFileSync(process.env.XLENS_METRICS_FILE, \'{"step":0,"values":{"loss":1}}\\n\');\n',
    'data/a.csv': CSV_A,
    'data/b.csv': CSV_B,
  });
}

async function refused(root: string, args: string[], file: string, pattern: RegExp): Promise<void> {
  const before = readFileSync(file);
  const result = await xlens(root, args);
  assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
  assert.match(result.stderr, pattern);
  assert.ok(readFileSync(file).equals(before), `${file} unchanged`);
}

describe('report files never overwrite inputs or records', () => {
  it('drift refuses its own input as --html or --json', async () => {
    const root = workspace();
    await refused(
      root,
      ['drift', 'data/a.csv', 'data/b.csv', '--html', 'data/b.csv'],
      join(root, 'data/b.csv'),
      /--html data\/b\.csv: is an input of this command/,
    );
    await refused(
      root,
      ['drift', 'data/a.csv', 'data/b.csv', '--json', './data/a.csv'],
      join(root, 'data/a.csv'),
      /--json \.\/data\/a\.csv: is an input of this command/,
    );
  });

  it('show --html refuses xlens.yaml, a source file and a run.json; --force replaces a file that is not a record', async () => {
    const root = workspace();
    assert.equal((await xlens(root, ['run', 'train'])).code, 0);
    const run = latestRun(root)!;
    await refused(
      root,
      ['show', 'latest', '--html', 'xlens.yaml'],
      join(root, 'xlens.yaml'),
      /not a report written by xlens \(.*--force/,
    );
    await refused(
      root,
      ['show', 'latest', '--html', 'train.js'],
      join(root, 'train.js'),
      /not a report written by xlens/,
    );
    const record = join(root, '.xlens/runs', run.id, 'run.json');
    await refused(root, ['show', 'latest', '--html', record, '--force'], record, /inside \.xlens\//);
    assert.equal((await xlens(root, ['runs'])).stdout.includes(run.id), true, 'the run is still listed');

    // A report of ours is replaced without --force; another file only with it.
    assert.equal((await xlens(root, ['show', 'latest', '--html', 'report.html'])).code, 0);
    assert.equal((await xlens(root, ['show', 'latest', '--html', 'report.html'])).code, 0);
    writeFileSync(join(root, 'notes.html'), '<p>my notes</p>');
    await refused(root, ['show', 'latest', '--html', 'notes.html'], join(root, 'notes.html'), /--force/);
    assert.equal((await xlens(root, ['show', 'latest', '--html', 'notes.html', '--force'])).code, 0);
    assert.match(
      readFileSync(join(root, 'notes.html'), 'utf8'),
      /name="generator" content="Experiment Lens"/,
    );
  });
});
