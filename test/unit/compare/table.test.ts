/** The experiments table as data (src/core/compare/table.ts): multi-key sorts, differing columns, CSV. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { fieldCatalog } from '../../../src/core/compare/fieldNames';
import {
  defaultColumns,
  differs,
  parseColumns,
  parseSort,
  runsCsv,
  sortRuns,
} from '../../../src/core/compare/table';
import { fieldId } from '../../../src/core/compare/fields';
import { run } from './runs';

const runs = [
  run('r1', {
    params: { lr: 0.01, seed: 1 },
    metrics: { val_accuracy: [0.9], loss: [1, 0.5] },
    durationMs: 3000,
  }),
  run('r2', {
    params: { lr: 0.001, seed: 1 },
    metrics: { val_accuracy: [0.95], loss: [1, 0.7] },
    durationMs: 1000,
  }),
  run('r3', { params: { lr: 0.01, seed: 1 }, metrics: { val_accuracy: [0.95] }, durationMs: 2000 }),
  run('r4', { task: 'eval', params: { seed: 1 }, metrics: {}, durationMs: 500 }),
];
const catalog = fieldCatalog(runs);

describe('experiments table data', () => {
  it('sorts by several keys, descending with -, missing values last in both directions, stable', () => {
    const order = (spec: string): string[] => sortRuns(runs, parseSort(spec, catalog)).map((r) => r.id);
    assert.deepEqual(order('-val_accuracy'), ['r2', 'r3', 'r1', 'r4']);
    assert.deepEqual(order('val_accuracy'), ['r1', 'r2', 'r3', 'r4']);
    assert.deepEqual(order('-val_accuracy,duration'), ['r2', 'r3', 'r1', 'r4']);
    assert.deepEqual(order('-val_accuracy,-duration'), ['r3', 'r2', 'r1', 'r4']);
    assert.deepEqual(order('val_accuracy DESC, duration desc'), ['r3', 'r2', 'r1', 'r4']);
    assert.deepEqual(order('val_accuracy asc'), ['r1', 'r2', 'r3', 'r4']);
    assert.deepEqual(order('loss:min'), ['r1', 'r2', 'r3', 'r4']);
    assert.deepEqual(order('-params.lr,task'), ['r1', 'r3', 'r2', 'r4']);
  });

  it('tells the columns that differ among the shown runs', () => {
    const columns = parseColumns('task,params.lr,params.seed,val_accuracy', catalog);
    assert.deepEqual(columns.filter((c) => differs(runs, c)).map(fieldId), [
      'task',
      'params.lr',
      'val_accuracy',
    ]);
    assert.deepEqual(
      columns.filter((c) => differs(runs.slice(0, 1), c)).map(fieldId),
      [],
      'one run differs from nothing',
    );
    // The default columns keep the params that differ and the key metrics.
    assert.deepEqual(defaultColumns(runs, catalog).map(fieldId), [
      'id',
      'task',
      'status',
      'commit',
      'duration',
      'params.lr',
      'val_accuracy',
      'loss',
    ]);
  });

  it('writes CSV that a CSV reader reads back to the same values, formulas made inert', () => {
    const odd = run('r5', { params: { note: '=HYPERLINK("http://x")', lr: -0.5, 'a,b': 'x"y\nz' } });
    const all = [...runs, odd];
    const columns = parseColumns('id,duration,dirty,params.lr,params.note,params.a,val_accuracy:max', {
      ...fieldCatalog(all),
      params: new Set(['lr', 'note', 'a']),
    });
    const rows = parse(runsCsv(all, columns)) as string[][];
    assert.deepEqual(rows[0], [
      'id',
      'duration',
      'dirty',
      'params.lr',
      'params.note',
      'params.a',
      'val_accuracy:max',
    ]);
    assert.deepEqual(rows[1], ['r1', '3000', 'false', '0.01', '', '', '0.9']);
    assert.deepEqual(rows[5], ['r5', '', 'false', '-0.5', `'=HYPERLINK("http://x")`, '', '']);
    // Names and values with separators, quotes and newlines survive the round trip.
    const tricky = run('r6', {
      params: JSON.parse('{"a,b": "x\\"y\\nz", "__proto__": 1}') as Record<string, string>,
    });
    const fields = [
      { kind: 'param' as const, name: 'a,b' },
      { kind: 'param' as const, name: '__proto__' },
    ];
    assert.deepEqual(parse(runsCsv([tricky], fields)), [
      ['params.a,b', 'params.__proto__'],
      ['x"y\nz', '1'],
    ]);
  });

  it('names a metric named like an attribute, or like a param field, metrics.<name> in ids and CSV', () => {
    const shadowing = [
      run('s1', { durationMs: 4000, params: { lr: 0.1 }, metrics: { duration: [3, 2], 'params.lr': [7] } }),
    ];
    const shadowingCatalog = fieldCatalog(shadowing);
    const columns = parseColumns(
      'duration,metrics.duration,metrics.duration:min,params.lr,metrics.params.lr',
      shadowingCatalog,
    );
    const ids = columns.map(fieldId);
    assert.deepEqual(ids, [
      'duration',
      'metrics.duration',
      'metrics.duration:min',
      'params.lr',
      'metrics.params.lr',
    ]);
    assert.deepEqual(
      parseColumns(ids.join(','), shadowingCatalog),
      columns,
      'ids read back as the same fields',
    );
    assert.deepEqual(parse(runsCsv(shadowing, columns)), [ids, ['4000', '2', '2', '0.1', '7']]);
    assert.deepEqual(
      parseSort('-duration', shadowingCatalog).map((key) => key.field),
      [{ kind: 'attribute', name: 'duration' }],
    );
  });
});
