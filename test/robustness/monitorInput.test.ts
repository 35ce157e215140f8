// Bad input given to `xlens monitor`: a bad window, a missing or misspelt time column, dates that are
// not dates, a bad reference span, missing flags. Each is exit 2 with a message naming the file, row,
// line and column or the flag, and the fix; never a stack trace. Windows with few rows, no rows or a
// missing time are warnings naming the window or row.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../helpers/gitRepo';
import { xlens, xlensInProcess } from '../helpers/xlensProcess';

const GOOD = [
  'date,x,y,pred',
  '2015-01-03,1.5,a,a',
  '2015-01-20,2.5,b,a',
  '2015-03-02,3.5,b,b',
  '2015-03-09,0.5,a,b',
].join('\n');

function file(name: string, text: string): { dir: string; name: string } {
  const dir = tempDir('xlens-monitor-bad-');
  writeFileSync(join(dir, name), `${text}\n`);
  return { dir, name };
}

const noStack = (stderr: string) => assert.doesNotMatch(stderr, /\n\s+at /);

describe('xlens monitor on bad input', () => {
  for (const bad of ['month', '0', '1m', '1.5mo']) {
    it(`refuses --window ${bad} naming the accepted forms`, async () => {
      const f = file('p.csv', GOOD);
      const r = await xlensInProcess(f.dir, ['monitor', f.name, '--time', 'date', '--window', bad]);
      assert.equal(r.code, 2, r.stderr);
      assert.ok(
        r.stderr.startsWith(`xlens monitor: --window "${bad}": not a window (e.g. --window 1mo`),
        r.stderr,
      );
      noStack(r.stderr);
    });
  }

  it('asks for --time and --window when they are missing', async () => {
    const f = file('p.csv', GOOD);
    const r = await xlensInProcess(f.dir, ['monitor', f.name]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /xlens monitor: needs --time <column of dates> and --window <1mo\|7d\|N rows> \(e\.g\. --time date --window 1mo; see xlens monitor --help\)/,
    );
  });

  it('refuses a time column that is not in the file, with a did-you-mean', async () => {
    const f = file('p.csv', GOOD);
    const r = await xlensInProcess(f.dir, ['monitor', f.name, '--time', 'dat', '--window', '1mo']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /p\.csv: no column "dat" \(--time\)\. Did you mean "date"\? Columns: date, x, y, pred\./,
    );
  });

  it('names the row, line, column and value of a time that is not a date (real process)', async () => {
    const f = file('p.csv', GOOD.replace('2015-03-02', '03/02/2015'));
    const r = await xlens(f.dir, ['monitor', f.name, '--time', 'date', '--window', '1mo']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /p\.csv:4: row 3 \(line 4\), column "date": "03\/02\/2015" is not an ISO 8601 date \(1 such value\)\. Write dates as 2015-03-01/,
    );
    noStack(r.stderr);
  });

  it('refuses a time column of text', async () => {
    const f = file('p.csv', GOOD);
    const r = await xlensInProcess(f.dir, ['monitor', f.name, '--time', 'y', '--window', '1mo']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /p\.csv:2: row 1 \(line 2\), column "y": "a" is not an ISO 8601 date/);
  });

  it('refuses a reference span that is not two dates in order, or holds no row', async () => {
    const f = file('p.csv', GOOD);
    const args = ['monitor', f.name, '--time', 'date', '--window', '1mo', '--reference'];
    const backwards = await xlensInProcess(f.dir, [...args, '2015-03-01..2015-01-01']);
    assert.equal(backwards.code, 2);
    assert.match(
      backwards.stderr,
      /--reference 2015-03-01\.\.2015-01-01: a span is two ISO 8601 dates, the earlier first/,
    );
    const empty = await xlensInProcess(f.dir, [...args, '2016-01-01..2016-02-01']);
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /--reference 2016-01-01\.\.2016-02-01: no row of p\.csv falls in this span/);
    const missing = await xlensInProcess(f.dir, [...args, 'nothere.csv']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nothere\.csv/);
  });

  it('warns about windows without rows, with few rows and rows without a time, naming them', async () => {
    const f = file('p.csv', `${GOOD}\n,1.0,a,a`);
    const r = await xlensInProcess(f.dir, [
      'monitor',
      f.name,
      '--time',
      'date',
      '--window',
      '1mo',
      '--json',
      '-',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as {
      windows: { label: string; rows: number; warnings: string[]; metrics: Record<string, number> }[];
      warnings: string[];
    };
    assert.deepEqual(
      report.windows.map((w) => [w.label, w.rows]),
      [
        ['2015-01', 2],
        ['2015-02', 0],
        ['2015-03', 2],
      ],
    );
    assert.deepEqual(report.windows[1].warnings, ['no rows: not evaluated']);
    assert.deepEqual(report.windows[1].metrics, {});
    assert.match(report.windows[0].warnings.join('\n'), /only 2 rows \(fewer than 20\)/);
    assert.match(
      report.warnings.join('\n'),
      /p\.csv: 1 row has no time in "date" and belongs to no window, the first at row 5 \(line 6\)/,
    );
    const text = await xlensInProcess(f.dir, ['monitor', f.name, '--time', 'date', '--window', '1mo']);
    assert.match(text.stdout, /^warning: window 2015-02: no rows: not evaluated$/m);
    assert.match(text.stdout, /^2015-02\s+0\s+.*no rows$/m);
  });

  it('refuses a check that does not parse, before reading', async () => {
    const f = file('p.csv', GOOD);
    const r = await xlensInProcess(f.dir, [
      'monitor',
      f.name,
      '--time',
      'date',
      '--window',
      '2',
      '--check',
      'monitor/accuracy >=',
    ]);
    assert.equal(r.code, 2, r.stderr);
    noStack(r.stderr);
  });
});
