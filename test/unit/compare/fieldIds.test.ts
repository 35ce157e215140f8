/**
 * Field ids (src/core/compare/fields.ts `fieldId`, named by src/shared/fieldNaming.ts) and their reading
 * back (`parseFieldName`): every metric and param name, whatever it holds (`:min` at its end, dots,
 * spaces, quotes, `__proto__`, markup, any text), has its own id, which reads back as the same field;
 * the metric `loss:min` that Keras, Lightning or TensorBoard users log is not the min of `loss`; ordinary
 * names keep the ids layouts and scripts already use.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { UserInputError } from '../../../src/core/base/errors';
import { fieldCatalog, parseFieldName, type FieldCatalog } from '../../../src/core/compare/fieldNames';
import {
  ATTRIBUTES,
  fieldId,
  fieldValue,
  type Aggregate,
  type Field,
} from '../../../src/core/compare/fields';
import { parseColumns, parseSort, runsCsv } from '../../../src/core/compare/table';
import { run } from './runs';

/** Names built from what matters to field names, names real tools log, and any text. */
const name = fc.oneof(
  fc.string({
    unit: fc.constantFrom(':', '.', '@', '1', 'min', 'max', 'last', 'best', '"', "'", '\\', ' ', ',', 'x'),
    maxLength: 10,
  }),
  fc.constantFrom(
    'loss',
    'loss:min',
    'loss:@100',
    'metrics.loss',
    'params.lr',
    'params.',
    'metrics.',
    'duration',
    'duration:max',
    '__proto__',
    'constructor',
    '<b>acc</b>',
    ' loss',
    'loss ',
    '',
    'train loss',
  ),
  fc.string({ unit: 'binary', maxLength: 8 }),
);

const AGGREGATES: Aggregate[] = ['last', 'min', 'max', 'best', { step: 0 }, { step: 100 }];

/** Every field of `catalog`: the attributes, each param, each metric through each aggregate. */
function everyField(catalog: FieldCatalog): Field[] {
  return [
    ...ATTRIBUTES.map((attribute): Field => ({ kind: 'attribute', name: attribute })),
    ...[...catalog.params].map((param): Field => ({ kind: 'param', name: param })),
    ...[...catalog.metrics].flatMap((metric) =>
      AGGREGATES.map((aggregate): Field => ({ kind: 'metric', name: metric, aggregate })),
    ),
  ];
}

