/**
 * Bad lists of column names (`--columns` of xlens drift and xlens monitor, `--proba` of xlens eval and
 * xlens monitor): an unclosed quote or an empty name is exit 2 with one line in the usage-error shape,
 * no stack trace and no report; a name holding a comma typed unquoted is told how to quote it.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { tempDir } from '../helpers/gitRepo';
import { repoRoot, xlens, type Result } from '../helpers/xlensProcess';

const data = join(repoRoot, 'examples/weather-drift/data');

function oneLine(result: Result, command: string, message: RegExp): void {
  assert.equal(result.code, 2, result.stderr);
  assert.equal(result.stdout, '');
  const lines = result.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0], new RegExp(`^xlens ${command}: `));
  assert.match(lines[0], new RegExp(`; see xlens ${command} --help\\)$`));
  assert.match(lines[0], message);
  assert.doesNotMatch(result.stderr, /\n\s+at |Error:/, 'no stack trace');
}

describe('bad lists of column names', () => {
  const drift = ['drift', join(data, 'weather-2012.csv'), join(data, 'weather-2015.csv')];
  const cases: [string, string, RegExp][] = [
    ['an unclosed double quote', 'temp_max,"temp max, °C', /--columns: column 10: the quote " is not closed/],
    ['an unclosed single quote', "'wind", /--columns: column 1: the quote ' is not closed/],
    ['an empty name between commas', 'temp_max,,wind', /--columns: an empty name in "temp_max,,wind"/],
    ['a trailing comma', 'temp_max,', /--columns: an empty name in "temp_max,"/],
    ['no name at all', ' ', /--columns: an empty name in " "/],
  ];
  for (const [name, list, message] of cases) {
    it(`xlens drift --columns: ${name}`, async () => {
      oneLine(await xlens(repoRoot, [...drift, `--columns=${list}`]), 'drift', message);
    });
  }

  it('xlens monitor --columns and --proba, xlens eval --proba read lists the same way', async () => {
    const predictions = join(data, 'weather-2012.csv');
    const monitor = ['monitor', predictions, '--time', 'date', '--window', '3mo'];
    oneLine(
      await xlens(repoRoot, [...monitor, '--columns=wind,"x']),
      'monitor',
      /--columns: column 6: the quote " is not closed/,
    );
    oneLine(await xlens(repoRoot, [...monitor, '--proba=a,,b']), 'monitor', /--proba: an empty name/);
    oneLine(
      await xlens(repoRoot, ['eval', predictions, "--proba=p_yes,'p, no"]),
      'eval',
      /--proba: column 7: the quote ' is not closed/,
    );
  });

  describe('a name holding a comma given unquoted', () => {
    let dir: string;
    before(() => {
      dir = tempDir('xlens-drift-lists-');
      for (const name of ['weather-2012.csv', 'weather-2015.csv']) {
        const rows = parse(readFileSync(join(data, name), 'utf8')) as string[][];
        rows[0] = rows[0].map((column) => (column === 'temp_max' ? 'temp max, °C' : column));
        writeFileSync(join(dir, name), stringify(rows));
      }
    });

    it('is exit 2 naming the column and how to quote it', async () => {
      const result = await xlens(dir, [
        'drift',
        'weather-2012.csv',
        'weather-2015.csv',
        '--columns',
        'temp max, °C',
      ]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(
        result.stderr,
        /weather-2012\.csv: no column "temp max"\. A list of names is split at its commas, so quote this one in it: "temp max, °C"\. The file has: date, precipitation, "temp max, °C", temp_min/,
      );
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    });
  });
});
