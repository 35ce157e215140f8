// Loading real files into typed columns: CSV/TSV, JSON Lines, Parquet, Arrow IPC; type inference,
// overrides, missing values, seeded sampling, and the errors a user sees for bad files.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { UserInputError } from '../../../src/core/base/errors';
import { loadTable } from '../../../src/core/data/load';
import type { Column, DictionaryColumn, NumericColumn, Table } from '../../../src/core/data/types';

const dir = mkdtempSync(join(tmpdir(), 'xlens-data-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const datasets = join(__dirname, '../../../node_modules/vega-datasets/data');

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function column(table: Table, name: string): Column {
  const found = table.columns.find((c) => c.name === name);
  assert.ok(found, `column ${name}`);
  return found;
}

function numeric(table: Table, name: string): NumericColumn {
  const c = column(table, name);
  assert.equal(c.storage, 'numeric', `${name} is numeric`);
  return c;
}

function dictionary(table: Table, name: string): DictionaryColumn {
  const c = column(table, name);
  assert.equal(c.storage, 'dictionary', `${name} is dictionary-coded`);
  return c;
}

function decode(c: DictionaryColumn): (string | null)[] {
  return Array.from(c.codes, (code) => (code < 0 ? null : c.dictionary[code]));
}

async function rejects(path: string, pattern: RegExp, line?: number): Promise<UserInputError> {
  let caught: unknown;
  try {
    await loadTable(path);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof UserInputError, `expected a UserInputError, got ${String(caught)}`);
  assert.match(caught.message, pattern);
  assert.equal(caught.file, path);
  if (line !== undefined) {
    assert.equal(caught.line, line);
  }
  return caught;
}

describe('CSV and TSV', () => {
  it('infers numerical, categorical, datetime and text columns and counts missing values', async () => {
    const long = (i: number): string => `"free text number ${i}, long enough to read as prose, not a label"`;
    const rows = ['id,score,city,when,comment'];
    for (let i = 0; i < 10; i++) {
      const score = i === 3 ? 'NA' : i === 7 ? '' : `${i * 1.5}`;
      rows.push(`${i},${score},${i % 2 ? 'Oslo' : '"Rio, BR"'},2024-01-0${i === 9 ? 9 : i + 1},${long(i)}`);
    }
    const table = await loadTable(file('mixed.csv', `${rows.join('\n')}\n`));
    assert.equal(table.rows, 10);
    assert.equal(table.format, 'csv');
    const score = numeric(table, 'score');
    assert.equal(score.type, 'numerical');
    assert.ok(score.values instanceof Float64Array);
    assert.equal(score.missing, 2);
    assert.ok(Number.isNaN(score.values[3]) && Number.isNaN(score.values[7]));
    assert.equal(score.values[4], 6);
    const city = dictionary(table, 'city');
    assert.equal(city.type, 'categorical');
    assert.ok(city.codes instanceof Int32Array);
    assert.deepEqual(decode(city).slice(0, 3), ['Rio, BR', 'Oslo', 'Rio, BR']);
    const when = numeric(table, 'when');
    assert.equal(when.type, 'datetime');
    assert.equal(when.values[0], Date.UTC(2024, 0, 1));
    assert.equal(dictionary(table, 'comment').type, 'text');
  });

  it('reads the real Seattle weather file with every value kept', async () => {
    const table = await loadTable(join(datasets, 'seattle-weather.csv'));
    assert.equal(table.rows, 1461);
    assert.deepEqual(
      table.columns.map((c) => `${c.name}:${c.type}`),
      [
        'date:datetime',
        'precipitation:numerical',
        'temp_max:numerical',
        'temp_min:numerical',
        'wind:numerical',
        'weather:categorical',
      ],
    );
    assert.deepEqual([...dictionary(table, 'weather').dictionary].sort(), [
      'drizzle',
      'fog',
      'rain',
      'snow',
      'sun',
    ]);
    assert.ok(table.columns.every((c) => c.missing === 0));
  });

  it('reads TSV by extension', async () => {
    const table = await loadTable(join(datasets, 'unemployment.tsv'));
    assert.equal(table.format, 'tsv');
    assert.equal(table.rows, 3218);
    assert.equal(numeric(table, 'rate').values[0], 0.097);
  });

  it('applies type overrides and counts values that do not fit as unparsable', async () => {
    const path = file('override.csv', 'zip,amount\n02134,10\n10001,n/a\n94105,12x\n');
    const table = await loadTable(path, { types: { zip: 'categorical', amount: 'numerical' } });
    assert.deepEqual(decode(dictionary(table, 'zip')), ['02134', '10001', '94105']);
    const amount = numeric(table, 'amount');
    assert.equal(amount.missing, 2);
    assert.equal(amount.unparsable, 1);
  });

  it('turns a column with a stray word into categories without losing rows', async () => {
    const table = await loadTable(file('stray.csv', 'v\n1\n2.5\nunknown\n\n4\n'));
    const v = dictionary(table, 'v');
    assert.deepEqual(decode(v), ['1', '2.5', 'unknown', '4']);
  });

  it('loads only the requested columns', async () => {
    const table = await loadTable(join(datasets, 'seattle-weather.csv'), { columns: ['wind', 'weather'] });
    assert.deepEqual(
      table.columns.map((c) => c.name),
      ['wind', 'weather'],
    );
    assert.equal(table.fileColumns.length, 6);
  });
});

describe('JSON Lines', () => {
  it('maps keys to columns; absent keys and nulls are missing, booleans are categories', async () => {
    const path = file(
      'rows.jsonl',
      [
        '{"a": 1, "b": "x", "ok": true}',
        '',
        '{"a": null, "ok": false, "c": 3.5}',
        '{"a": 2.5, "b": "y"}',
      ].join('\n'),
    );
    const table = await loadTable(path);
    assert.equal(table.rows, 3);
    assert.deepEqual(table.fileColumns, ['a', 'b', 'ok', 'c']);
    assert.deepEqual(Array.from(numeric(table, 'a').values), [1, NaN, 2.5]);
    assert.deepEqual(decode(dictionary(table, 'b')), ['x', null, 'y']);
    assert.deepEqual(decode(dictionary(table, 'ok')), ['true', 'false', null]);
    const c = numeric(table, 'c');
    assert.equal(c.missing, 2);
    assert.equal(c.values[1], 3.5);
  });

  it('names file and line of a line that is not a JSON object', async () => {
    await rejects(file('bad.jsonl', '{"a": 1}\n{"a": 2\n'), /bad\.jsonl:2: not valid JSON/, 2);
    await rejects(file('array.jsonl', '{"a": 1}\n\n[1, 2]\n'), /array\.jsonl:3: expected a JSON object/, 3);
  });
});

describe('Parquet and Arrow IPC', () => {
  it('reads flights-3m.parquet column by column into typed arrays, timestamps as datetimes', async () => {
    const table = await loadTable(join(datasets, 'flights-3m.parquet'), {
      columns: ['date', 'delay', 'origin'],
    });
    assert.equal(table.format, 'parquet');
    assert.equal(table.rows, 3_000_000);
    assert.deepEqual(table.fileColumns, ['date', 'delay', 'distance', 'origin', 'destination']);
    const date = numeric(table, 'date');
    assert.equal(date.type, 'datetime');
    assert.equal(new Date(date.values[0]).toISOString().slice(0, 7), '2001-01');
    assert.equal(numeric(table, 'delay').values.length, 3_000_000);
    const origin = dictionary(table, 'origin');
    assert.equal(origin.type, 'categorical');
    assert.ok(origin.dictionary.length > 100 && origin.dictionary.length < 1000);
  });

  it('decodes numeric columns on the fast path to the same values as hyparquet row reading', async () => {
    const path = join(datasets, 'flights-3m.parquet');
    const table = await loadTable(path, { columns: ['date', 'delay', 'distance'] });
    const file = await asyncBufferFromFile(path);
    for (const start of [0, 272_700, 1_500_000, 2_999_000]) {
      const rows = await parquetReadObjects({ file, compressors, rowStart: start, rowEnd: start + 1000 });
      rows.forEach((row, i) => {
        assert.equal(numeric(table, 'delay').values[start + i], Number(row.delay as bigint));
        assert.equal(numeric(table, 'distance').values[start + i], Number(row.distance as bigint));
        assert.equal(numeric(table, 'date').values[start + i], (row.date as Date).getTime());
      });
    }
  });

  it('reads flights-200k.arrow', async () => {
    const table = await loadTable(join(datasets, 'flights-200k.arrow'));
    assert.equal(table.format, 'arrow');
    assert.equal(table.rows, 200_000);
    assert.deepEqual(
      table.columns.map((c) => `${c.name}:${c.type}`),
      ['delay:numerical', 'distance:numerical', 'time:numerical'],
    );
  });

  it('keeps Arrow nulls as missing values', async () => {
    const ipc = tableToIPC(
      tableFromArrays({ x: Float64Array.from([1, 2, 3]), label: ['a', 'b', 'a'] }),
      'file',
    );
    const table = await loadTable(file('small.arrow', ipc));
    assert.deepEqual(Array.from(numeric(table, 'x').values), [1, 2, 3]);
    assert.deepEqual(decode(dictionary(table, 'label')), ['a', 'b', 'a']);
  });
});

describe('sampling', () => {
  it('samples the same rows for the same seed, keeps file order and reports it', async () => {
    const path = join(datasets, 'seattle-weather.csv');
    const a = await loadTable(path, { maxRows: 100, seed: 7 });
    const b = await loadTable(path, { maxRows: 100, seed: 7 });
    const c = await loadTable(path, { maxRows: 100, seed: 8 });
    assert.deepEqual(a.sampling, { applied: true, maxRows: 100, seed: 7, rowsBefore: 1461, rowsAfter: 100 });
    assert.equal(a.rows, 100);
    const dates = numeric(a, 'date').values;
    assert.deepEqual(Array.from(dates), Array.from(numeric(b, 'date').values));
    assert.notDeepEqual(Array.from(dates), Array.from(numeric(c, 'date').values));
    assert.ok(
      dates.every((v, i) => i === 0 || v > dates[i - 1]),
      'file order kept',
    );
    const all = await loadTable(path, { maxRows: 5000 });
    assert.equal(all.sampling.applied, false);
    assert.equal(all.rows, 1461);
  });
});

describe('bad input gives a clear error naming the file and row', () => {
  it('ragged rows', async () => {
    const error = await rejects(
      file('ragged.csv', 'a,b,c\n1,2,3\n4,5\n6,7,8\n'),
      /ragged\.csv:3: row has 2 fields but the header has 3/,
      3,
    );
    assert.match(error.message, /Quote fields/);
  });

  it('a file that is not UTF-8', async () => {
    const latin1 = Buffer.from('name,city\nAna,S\xe3o Paulo\n', 'latin1');
    const error = await rejects(
      file('latin1.csv', latin1),
      /latin1\.csv:2: the file is not valid UTF-8 \(byte 0xe3/,
      2,
    );
    assert.match(error.message, /iconv/);
  });

  it('a bad byte far into a large file, located by line; multi-byte characters across chunks are fine', async () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => `${i},café ${i}`);
    const good = Buffer.from(`a,b\n${rows.join('\n')}\n`, 'utf8');
    const table = await loadTable(file('big.csv', good));
    assert.equal(table.rows, 200_000);
    assert.equal(dictionary(table, 'b').dictionary[123_456], 'café 123456');
    const bad = Buffer.concat([good, Buffer.from('5,caf\xe9\n', 'latin1')]);
    await rejects(
      file('bigbad.csv', bad),
      new RegExp(`bigbad\\.csv:200002: .*byte offset ${good.length + 5}\\)`),
      200_002,
    );
  });

  it('an empty file and a header without rows', async () => {
    await rejects(file('empty.csv', ''), /empty\.csv: the file is empty/);
    await rejects(file('blank.csv', '\n\n'), /blank\.csv: the file is empty/);
    await rejects(file('header.csv', 'a,b\n'), /header\.csv: the file has a header but no data rows/);
    await rejects(file('empty.jsonl', ''), /empty\.jsonl: the file is empty/);
    await rejects(file('empty.parquet', ''), /empty\.parquet: the file is empty/);
    await rejects(file('empty.arrow', ''), /empty\.arrow: the file is empty/);
  });

  it('a missing column, listing the columns the file has', async () => {
    const path = join(datasets, 'seattle-weather.csv');
    await assert.rejects(loadTable(path, { columns: ['temp_max', 'humidity'] }), (error: unknown) => {
      assert.ok(error instanceof UserInputError);
      assert.match(
        error.message,
        /seattle-weather\.csv: no column "humidity"\. The file has: date, precipitation/,
      );
      return true;
    });
    await assert.rejects(
      loadTable(join(datasets, 'flights-200k.arrow'), { columns: ['nope'] }),
      /no column "nope"/,
    );
  });

  it('duplicate header names, unknown extensions, files that are not what they claim', async () => {
    await rejects(
      file('dup.csv', 'a,b,a\n1,2,3\n'),
      /dup\.csv:1: column name "a" appears twice \(columns 1 and 3\)/,
    );
    await rejects(file('data.xlsx', 'x'), /unsupported file type "\.xlsx"/);
    await rejects(file('fake.parquet', 'a,b\n1,2\n'), /fake\.parquet: not a readable Parquet file/);
    await rejects(join(dir, 'missing.csv'), /missing\.csv: file not found/);
  });
});