describe('field ids', () => {
  it('gives every field of any params and metrics its own id, which reads back as the field', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(name, { maxLength: 6 }),
        fc.uniqueArray(name, { maxLength: 6 }),
        (params, metrics) => {
          const catalog: FieldCatalog = { params: new Set(params), metrics: new Set(metrics) };
          const fields = everyField(catalog);
          const ids = fields.map(fieldId);
          assert.equal(new Set(ids).size, ids.length, `two fields share an id: ${JSON.stringify(ids)}`);
          for (const field of fields) {
            assert.deepEqual(parseFieldName(fieldId(field), catalog, 'test'), field, fieldId(field));
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('tells a metric logged as loss:min from the min of loss, in ids, values and CSV headers', () => {
    const runs = [
      run('r1', { metrics: { loss: [3, 1, 2], 'loss:min': [0.5, 0.25] } }),
      run('r2', { metrics: { loss: [4, 2], 'loss:min': [0.75] } }),
    ];
    const catalog = fieldCatalog(runs);
    const minOfLoss = parseFieldName('loss:min', catalog, 'test');
    const logged = parseFieldName('"loss:min"', catalog, 'test');
    const loggedMax = parseFieldName(`'loss:min':max`, catalog, 'test');
    assert.deepEqual(minOfLoss, { kind: 'metric', name: 'loss', aggregate: 'min' });
    assert.deepEqual(logged, { kind: 'metric', name: 'loss:min', aggregate: 'last' });
    assert.deepEqual(loggedMax, { kind: 'metric', name: 'loss:min', aggregate: 'max' });
    assert.deepEqual(
      runs.map((r) => [fieldValue(r, minOfLoss), fieldValue(r, logged), fieldValue(r, loggedMax)]),
      [
        [1, 0.25, 0.5],
        [2, 0.75, 0.75],
      ],
    );
    const columns = parseColumns('loss:min,"loss:min","loss:min":max,metrics.loss:min', catalog);
    assert.deepEqual(parse(runsCsv(runs, columns)), [
      ['loss:min', '"loss:min"', '"loss:min":max', 'loss:min'],
      ['1', '0.25', '0.5', '1'],
      ['2', '0.75', '0.75', '2'],
    ]);
    assert.deepEqual(
      parseSort('-"loss:min",\'loss:min\' desc,"loss:min" asc', catalog).map((key) => [
        fieldId(key.field),
        key.descending,
      ]),
      [
        ['"loss:min"', true],
        ['"loss:min"', true],
        ['"loss:min"', false],
      ],
    );
  });

  it('keeps the ids of ordinary names, and gives new ones only to names that bare read as another', () => {
    const catalog: FieldCatalog = {
      params: new Set(['lr', 'model.layers', '__proto__']),
      metrics: new Set(['val_loss', 'eval/accuracy', 'duration', 'params.lr', 'f1,macro', 'train loss']),
    };
    assert.deepEqual(
      [
        fieldId({ kind: 'param', name: 'lr' }),
        fieldId({ kind: 'param', name: 'model.layers' }),
        fieldId({ kind: 'param', name: '__proto__' }),
        fieldId({ kind: 'metric', name: 'val_loss', aggregate: 'last' }),
        fieldId({ kind: 'metric', name: 'val_loss', aggregate: 'min' }),
        fieldId({ kind: 'metric', name: 'val_loss', aggregate: { step: 100 } }),
        fieldId({ kind: 'metric', name: 'eval/accuracy', aggregate: 'best' }),
        fieldId({ kind: 'metric', name: 'duration', aggregate: 'max' }),
        fieldId({ kind: 'metric', name: 'params.lr', aggregate: 'last' }),
        fieldId({ kind: 'metric', name: 'f1,macro', aggregate: 'max' }),
        fieldId({ kind: 'metric', name: 'train loss', aggregate: 'last' }),
      ],
      [
        'params.lr',
        'params.model.layers',
        'params.__proto__',
        'val_loss',
        'val_loss:min',
        'val_loss:@100',
        'eval/accuracy:best',
        'metrics.duration:max',
        'metrics.params.lr',
        'f1,macro:max',
        'train loss',
      ],
    );
    assert.deepEqual(
      [
        fieldId({ kind: 'metric', name: 'loss:min', aggregate: 'last' }),
        fieldId({ kind: 'metric', name: 'loss:@100', aggregate: 'min' }),
        fieldId({ kind: 'metric', name: 'params.', aggregate: 'last' }),
        fieldId({ kind: 'param', name: 'lr:max' }),
        fieldId({ kind: 'metric', name: ' loss', aggregate: 'last' }),
        fieldId({ kind: 'metric', name: 'say "hi":last', aggregate: 'last' }),
      ],
      [
        '"loss:min"',
        '"loss:@100":min',
        'metrics.params.',
        '"params.lr:max"',
        '" loss"',
        '"say \\"hi\\":last"',
      ],
    );
    assert.deepEqual(parseFieldName('val_loss:min', catalog, 'test'), {
      kind: 'metric',
      name: 'val_loss',
      aggregate: 'min',
    });
  });

  it('refuses text after a quoted name that is not an aggregate, saying to quote the whole name', () => {
    const catalog = fieldCatalog([run('r', { metrics: { 'a b': [1] } })]);
    assert.throws(
      () => parseFieldName('"a" b', catalog, '--columns'),
      (e: unknown) => {
        assert.ok(e instanceof UserInputError);
        assert.match(
          e.message,
          /^--columns: ""a" b": after the quoted name "a" only an aggregate may follow .*not " b"; put the whole name in the quotes\.$/,
        );
        return true;
      },
    );
    assert.throws(() => parseFieldName('"a b":mean', catalog, 'test'), /only an aggregate may follow/);
    assert.throws(
      () => parseFieldName('"a b:min"', catalog, 'test'),
      /^UserInputError: test: no run has a metric or param "a b:min"; in quotes all of a name is the name: for the min of the metric "a b" write "a b":min\.$/,
    );
  });
});
