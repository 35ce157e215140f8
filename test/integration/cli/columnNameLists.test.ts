/**
 * Lists of column names from real CSV headers that hold a comma or a quote (e.g. `temp max, °C`), named
 * quoted as in `xlens runs --columns`: `xlens drift --columns` tests them and names them in the table and
 * the JSON report; `xlens eval --proba` evaluates one. The files are the weather example's and an eval
 * fixture (scikit-learn's), written back by csv-stringify with columns renamed, so each renamed column must
 * give the figures of its original.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { DriftReport } from '../../../src/core/drift/types';
import { tempDir } from '../../helpers/gitRepo';
import { repoRoot, xlens } from '../../helpers/xlensProcess';

const example = join(repoRoot, 'examples/weather-drift/data');
const COMMA = 'temp max, °C';
const QUOTE = 'wind, "10m" avg';
const RENAMED: Record<string, string> = { temp_max: COMMA, wind: QUOTE };

/** The example's file with temp_max and wind renamed, written by csv-stringify (RFC 4180 quoting). */
function renamedCopy(dir: string, name: string): string {
  const rows = parse(readFileSync(join(example, name), 'utf8')) as string[][];
  rows[0] = rows[0].map((column) => RENAMED[column] ?? column);
  const file = join(dir, name);
  writeFileSync(file, stringify(rows));
  return file;
}

describe('xlens drift --columns with names holding a comma or a quote', () => {
  let dir: string;
  before(() => {
    dir = tempDir('xlens-drift-names-');
    renamedCopy(dir, 'weather-2012.csv');
    renamedCopy(dir, 'weather-2015.csv');
    assert.ok(
      readFileSync(join(dir, 'weather-2012.csv'), 'utf8').startsWith(
        'date,precipitation,"temp max, °C",temp_min,"wind, ""10m"" avg",weather\n',
      ),
    );
  });

  it('tests the quoted columns and names them in the table and in --json', async () => {
    const list = `"${COMMA}",'wind, "10m" avg'`;
    const args = ['drift', 'weather-2012.csv', 'weather-2015.csv', '--columns', list];
    const table = await xlens(dir, args);
    assert.equal(table.code, 0, table.stderr);
    const json = await xlens(dir, [...args, '--json', '-']);
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout) as DriftReport;
    assert.deepEqual(report.columns.map((c) => c.name).sort(), [COMMA, QUOTE].sort());
    assert.equal(report.dataset.columns, 2, 'both columns are tested');

    // The same columns under their original names in the example's files: the same tests and figures.
    const original = await xlens(join(repoRoot, 'examples/weather-drift'), [
      'drift',
      'data/weather-2012.csv',
      'data/weather-2015.csv',
      '--columns',
      'temp_max,wind',
      '--json',
      '-',
    ]);
    assert.equal(original.code, 0, original.stderr);
    const expected = JSON.parse(original.stdout) as DriftReport;
    for (const [was, now] of Object.entries(RENAMED)) {
      const a = expected.columns.find((c) => c.name === was)!;
      const b = report.columns.find((c) => c.name === now)!;
      assert.equal(b.method, a.method, now);
      assert.equal(b.statistic, a.statistic, now);
      assert.equal(b.drifted, a.drifted, now);
      // The table names the column on the line of its test and statistic.
      const line = table.stdout.split('\n').find((l) => l.startsWith(now));
      assert.ok(line !== undefined, `${now} has a line in the table:\n${table.stdout}`);
      assert.match(line, new RegExp(`\\s${b.method}\\s`));
    }
    assert.match(table.stdout, /of 2 tested columns drifted/);
  });
});

describe('xlens eval --proba with a name holding a comma', () => {
  it('evaluates the quoted score column as its original', async () => {
    const dir = tempDir('xlens-eval-names-');
    const fixtures = join(repoRoot, 'test/fixtures/eval');
    const rows = parse(readFileSync(join(fixtures, 'decision-scores.csv'), 'utf8')) as string[][];
    rows[0] = rows[0].map((column) => (column === 'margin' ? 'margin, raw' : column));
    writeFileSync(join(dir, 'scores.csv'), stringify(rows));
    const renamed = await xlens(dir, ['eval', 'scores.csv', '--proba', '"margin, raw"', '--json', '-']);
    assert.equal(renamed.code, 0, renamed.stderr);
    const original = await xlens(fixtures, [
      'eval',
      'decision-scores.csv',
      '--proba',
      'margin',
      '--json',
      '-',
    ]);
    assert.equal(original.code, 0, original.stderr);
    const a = JSON.parse(original.stdout) as { columns: { proba: unknown }; evaluation: unknown };
    const b = JSON.parse(renamed.stdout) as typeof a;
    assert.deepEqual(b.columns.proba, [{ column: 'margin, raw', label: null }]);
    assert.deepEqual(b.evaluation, a.evaluation);
  });
});
