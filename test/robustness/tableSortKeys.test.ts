/**
 * Sort keys made once per sort (`fieldSortKeys`, used by the experiments table) order rows exactly as
 * `compareFieldValues` on every comparison did, over random mixes of what a column can hold: numbers
 * (`-0`, `NaN`, `±Infinity` included), texts written as numbers (MLflow params: `"0.3"`, `" 1e-3 "`,
 * `"-0"`, `"Infinity"`, which is not a number to us), other texts (digits inside, case, accents),
 * booleans, missing values, and many duplicates. The sort stays stable: rows equal on every key keep
 * their order.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { sortRuns } from '../../src/core/compare/table';
import { DEFAULT_TABLE_LAYOUT, type TableData } from '../../src/protocol/table';
import {
  compareFieldValues,
  compareSortKeys,
  compareText,
  fieldSortKeys,
  type FieldValue,
} from '../../src/shared/fieldOrder';
import { TableModel } from '../../webviews/table/model';
import { run } from '../unit/compare/runs';

const RUNS = Number(process.env.XLENS_FUZZ_RUNS ?? 300);

const numbers = fc.oneof(
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1, -1, 0.1, 1e-3, 2, 10, Number.MAX_VALUE),
  fc.double(),
  fc.integer({ min: -20, max: 20 }),
);
const numericTexts = fc.oneof(
  fc.constantFrom('0', '-0', '0.1', ' 1e-3 ', '1e-3', '10', '2', '0x10', 'Infinity', '-Infinity', 'NaN'),
  numbers.map((n) => String(n)),
  fc.integer({ min: -20, max: 20 }).map((n) => ` ${n}\t`),
);
const texts = fc.oneof(
  fc.constantFrom('', ' ', 'a', 'A', 'b', 'run-9', 'run-10', 'run-010', 'é', 'e', 'adam', 'Adam', '1a'),
  fc.string({ maxLength: 6 }),
  fc.stringMatching(/^[a-c]?[0-9]{0,3}[a-c]?$/),
);
const value: fc.Arbitrary<FieldValue> = fc.oneof(
  numbers,
  numericTexts,
  texts,
  fc.boolean(),
  fc.constant(null),
);
/** A column with at least one value that is not a number (a column of numbers only takes another path). */
const column = fc
  .tuple(fc.array(value, { maxLength: 60 }), fc.oneof(texts, fc.boolean()), fc.nat())
  .map(([values, other, at]) => {
    const out = [...values];
    out.splice(at % (out.length + 1), 0, other);
    return out;
  });

/** -1, 0, 1, or NaN (a comparison of NaN, which sort takes as 0): the only thing sort reads. */
function sign(order: number): number {
  return Number.isNaN(order) ? NaN : order > 0 ? 1 : order < 0 ? -1 : 0;
}

/** The order the table sorted rows in before sort keys: `compareFieldValues` per comparison, ties by row. */
function sortedBefore(columns: FieldValue[][], descending: boolean[]): number[] {
  const rows = Int32Array.from({ length: columns[0].length }, (_, i) => i);
  rows.sort((a, b) => {
    for (let k = 0; k < columns.length; k++) {
      const order = compareFieldValues(columns[k][a], columns[k][b], descending[k]);
      if (order !== 0) {
        return order;
      }
    }
    return a - b;
  });
  return [...rows];
}

function tableModel(columns: FieldValue[][], descending: boolean[]): TableModel {
  const length = columns[0].length;
  const data: TableData = {
    version: 1,
    runIds: Array.from({ length }, (_, i) => `run-${i}`),
    commits: Array.from({ length }, () => null),
    head: null,
    starred: Array.from({ length }, () => false),
    notes: Array.from({ length }, () => ''),
    columns: columns.map((_, k) => ({ key: `params.p${k}`, kind: 'param', name: `p${k}` })),
    values: columns,
  };
  return new TableModel(data, {
    ...DEFAULT_TABLE_LAYOUT,
    sort: descending.map((d, k) => ({ key: `params.p${k}`, descending: d })),
  });
}

describe('sort keys made once per sort', () => {
  it('order texts naturally, equal only when the same text (the sort and the filter agree)', () => {
    fc.assert(
      fc.property(texts, texts, texts, (a, b, c) => {
        const ab = Math.sign(compareText(a, b));
        assert.equal(ab === 0, a === b, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
        assert.equal(ab, -Math.sign(compareText(b, a)) || 0);
        if (ab <= 0 && compareText(b, c) <= 0) {
          assert.ok(compareText(a, c) <= 0, 'transitive');
        }
      }),
      { numRuns: RUNS },
    );
    assert.ok(compareText('run-9', 'run-10') < 0, 'digit runs by value');
    assert.ok(compareText('train01', 'train1') !== 0, 'different digits are different texts');
  });

  it('compare every pair of values as compareFieldValues does (same sign, NaN included)', () => {
    fc.assert(
      fc.property(column, fc.boolean(), (values, descending) => {
        const keys = fieldSortKeys(values);
        for (let a = 0; a < values.length; a++) {
          for (let b = 0; b < values.length; b++) {
            const want = sign(compareFieldValues(values[a], values[b], descending));
            const got = sign(compareSortKeys(keys, a, b, descending));
            assert.ok(
              Object.is(got, want),
              `${String(values[a])} vs ${String(values[b])}: ${got}, expected ${want}`,
            );
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('sort the table in the same order as before, by one or two columns, both directions, stably', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 }).chain((count) =>
          fc.tuple(
            fc.integer({ min: 1, max: 80 }).chain((length) =>
              fc.array(
                column.map((c) => Array.from({ length }, (_, i) => c[i % c.length])),
                { minLength: count, maxLength: count },
              ),
            ),
            fc.array(fc.boolean(), { minLength: count, maxLength: count }),
          ),
        ),
        ([columns, descending]) => {
          const got = [...tableModel(columns, descending).sortedRows()];
          assert.deepEqual(got, sortedBefore(columns, descending));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('sort runs for `xlens runs --sort` in the same order as before (params held as any value)', () => {
    fc.assert(
      fc.property(column, fc.boolean(), (values, descending) => {
        const runs = values.map((value, i) =>
          run(
            `20261207T000000Z-${String(i).padStart(8, '0')}`,
            value === null ? {} : { params: { p: value } },
          ),
        );
        const got = sortRuns(runs, [{ field: { kind: 'param', name: 'p' }, descending }]);
        assert.deepEqual(
          got.map((r) => runs.indexOf(r)),
          sortedBefore([values], [descending]),
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('keep rows equal on the key in their order (newest first), with duplicates of every kind', () => {
    const values: FieldValue[] = ['0.1', 0.1, null, 'b', '1e-1', true, null, 'B', 'b', ' 0.1', -0, '-0', 0];
    const rows = [...tableModel([values], [false]).sortedRows()];
    assert.deepEqual(rows, [10, 11, 12, 0, 1, 4, 9, 3, 8, 7, 5, 2, 6]);
  });
});
