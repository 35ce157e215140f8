import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UserInputError } from '../../../src/core/base/errors';
import { columnIndices, isMissing, parseTable, readTable, toNumber } from '../../../src/core/train/table';

describe('CSV tables', () => {
  it('reads header, rows and the line of each row, skipping blank lines', () => {
    const table = parseTable('a,b\n1,x\n\n"2,5",y\n', 'd.csv');
    assert.deepEqual(table.columns, ['a', 'b']);
    assert.deepEqual(table.rows, [
      ['1', 'x'],
      ['2,5', 'y'],
    ]);
    assert.deepEqual(table.lines, [2, 4]);
  });

  it('names the file and line of a ragged row', () => {
    assert.throws(
      () => parseTable('a,b,c\n1,2,3\n4,5\n', 'data/train.csv'),
      (error: unknown) =>
        error instanceof UserInputError &&
        error.file === 'data/train.csv' &&
        error.line === 3 &&
        /^data\/train\.csv:3: .*as many fields as the header/.test(error.message),
    );
  });

  it('rejects an empty file, a header without rows and duplicate column names', () => {
    assert.throws(() => parseTable('', 'e.csv'), /e\.csv: the file is empty/);
    assert.throws(() => parseTable('a,b\n', 'h.csv'), /h\.csv: the file has a header but no data rows/);
    assert.throws(() => parseTable('a,a\n1,2\n', 'd.csv'), /column "a" appears twice/);
  });

  it('names a missing column, its role and the columns that exist', () => {
    const table = parseTable('x,y\n1,2\n', 'd.csv');
    assert.deepEqual(columnIndices(table, ['y', 'x'], 'feature'), [1, 0]);
    assert.throws(
      () => columnIndices(table, ['species'], 'target'),
      /d\.csv:1: target column "species" is not in the header; available columns: x, y/,
    );
  });

  it('says when the data file does not exist', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xlens-table-'));
    assert.throws(() => readTable(join(dir, 'nope.csv'), 'nope.csv'), /nope\.csv: data file not found/);
    writeFileSync(join(dir, 'bom.csv'), '\ufeffa\n1\n');
    assert.deepEqual(readTable(join(dir, 'bom.csv')).columns, ['a']);
  });

  it('treats empty and NA-like cells as missing and parses only plain numbers', () => {
    for (const text of ['', 'NA', 'N/A', 'NaN', 'null', 'None']) {
      assert.ok(isMissing(text), text);
    }
    assert.equal(isMissing('0'), false);
    assert.equal(toNumber('-1.5e3'), -1500);
    assert.equal(toNumber('.5'), 0.5);
    assert.equal(toNumber('0x10'), undefined);
    assert.equal(toNumber('12 kg'), undefined);
    assert.equal(toNumber('Infinity'), undefined);
  });
});
