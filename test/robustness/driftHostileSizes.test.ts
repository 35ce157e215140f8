/**
 * A drift report of very wide files stays bounded: the HTML report draws the columns with the
 * strongest drift up to a cap and lists the rest in its table without charts, saying how many
 * (issue "Nothing lost, nothing escapes", item 15: two 100,000-column files wrote a 474 MB page).
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MAX_REPORT_COLUMN_CHARTS } from '../../src/core/report/driftReport';
import { tempDir } from '../helpers/gitRepo';
import { xlens } from '../helpers/xlensProcess';

const COLUMNS = 1000;
const ROWS = 40;

/** A CSV of `COLUMNS` numeric columns; `shift` moves every value of column i by shift × i / COLUMNS. */
function wideCsv(shift: number): string {
  const header = Array.from({ length: COLUMNS }, (_, i) => `c${i}`).join(',');
  const rows = Array.from({ length: ROWS }, (_, r) =>
    Array.from({ length: COLUMNS }, (_, i) => ((r * 7 + i) % 13) + (shift * i) / COLUMNS).join(','),
  );
  return `${header}\n${rows.join('\n')}\n`;
}

describe('drift reports of wide files', () => {
  it(`draws at most ${MAX_REPORT_COLUMN_CHARTS} column charts and says how many columns are left out`, async () => {
    const dir = tempDir('xlens-wide-drift-');
    writeFileSync(join(dir, 'reference.csv'), wideCsv(0));
    writeFileSync(join(dir, 'current.csv'), wideCsv(20));
    const result = await xlens(dir, ['drift', 'reference.csv', 'current.csv', '--html', 'report.html']);
    assert.equal(result.code, 0, result.stderr);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    const charts = html.match(/data-chart="drift:column:\d+"/g) ?? [];
    assert.equal(charts.length, MAX_REPORT_COLUMN_CHARTS);
    assert.match(
      html,
      new RegExp(
        `${COLUMNS - MAX_REPORT_COLUMN_CHARTS} more columns, with less drift, are in the table above`,
      ),
    );
    // Every column is still in the table.
    assert.ok(html.includes('>c999<') && html.includes('>c0<'), 'every column is listed');
    assert.ok(statSync(join(dir, 'report.html')).size < 8 * 1024 * 1024, 'the page stays small');
  });
});
