/**
 * `--json <file>` / `--html <file>` that cannot be written (a folder, a path under a file, a place that
 * takes no files) are refused before any work, exit 2, in one line (real `xlens` processes).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeRepo, tempDir, writeFiles } from '../../helpers/gitRepo';
import { xlens } from '../../helpers/xlensProcess';

const rows = (offset: number) =>
  ['x,c', ...Array.from({ length: 40 }, (_, i) => `${i + offset},${i % 3 === 0 ? 'a' : 'b'}`)].join('\n') +
  '\n';

function driftFolder(): string {
  const dir = tempDir('xlens-out-');
  writeFiles(dir, { 'ref.csv': rows(0), 'cur.csv': rows(5), 'taken.txt': 'a file\n' });
  return dir;
}

describe('output files of xlens drift and xlens show (real CLI process)', () => {
  it('refuses a folder given as --json or --html, naming a file to use, before comparing', async () => {
    const dir = driftFolder();
    for (const [flag, example] of [
      ['--json', 'drift.json'],
      ['--html', 'drift.html'],
    ]) {
      const r = await xlens(dir, ['drift', 'ref.csv', 'cur.csv', flag, dir]);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(
        r.stderr.trim(),
        `xlens drift: ${flag} ${dir}: is a folder (give a file name, e.g. ${join(dir, example)}; see xlens drift --help)`,
      );
      assert.equal(r.stdout, '', 'no table: the check comes before the work');
    }
  });

  it('refuses a path under a file and a place that takes no files, without a stack trace', async () => {
    const dir = driftFolder();
    const underFile = await xlens(dir, ['drift', 'ref.csv', 'cur.csv', '--html', 'taken.txt/report.html']);
    assert.equal(underFile.code, 2);
    assert.match(underFile.stderr, /--html taken\.txt\/report\.html: .*taken\.txt is a file, not a folder/);
    const proc = await xlens(dir, ['drift', 'ref.csv', 'cur.csv', '--json', '/proc/x.json']);
    assert.equal(proc.code, 2);
    assert.match(
      proc.stderr,
      /^xlens drift: --json \/proc\/x\.json: cannot write there \(.+\) \(give another file name; see xlens drift --help\)\n$/,
    );
    for (const r of [underFile, proc]) {
      assert.doesNotMatch(r.stderr, /unexpected error|\n\s+at /);
    }
    assert.equal(existsSync('/proc/x.json'), false);
  });

  it('creates missing folders of an output file, as the help says', async () => {
    const dir = driftFolder();
    const r = await xlens(dir, ['drift', 'ref.csv', 'cur.csv', '--json', 'reports/new/drift.json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(readFileSync(join(dir, 'reports/new/drift.json'), 'utf8')) as {
      dataset: unknown;
    };
    assert.ok(report.dataset);
    const help = await xlens(dir, ['drift', '--help']);
    assert.match(help.stdout, /missing folders of <file> are created/);
  });

  it('xlens show --html refuses a folder with exit 2', async () => {
    const root = makeRepo({ 'xlens.yaml': 'version: 1\ntasks:\n  hi: { run: echo hi }\n' });
    assert.equal((await xlens(root, ['run', 'hi'])).code, 0);
    const r = await xlens(root, ['show', 'latest', '--html', root]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(
      r.stderr.trim(),
      `xlens show: --html ${root}: is a folder (give a file name, e.g. ${join(root, 'report.html')}; see xlens show --help)`,
    );
  });
});
