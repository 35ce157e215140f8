/** Column-wise chart datasets (src/protocol/charts.ts): decoded into the rows a chart reads. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { columnRows, type ChartColumns } from '../../../src/protocol/charts';
import { compareChart, compareRows } from '../../../src/core/charts/compareChart';

describe('chart columns', () => {
  it('decodes numbers, runs of text and repeated fields into rows', () => {
    const columns: ChartColumns = {
      length: 3,
      numbers: { step: [0, 5, 9], value: [1.5, null, -2] },
      texts: {
        series: [
          ['#1 a', 2],
          ['__proto__', 1],
        ],
      },
      same: { x: 'step' },
    };
    assert.deepEqual(
      columnRows(columns).map((row) => ({ ...row })),
      [
        { step: 0, value: 1.5, series: '#1 a', x: 0 },
        { step: 5, value: null, series: '#1 a', x: 5 },
        { step: 9, value: -2, series: '__proto__', x: 9 },
      ],
    );
  });

  it('refuses columns that do not cover the rows', () => {
    const base: ChartColumns = { length: 2, numbers: { step: [0, 1] }, texts: {}, same: {} };
    assert.throws(
      () => columnRows({ ...base, numbers: { step: [0] } }),
      /column step has 1 values for 2 rows/,
    );
    assert.throws(
      () => columnRows({ ...base, texts: { series: [['a', 3]] } }),
      /column series covers 0 of 2/,
    );
    assert.throws(() => columnRows({ ...base, same: { x: 'toString' } }), /repeats toString/);
  });

  it('carries every field of the compare rows, x and raw sent only where they differ', () => {
    const points = Array.from({ length: 5 }, (_, step) => ({ step, value: step * 2, time: 1000 * step }));
    const plain = compareChart('loss', [{ label: 'a', points }], { id: 'c' }).model;
    assert.deepEqual(Object.keys(plain.columns!.runs.numbers).sort(), ['max', 'min', 'step', 'value']);
    assert.deepEqual(
      { ...compareRows(plain)[4] },
      { step: 4, value: 8, min: 8, max: 8, series: 'a', x: 4, raw: 8 },
    );
    const smoothed = compareChart('loss', [{ label: 'a', points }], { id: 'c', smoothing: 0.5, x: 'wall' });
    assert.deepEqual(Object.keys(smoothed.model.columns!.runs.numbers).sort(), [
      'max',
      'min',
      'raw',
      'step',
      'value',
      'x',
    ]);
    assert.equal(compareRows(smoothed.model)[4].x, 4000);
    assert.equal(compareRows(smoothed.model)[4].raw, 8);
  });
});
