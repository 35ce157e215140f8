/**
 * Property tests of the fast reader of plain CSV/TSV files (`plainCsv.ts`) against the general one
 * (`csv-parse`): on random files (numbers in every written form, NA tokens, blank and spaced cells,
 * text, dates, non-ASCII, blank lines, LF or CRLF, with or without a last line end, a BOM, sampling,
 * type overrides, chosen columns) both give identical columns, and on files that are not plain (quotes,
 * a lone CR, mixed line ends, ragged rows, a duplicate name) the fast reader gives up and `readDelimited`
 * gives the general reader's result or message.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import {
  readDelimited,
  readDelimitedGeneral,
  type RawTable,
  type ReadOptions,
} from '../../src/core/data/csv';
import { plainFileColumns } from '../../src/core/data/load';
import { parseNumberAt, readPlainDelimited } from '../../src/core/data/plainCsv';
import type { ColumnType } from '../../src/core/data/types';
import { tempDir } from '../helpers/gitRepo';

const RUNS = Number(process.env.XLENS_FUZZ_RUNS ?? 200);
const dir = tempDir('xlens-plain-csv-');
after(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;

/** Number cells in the forms writers produce, and a few edge cases of the syntax. */
const numberCell: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.double({ noNaN: true }).map(String),
  fc.double({ min: 0, max: 1, noNaN: true }).map((v) => v.toPrecision(17)),
  fc
    .tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.nat(20))
    .map(([v, digits]) => v.toExponential(digits)),
  fc.constantFrom(
    '-0',
    '+5',
    '.5',
    '5.',
    '1.e5',
    '.5E-3',
    '0e999',
    '1e400',
    '-1e-400',
    '007',
    '0.000123',
    '123456789012345',
    '1234567890123456789',
    '9007199254740993',
    '1e22',
    '1e23',
    '1.5e-22',
    '4.35e-23',
    '1e',
    '1e+',
    '.',
    '-',
    '+.e1',
    '1..2',
    '1e5.5',
  ),
);

const otherCell: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', ' ', 'NA', 'nan', 'NULL', 'None', '-nan', 'inf', '-Infinity', ' 12 ', '3 ', '\t4'),
  fc.constantFrom('cat', 'dog', 'émile', '日本', '😀', 'a b', '2024-01-31', '2024-02-01T10:00:00Z', '?'),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
);

/** A cell of a column: mostly of one kind, so numeric, mixed and text columns all occur. */
function cellOf(kind: number): fc.Arbitrary<string> {
  return kind === 0
    ? numberCell
    : kind === 1
      ? fc.oneof({ weight: 20, arbitrary: numberCell }, { weight: 1, arbitrary: otherCell })
      : fc.oneof(numberCell, otherCell);
}

interface RandomFile {
  header: string[];
  rows: string[][];
  crlf: boolean;
  bom: boolean;
  lastLineEnd: boolean;
  blankLines: number[];
}

/** Cells without the characters that make a file not plain. */
const plainText = (s: string, delimiter: string): string =>
  s
    .replace(/["\r\n]/g, '')
    .split(delimiter)
    .join('');

function randomFile(delimiter: string): fc.Arbitrary<RandomFile> {
  return fc
    .record({
      width: fc.integer({ min: 1, max: 5 }),
      kinds: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 5, maxLength: 5 }),
      height: fc.integer({ min: 1, max: 40 }),
    })
    .chain(({ width, kinds, height }) =>
      fc.record({
        header: fc.uniqueArray(fc.oneof(fc.constantFrom('y', ' pred ', '', 'proba', 'é'), fc.string()), {
          minLength: width,
          maxLength: width,
          selector: (h) => plainText(h, delimiter).trim(),
        }),
        rows: fc.array(fc.tuple(...kinds.slice(0, width).map(cellOf)), {
          minLength: height,
          maxLength: height,
        }),
        crlf: fc.boolean(),
        bom: fc.boolean(),
        lastLineEnd: fc.boolean(),
        blankLines: fc.array(fc.nat(height), { maxLength: 3 }),
      }),
    )
    .map((f) => ({
      ...f,
      header: f.header.map((h) => plainText(h, delimiter)),
      rows: f.rows.map((r) => r.map((c) => plainText(c, delimiter))),
    }));
}

function text(file: RandomFile, delimiter: string): string {
  const end = file.crlf ? '\r\n' : '\n';
  const lines = [file.header.join(delimiter)];
  file.rows.forEach((row, i) => {
    lines.push(row.join(delimiter));
    for (const at of file.blankLines) {
      if (at === i) {
        lines.push('');
      }
    }
  });
  return `${file.bom ? '\uFEFF' : ''}${lines.join(end)}${file.lastLineEnd ? end : ''}`;
}

/** A table as plain values: Object.is semantics for numbers (NaN equals NaN, -0 differs from 0). */
function plain(table: RawTable): unknown {
  return {
    ...table,
    columns: table.columns.map((c) =>
      c.storage === 'numeric' ? { ...c, values: Array.from(c.values) } : { ...c, codes: Array.from(c.codes) },
    ),
  };
}

/** What a read gave: the table as plain values, undefined (the fast reader gave up) or the error. */
type Outcome = unknown;

/** True for an outcome that is an error. */
const failed = (o: Outcome): boolean => typeof o === 'object' && o !== null && 'error' in o;

