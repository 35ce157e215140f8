// Cells that do not fit their column: a numeric column with a few stray cells stays numerical and names
// them (file row and line), many stray cells make categories, and type overrides read dates as numbers.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isFewNonNumbers } from '../../../src/core/data/nonNumbers';
import { lineNumbersOfRows } from '../../../src/core/data/lines';
import { loadTable } from '../../../src/core/data/load';
import type { Column, Table } from '../../../src/core/data/types';

const dir = mkdtempSync(join(tmpdir(), 'xlens-unparsable-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const datasets = join(__dirname, '../../../node_modules/vega-datasets/data');

interface Car {
  [key: string]: string | number | null;
}
const cars = JSON.parse(readFileSync(join(datasets, 'cars.json'), 'utf8')) as Car[];
const keys = Object.keys(cars[0]);

/** cars.json as CSV (quoted names), with some cells replaced: `edits[row][column] = text`. */
function carsCsv(name: string, edits: Record<number, Record<string, string>> = {}): string {
  const cell = (v: string | number | null): string =>
    v === null ? '' : typeof v === 'number' ? String(v) : `"${v.replace(/"/g, '""')}"`;
  const lines = cars.map((car, row) => keys.map((k) => edits[row]?.[k] ?? cell(car[k])).join(','));
  const path = join(dir, name);
  writeFileSync(path, `${keys.join(',')}\n${lines.join('\n')}\n`);
  return path;
}

function column(table: Table, name: string): Column {
  const found = table.columns.find((c) => c.name === name);
  assert.ok(found, `column ${name}`);
  return found;
}

describe('a numeric column with a few cells that are not numbers', () => {
  it('stays numerical; the cells count as missing and are named with their file line', async () => {
    // Row 5 is on line 7 (header on line 1), row 17 on line 19.
    const path = carsCsv('cars_bad.csv', { 5: { Horsepower: 'n/a?' }, 17: { Horsepower: 'abc' } });
    const table = await loadTable(path);
    const hp = column(table, 'Horsepower');
    assert.equal(hp.type, 'numerical');
    assert.equal(hp.storage, 'numeric');
    const trulyMissing = cars.filter((c) => c.Horsepower === null).length;
    assert.equal(hp.unparsable, 2);
    assert.equal(hp.missing, trulyMissing + 2);
    assert.deepEqual(hp.unparsableExamples, [
      { row: 5, line: 7, value: 'n/a?' },
      { row: 17, line: 19, value: 'abc' },
    ]);
    assert.ok(hp.storage === 'numeric' && Number.isNaN(hp.values[5]));
    assert.equal(hp.storage === 'numeric' && hp.values[6], cars[6].Horsepower);
    assert.equal(readFileSync(path, 'utf8').split('\n')[6].split(',')[4], 'n/a?');
  });

  it('names the right line after a quoted field that spans lines and after blank lines', async () => {
    const path = join(dir, 'multiline.csv');
    const rows = Array.from({ length: 30 }, (_, i) => `r${i},${i * 1.5}`);
    rows[3] = '"a name\nover two lines",4.5';
    rows[10] = '\nr10,18,5'.replace('18,5', '"18,5"');
    writeFileSync(path, `name,mpg\n${rows.join('\n')}\n`);
    const mpg = column(await loadTable(path), 'mpg');
    assert.equal(mpg.type, 'numerical');
    // Lines: header 1, rows 0–2 on 2–4, row 3 on 5–6, rows 4–9 on 7–12, a blank 13, row 10 on 14.
    assert.deepEqual(mpg.unparsableExamples, [{ row: 10, line: 14, value: '18,5' }]);
    assert.equal(readFileSync(path, 'utf8').split('\n')[13], 'r10,"18,5"');
  });

  it('keeps a single stray cell numerical with sampling too, counting only the sampled rows', async () => {
    const path = carsCsv('cars_badtarget.csv', { 40: { Miles_per_Gallon: '"18,5"' } });
    const full = column(await loadTable(path), 'Miles_per_Gallon');
    assert.equal(full.type, 'numerical');
    assert.deepEqual(full.unparsableExamples, [{ row: 40, line: 42, value: '18,5' }]);
    const sampled = await loadTable(path, { maxRows: 100, seed: 7 });
    const mpg = column(sampled, 'Miles_per_Gallon');
    assert.equal(mpg.type, 'numerical');
    assert.ok(mpg.storage === 'numeric');
    const nan = Array.from(mpg.values).filter((v) => Number.isNaN(v)).length;
    assert.equal(mpg.missing, nan);
    assert.ok(mpg.unparsable <= 1);
  });

  it('becomes categorical, every value kept as written, when stray cells are more than a few', async () => {
    const edits: Record<number, Record<string, string>> = {};
    for (let row = 0; row < cars.length; row += 10) {
      edits[row] = { Cylinders: 'other' };
    }
    const table = await loadTable(carsCsv('cars_many.csv', edits));
    const cylinders = column(table, 'Cylinders');
    assert.equal(cylinders.storage, 'dictionary');
    assert.ok(cylinders.storage === 'dictionary');
    assert.equal(cylinders.missing, 0);
    assert.equal(cylinders.unparsable, 0);
    const decoded = Array.from(cylinders.codes, (c) => cylinders.dictionary[c]);
    assert.deepEqual(
      decoded,
      cars.map((car, row) => (edits[row] ? 'other' : String(car.Cylinders))),
    );
  });

  it('applies the tolerance rule: at most 2% of the cells, or one cell among at least 10 numbers', () => {
    assert.equal(isFewNonNumbers(0, 3), true);
    assert.equal(isFewNonNumbers(1, 9), false);
    assert.equal(isFewNonNumbers(1, 10), true);
    assert.equal(isFewNonNumbers(2, 98), true);
    assert.equal(isFewNonNumbers(3, 98), false);
    assert.equal(isFewNonNumbers(20, 980), true);
    assert.equal(isFewNonNumbers(21, 980), false);
  });

  it('in JSON Lines: a string among numbers stays a missing number, named by its line', async () => {
    const path = join(dir, 'mixed.jsonl');
    const lines = Array.from({ length: 20 }, (_, i) => JSON.stringify({ x: i, zip: `0${2100 + i}` }));
    lines[12] = JSON.stringify({ x: 'twelve', zip: '02112' });
    writeFileSync(path, `${lines.slice(0, 5).join('\n')}\n\n${lines.slice(5).join('\n')}\n`);
    const table = await loadTable(path);
    const x = column(table, 'x');
    assert.equal(x.type, 'numerical');
    assert.deepEqual(x.unparsableExamples, [{ row: 12, line: 14, value: 'twelve' }]);
    // Strings that look like numbers stay literal categories (zip codes keep their leading zero).
    const zip = column(table, 'zip');
    assert.ok(zip.storage === 'dictionary');
    assert.equal(zip.dictionary[0], '02100');
  });
});

describe('type overrides', () => {
  it('numerical on ISO dates reads them as Unix milliseconds', async () => {
    const path = join(datasets, 'seattle-weather.csv');
    const table = await loadTable(path, { types: { date: 'numerical' } });
    const date = column(table, 'date');
    assert.equal(date.type, 'numerical');
    assert.ok(date.storage === 'numeric');
    assert.equal(date.missing, 0);
    assert.equal(date.unparsable, 0);
    assert.ok((date.datesAsNumbers ?? 0) > 0);
    const firstLine = readFileSync(path, 'utf8').split('\n')[1];
    assert.equal(date.values[0], Date.parse(firstLine.split(',')[0]));
    assert.equal(date.values[0], Date.UTC(2012, 0, 1));
  });

  it('numerical on words counts every value as unparsable, with examples and lines', async () => {
    const table = await loadTable(join(datasets, 'seattle-weather.csv'), { types: { weather: 'numerical' } });
    const weather = column(table, 'weather');
    assert.equal(weather.unparsable, table.rows);
    assert.equal(weather.missing, table.rows);
    assert.deepEqual(weather.unparsableExamples, [
      { row: 0, line: 2, value: 'drizzle' },
      { row: 1, line: 3, value: 'rain' },
      { row: 2, line: 4, value: 'rain' },
    ]);
  });
});

describe('a folder given as a data file', () => {
  it('says it is a folder, not an unsupported file type', async () => {
    await assert.rejects(
      loadTable(dir, { displayName: 'data/' }),
      /^UserInputError: data\/: is a folder, expected a data file/,
    );
  });
});

describe('lineNumbersOfRows', () => {
  it('locates CSV rows across CRLF line ends, quoted line breaks and blank lines', async () => {
    const path = join(dir, 'crlf.csv');
    writeFileSync(path, 'a,b\r\n1,2\r\n\r\n"x\r\ny",3\r\n4,5\r\n\r\n\r\n"p\nq\rr",6\r\n7,8');
    // Lines: header 1, row 0 on 2, blank 3, row 1 on 4–5, row 2 on 6, blanks 7–8, row 3 on 9–11, row 4 on 12.
    assert.deepEqual(
      [...(await lineNumbersOfRows(path, 'csv', [4, 0, 1, 2, 3, 9]))].sort((p, q) => p[0] - q[0]),
      [
        [0, 2],
        [1, 4],
        [2, 6],
        [3, 9],
        [4, 12],
      ],
    );
  });
});
