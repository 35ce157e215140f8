/**
 * The experiments table's data on the host side (features/table/viewModel.ts over core/compare): columns for
 * attributes, every param and every metric with its aggregate, column-major values, the rows a query
 * selects (the filter language, status, task, text and notes), CSV of the shown rows and columns, and
 * annotations written to and read from a real run folder.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { readAnnotations, writeAnnotations } from '../../../src/core/runs/annotations';
import { fieldCatalog } from '../../../src/core/compare/fieldNames';
import {
  buildTableData,
  filterRows,
  patchTable,
  queryStepFields,
  rowUpdates,
  tableCatalog,
  tableColumns,
  tableCsv,
} from '../../../src/features/table/viewModel';
import type { TableAggregate } from '../../../src/protocol/table';
import { tempDir } from '../../helpers/gitRepo';
import { run } from '../compare/runs';

const EMPTY = { expression: '', status: '', task: '', text: '' };

const runs = [
  run('20261206T100300Z-00000003', {
    task: 'train',
    params: { lr: 0.01, 'model.layers': 3 },
    metrics: { val_accuracy: [0.5, 0.9, 0.8], loss: [1, 0.2, 0.3] },
    durationMs: 90_000,
  }),
  run('20261206T100200Z-00000002', {
    task: 'train',
    status: 'failed',
    params: { lr: 0.1 },
    metrics: { val_accuracy: [0.4, 0.6], loss: [2, 1.5] },
    durationMs: 20_000,
  }),
  run('20261206T100100Z-00000001', {
    task: 'eval',
    params: { ['__proto__']: 'x', '<b>bold</b>': 1 },
    metrics: { 'acc\u001b[31m': [0.7] },
  }),
];

describe('experiments table columns and values', () => {
  it('lists the attributes, then every param and metric (sorted), metrics with their aggregate', () => {
    const columns = tableColumns(fieldCatalog(runs), new Map([['loss', 'min' as const]]));
    assert.deepEqual(
      columns.map((c) => c.key),
      [
        'id',
        'task',
        'status',
        'started',
        'duration',
        'commit',
        'dirty',
        'params.<b>bold</b>',
        'params.__proto__',
        'params.lr',
        'params.model.layers',
        'metrics.acc\u001b[31m',
        'metrics.loss',
        'metrics.val_accuracy',
      ],
    );
    const loss = columns.find((c) => c.key === 'metrics.loss')!;
    assert.equal(loss.aggregate, 'min');
    assert.equal(loss.goal, 'min');
    assert.equal(columns.find((c) => c.key === 'metrics.val_accuracy')!.goal, 'max');
  });

  it('sends values column by column, with the chosen aggregates, stars and notes', () => {
    const data = buildTableData(runs, {
      version: 7,
      head: 'a'.repeat(40),
      aggregates: new Map<string, TableAggregate>([
        ['val_accuracy', 'max'],
        ['loss', { step: 1 }],
      ]),
      stepValue: (id, metric, step) =>
        metric === 'loss' && step === 1 && id.endsWith('3') ? 0.25 : undefined,
      annotations: new Map([['20261206T100200Z-00000002', { starred: true, note: 'diverged' }]]),
    });
    const values = (key: string) => data.values[data.columns.findIndex((c) => c.key === key)];
    assert.equal(data.version, 7);
    assert.deepEqual(
      data.runIds,
      runs.map((r) => r.id),
    );
    assert.deepEqual(values('metrics.val_accuracy'), [0.9, 0.6, null]);
    assert.deepEqual(values('metrics.loss'), [0.25, null, null]);
    assert.deepEqual(values('params.lr'), [0.01, 0.1, null]);
    assert.deepEqual(values('params.__proto__'), [null, null, 'x']);
    assert.deepEqual(values('duration'), [90_000, 20_000, null]);
    assert.deepEqual(data.starred, [false, true, false]);
    assert.deepEqual(data.notes, ['', 'diverged', '']);
  });
});

describe('experiments table updates', () => {
  const options = (version: number, starred = new Map<string, { starred: boolean }>()) => ({
    version,
    head: null,
    aggregates: new Map<string, TableAggregate>(),
    annotations: starred,
  });
  const built = () => ({ runs, data: buildTableData(runs, options(1)) });

  it('reads again only the rows whose record or star changed, when the runs and columns are the same', () => {
    const previous = built();
    const grown = run(runs[1].id, {
      status: 'running',
      params: { lr: 0.1 },
      metrics: { val_accuracy: [0.4, 0.6, 0.65], loss: [2, 1.5, 1.2] },
      durationMs: 20_000,
    });
    const next = [runs[0], grown, runs[2]];
    const stars = new Map([[runs[2].id, { starred: true }]]);
    const changed = patchTable(previous, next, options(2, stars));
    assert.deepEqual(changed, [1, 2]);
    assert.deepEqual(previous.data, buildTableData(next, options(2, stars)), 'the same as built anew');
    const updates = rowUpdates(previous.data, changed);
    const column = (key: string) => previous.data.columns.findIndex((c) => c.key === key);
    assert.equal(updates[0].values[column('metrics.val_accuracy')], 0.65);
    assert.equal(updates[1].starred, true);
    assert.deepEqual(patchTable({ runs: next, data: previous.data }, next, options(3, stars)), []);
  });

  it('asks for a new table when a run, a column or an aggregate came or went', () => {
    assert.equal(patchTable(built(), runs.slice(1), options(2)), undefined);
    const newParam = run(runs[0].id, { params: { lr: 0.01, dropout: 0.1 } });
    assert.equal(patchTable(built(), [newParam, runs[1], runs[2]], options(2)), undefined);
    const min = { ...options(2), aggregates: new Map<string, TableAggregate>([['loss', 'min']]) };
    assert.equal(patchTable(built(), runs, min), undefined);
  });
});

describe('experiments table queries', () => {
  const notes = new Map([['20261206T100100Z-00000001', { note: 'holdout check' }]]);

  it('combines the expression, status, task and text (notes included)', () => {
    assert.deepEqual(filterRows(runs, EMPTY, notes), { rows: null });
    assert.deepEqual(
      filterRows(runs, { ...EMPTY, expression: 'val_accuracy > 0.7 or params.lr >= 0.1' }, notes),
      { rows: [0, 1] },
    );
    assert.deepEqual(
      filterRows(runs, { ...EMPTY, expression: 'val_accuracy > 0.5', status: 'failed' }, notes),
      { rows: [1] },
    );
    assert.deepEqual(filterRows(runs, { ...EMPTY, task: 'eval' }, notes), { rows: [2] });
    assert.deepEqual(filterRows(runs, { ...EMPTY, text: 'HOLDOUT' }, notes), { rows: [2] });
    assert.deepEqual(filterRows(runs, { ...EMPTY, expression: 'duration > 1m' }, notes), { rows: [0] });
  });

  it('names the values at steps an expression reads, from the columns the table has', () => {
    const catalog = tableCatalog(
      buildTableData(runs, { version: 1, head: null, aggregates: new Map(), annotations: new Map() }),
    );
    assert.deepEqual([...catalog.params].sort(), ['<b>bold</b>', '__proto__', 'lr', 'model.layers']);
    assert.deepEqual(
      queryStepFields({ ...EMPTY, expression: 'loss:@1 < 0.3 and val_accuracy > 0.5' }, catalog),
      [{ kind: 'metric', name: 'loss', aggregate: { step: 1 } }],
    );
    assert.deepEqual(queryStepFields({ ...EMPTY, expression: 'loss:@1 < (' }, catalog), []);
  });

  it('returns an error with its column for a bad expression or an unknown name', () => {
    const unclosed = filterRows(runs, { ...EMPTY, expression: 'loss < 1 and (lr > 2' }, notes);
    assert.ok('error' in unclosed);
    assert.equal(unclosed.error.column, 14);
    assert.match(unclosed.error.message, /not closed/);
    const unknown = filterRows(runs, { ...EMPTY, expression: 'val_acuracy > 0.5' }, notes);
    assert.ok('error' in unknown);
    assert.equal(unknown.error.column, 1);
    assert.match(unknown.error.message, /did you mean "val_accuracy"/);
  });
});

describe('experiments table export', () => {
  it('writes the shown rows and columns in their order through core CSV', () => {
    const columns = tableColumns(fieldCatalog(runs), new Map());
    const byId = new Map(runs.map((r) => [r.id, r]));
    const csv = tableCsv(
      byId,
      columns,
      [runs[1].id, runs[0].id],
      ['task', 'metrics.val_accuracy', 'params.lr', 'params.<b>bold</b>'],
    );
    assert.deepEqual(parse(csv), [
      ['task', 'val_accuracy', 'params.lr', 'params.<b>bold</b>'],
      ['train', '0.6', '0.1', ''],
      ['train', '0.8', '0.01', ''],
    ]);
    assert.throws(
      () => tableCsv(byId, columns, [runs[0].id], ['metrics.gone']),
      /the column "metrics.gone" is no longer in the table/,
    );
  });
});

describe('experiments table with a metric named like an attribute', () => {
  const shadowing = [
    run('20261206T100500Z-00000005', { durationMs: 600_000, metrics: { duration: [3], status: [1] } }),
    run('20261206T100400Z-00000004', {
      status: 'failed',
      durationMs: 2_000,
      metrics: { duration: [9], status: [0] },
    }),
  ];

  it('filters the attribute by its name and the metric as metrics.<name>', () => {
    const none = new Map<string, never>();
    const rows = (expression: string) => filterRows(shadowing, { ...EMPTY, expression }, none);
    assert.deepEqual(rows('duration > 5m'), { rows: [0] });
    assert.deepEqual(rows('status == succeeded'), { rows: [0] });
    assert.deepEqual(rows('metrics.duration > 5'), { rows: [1] });
    assert.deepEqual(rows('metrics.status == 0'), { rows: [1] });
  });

  it('exports the attribute and the metric under their own headers', () => {
    const columns = tableColumns(fieldCatalog(shadowing), new Map());
    const csv = tableCsv(
      new Map(shadowing.map((r) => [r.id, r])),
      columns,
      shadowing.map((r) => r.id),
      ['duration', 'metrics.duration', 'status', 'metrics.status'],
    );
    assert.deepEqual(parse(csv), [
      ['duration', 'metrics.duration', 'status', 'metrics.status'],
      ['600000', '3', 'succeeded', '1'],
      ['2000', '9', 'failed', '0'],
    ]);
  });
});

describe('experiments table with a metric named like an aggregate of another', () => {
  // Keras, Lightning and TensorBoard users can log a metric named `loss:min` beside `loss`.
  const logged = [
    run('20261206T100700Z-00000007', { metrics: { loss: [3, 1, 2], 'loss:min': [0.5, 0.25] } }),
    run('20261206T100600Z-00000006', { metrics: { loss: [4, 2], 'loss:min': [0.75] } }),
  ];
  const aggregates = new Map<string, TableAggregate>([['loss', 'min']]);

  it('filters the min of loss as loss:min and the logged metric as "loss:min"', () => {
    const none = new Map<string, never>();
    const rows = (expression: string) => filterRows(logged, { ...EMPTY, expression }, none);
    assert.deepEqual(rows('loss:min < 1.5'), { rows: [0] });
    assert.deepEqual(rows('"loss:min" > 0.5'), { rows: [1] });
    assert.deepEqual(rows('"loss:min":max == 0.5'), { rows: [0] });
  });

  it('exports the two columns under their own headers, with their own values', () => {
    const columns = tableColumns(fieldCatalog(logged), aggregates);
    const csv = tableCsv(
      new Map(logged.map((r) => [r.id, r])),
      columns,
      logged.map((r) => r.id),
      ['metrics.loss', 'metrics.loss:min'],
    );
    assert.deepEqual(parse(csv), [
      ['loss:min', '"loss:min"'],
      ['1', '0.25'],
      ['2', '0.75'],
    ]);
  });
});

describe('run annotations', () => {
  it('writes a star and a note to annotations.json and reads them back', async () => {
    const dir = join(tempDir('xlens-annotations-'), 'run');
    mkdirSync(dir);
    await writeAnnotations(dir, { starred: true, note: 'best <so> far' });
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'annotations.json'), 'utf8')), {
      starred: true,
      note: 'best <so> far',
    });
    assert.deepEqual(await readAnnotations(dir), { starred: true, note: 'best <so> far' });
    await writeAnnotations(dir, { starred: false, note: '' });
    assert.deepEqual(await readAnnotations(dir), {});
  });
});