async function outcome(read: () => Promise<RawTable | undefined>): Promise<Outcome> {
  try {
    const table = await read();
    return table === undefined ? undefined : plain(table);
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function write(content: string, delimiter: string): string {
  const path = join(dir, `${counter++}.${delimiter === ',' ? 'csv' : 'tsv'}`);
  writeFileSync(path, content);
  return path;
}

/** Options the readers take: chosen columns, type overrides, sampling. */
function options(header: string[]): fc.Arbitrary<ReadOptions> {
  const names = [...new Set(header.map((h, i) => (h.trim() === '' ? `column_${i + 1}` : h.trim())))];
  return fc.record(
    {
      columns: fc.subarray(names, { minLength: 1 }),
      types: fc
        .array(
          fc.tuple(
            fc.constantFrom(...names),
            fc.constantFrom<ColumnType>('numerical', 'categorical', 'datetime', 'text'),
          ),
          { maxLength: 2 },
        )
        .map((pairs) => Object.fromEntries(pairs)),
      sample: fc.record({ maxRows: fc.integer({ min: 1, max: 30 }), seed: fc.nat() }),
    },
    { requiredKeys: [] },
  );
}

describe('plain CSV/TSV reader', () => {
  for (const delimiter of [',', '\t'] as const) {
    const label = delimiter === ',' ? 'CSV' : 'TSV';
    it(`${label}: a plain file gives the general reader's columns`, async () => {
      await fc.assert(
        fc.asyncProperty(
          randomFile(delimiter).chain((file) => fc.tuple(fc.constant(file), options(file.header))),
          async ([file, opts]) => {
            const path = write(text(file, delimiter), delimiter);
            const general = await outcome(() => readDelimitedGeneral(path, 'f', delimiter, opts));
            const fast = await outcome(() => readPlainDelimited(path, 'f', delimiter, opts));
            if (failed(general)) {
              assert.equal(fast, undefined, 'the fast reader gives up where the general one fails');
            } else if (file.header.join(delimiter) === '') {
              // A blank first line: csv-parse skips it and takes the next line as the header.
              assert.ok(fast === undefined || isDeepStrictEqual(fast, general));
            } else {
              assert.notEqual(fast, undefined, 'a plain file is read by the fast reader');
              assert.deepStrictEqual(fast, general);
            }
            assert.deepStrictEqual(await outcome(() => readDelimited(path, 'f', delimiter, opts)), general);
          },
        ),
        { numRuns: RUNS },
      );
    });

    it(`${label}: a file that is not plain is read by the general reader`, async () => {
      const breakage = fc.oneof(
        fc.constantFrom('"', '"a,b"', '""', '\r', 'x\ry', '"multi\nline"'),
        fc.constant(delimiter),
      );
      await fc.assert(
        fc.asyncProperty(
          randomFile(delimiter),
          fc.nat(),
          breakage,
          fc.boolean(),
          async (file, at, inserted, mixEnds) => {
            let content = text(file, delimiter);
            const i = at % (content.length + 1);
            content = content.slice(0, i) + inserted + content.slice(i);
            if (mixEnds) {
              content = content.replace(file.crlf ? '\r\n' : '\n', file.crlf ? '\n' : '\r\n');
            }
            const path = write(content, delimiter);
            const general = await outcome(() => readDelimitedGeneral(path, 'f', delimiter));
            assert.deepStrictEqual(await outcome(() => readDelimited(path, 'f', delimiter)), general);
            const fast = await outcome(() => readPlainDelimited(path, 'f', delimiter));
            if (fast !== undefined) {
              assert.deepStrictEqual(fast, general);
            }
          },
        ),
        { numRuns: RUNS },
      );
    });
  }

  it('names the columns from the first line only when that line is a plain header', async () => {
    const cases: [string, string, string[] | undefined][] = [
      ['f.csv', 'y, pred ,,proba\n1,1,1,0.9\n', ['y', 'pred', 'column_3', 'proba']],
      ['f.csv', '\uFEFFy,pred\r\n1,1\r\n', ['y', 'pred']],
      ['f.tsv', 'y\tpred,x\n1\t1,2\n', ['y', 'pred,x']],
      ['f.csv', '"y",pred\n1,1\n', undefined], // quoted: csv-parse decides
      ['f.csv', '\ny,pred\n1,1\n', undefined], // blank first line: the header is further down
      ['f.csv', 'y,pred\r1,1\r', undefined], // CR line ends: the first line is not the first record
      ['f.csv', 'y,pred', undefined], // no line end: maybe not complete
      ['f.jsonl', '{"y":1}\n', undefined],
    ];
    for (const [name, content, expected] of cases) {
      const path = join(dir, `${counter++}-${name}`);
      writeFileSync(path, content);
      assert.deepStrictEqual(plainFileColumns(path), expected, JSON.stringify(content));
      if (expected !== undefined) {
        const table = await readDelimitedGeneral(path, 'f', name.endsWith('.tsv') ? '\t' : ',');
        assert.deepStrictEqual(table.fileColumns, expected, 'the names the full read gives');
      }
    }
  });

  it('parses a number cell to the value Number gives, NaN when it is not one', () => {
    fc.assert(
      fc.property(fc.oneof(numberCell, otherCell), (cell) => {
        const expected = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(cell) ? Number(cell) : NaN;
        assert.ok(Object.is(parseNumberAt(`,${cell},`, 1, cell.length + 1), expected), cell);
      }),
      { numRuns: RUNS * 10 },
    );
  });
});
