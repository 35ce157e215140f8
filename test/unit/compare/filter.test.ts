/**
 * The table's filter language and field names (src/core/compare): comparisons, and/or/not, text search,
 * aggregates, missing values, errors with their column, and names from data that look like
 * `Object.prototype` members.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { UserInputError } from '../../../src/core/base/errors';
import { fieldCatalog, parseFieldName } from '../../../src/core/compare/fieldNames';
import { aggregateText, fieldValue, type Aggregate } from '../../../src/core/compare/fields';
import { quoteName } from '../../../src/shared/fieldNaming';
import { matchesFilter, parseFilter } from '../../../src/core/compare/filter';
import { run } from './runs';

const runs = [
  run('a', {
    task: 'train',
    params: { lr: 0.01, optimizer: 'adam' },
    metrics: { val_accuracy: [0.8, 0.95, 0.9], val_loss: [0.5, 0.2, 0.3] },
    durationMs: 400_000,
  }),
  run('b', {
    task: 'train',
    params: { lr: 0.001, optimizer: 'sgd' },
    metrics: { val_accuracy: [0.7, 0.85], val_loss: [0.6, 0.4] },
    durationMs: 60_000,
  }),
  run('c', {
    task: 'eval',
    status: 'failed',
    params: {},
    metrics: { 'eval/accuracy': [0.91] },
    durationMs: 5_000,
    dirty: true,
  }),
];
const catalog = fieldCatalog(runs);

function ids(source: string): string[] {
  const expression = parseFilter(source, catalog);
  return runs.filter((r) => (expression ? matchesFilter(r, expression) : true)).map((r) => r.id);
}

describe('filter expressions', () => {
  it('compares metrics, params and attributes and joins conditions with and, or, not and parentheses', () => {
    assert.deepEqual(ids('val_accuracy > 0.85'), ['a']);
    assert.deepEqual(ids('val_accuracy >= 0.85'), ['a', 'b']);
    assert.deepEqual(ids('val_accuracy > 0.8 and params.lr <= 0.01'), ['a', 'b']);
    assert.deepEqual(ids('params.lr == 0.001 or status == failed'), ['b', 'c']);
    assert.deepEqual(ids('not task == train'), ['c']);
    assert.deepEqual(ids('(task = train or task = eval) and not status == succeeded'), ['c']);
    assert.deepEqual(ids('eval/accuracy>0.9'), ['c'], 'names with / and no spaces around the operator');
    assert.deepEqual(
      ids('task == train params.optimizer == sgd'),
      ['b'],
      'juxtaposed terms are joined with and',
    );
  });

  it('reads aggregates: last by default, min, max, best', () => {
    assert.deepEqual(ids('val_accuracy:max > 0.9'), ['a']);
    assert.deepEqual(ids('val_accuracy < 0.91'), ['a', 'b'], 'last value of a is 0.9');
    assert.deepEqual(ids('val_loss:min <= 0.2'), ['a']);
    assert.deepEqual(ids('val_loss:best <= 0.2'), ['a'], 'best of a loss is its minimum');
    assert.deepEqual(ids('val_accuracy:best == 0.95'), ['a'], 'best of an accuracy is its maximum');
  });

  it('treats a run without the field as failing every comparison but != and == null', () => {
    assert.deepEqual(ids('val_loss < 100'), ['a', 'b']);
    assert.deepEqual(ids('val_loss != 0.3'), ['b', 'c']);
    assert.deepEqual(ids('params.lr == null'), ['c']);
    assert.deepEqual(ids('params.lr != null'), ['a', 'b']);
  });

  it('searches text in ids, tasks, statuses and params, case-insensitively; ~ is contains', () => {
    assert.deepEqual(ids('ADAM'), ['a']);
    assert.deepEqual(ids('"optimizer=sgd"'), ['b']);
    assert.deepEqual(ids('params.optimizer ~ G'), ['b']);
    assert.deepEqual(ids('params.optimizer !~ g'), ['a', 'c']);
    assert.deepEqual(ids('failed'), ['c']);
  });

  it('compares durations with units, booleans, and text as text', () => {
    assert.deepEqual(ids('duration > 5m'), ['a']);
    assert.deepEqual(ids('duration <= 60s'), ['b', 'c']);
    assert.deepEqual(ids('dirty == true'), ['c']);
    assert.deepEqual(ids('params.optimizer > adam'), ['b']);
    assert.deepEqual(ids('params.optimizer == 0.5'), [], 'text against a number is never equal');
  });

  it('compares text with == and != exactly (case and digits included), with < and > in natural order', () => {
    const named = [
      run('a-1', { task: 'train1', params: { tag: 'v1', lr: '0.3' } }),
      run('a-01', { task: 'train01', params: { tag: 'v01', lr: '0.30' } }),
      run('a-10', { task: 'Train1', params: { tag: 'v\u00ad1' } }),
    ];
    const namedCatalog = fieldCatalog(named);
    const matching = (source: string): string[] => {
      const expression = parseFilter(source, namedCatalog)!;
      return named.filter((r) => matchesFilter(r, expression)).map((r) => r.id);
    };
    assert.deepEqual(matching('task == train1'), ['a-1'], 'train01 and Train1 are other tasks');
    assert.deepEqual(matching('task != train1'), ['a-01', 'a-10']);
    assert.deepEqual(matching('id == a-1'), ['a-1']);
    assert.deepEqual(matching('id = "a-01"'), ['a-01']);
    assert.deepEqual(matching('params.tag == v1'), ['a-1'], 'an invisible soft hyphen is a character');
    assert.deepEqual(matching('params.tag != v01'), ['a-1', 'a-10']);
    assert.deepEqual(
      matching('params.lr == 0.3'),
      ['a-1', 'a-01'],
      'text written as a number is that number',
    );
    assert.deepEqual(matching('id < a-2'), ['a-1', 'a-01'], 'natural order: a-10 comes after a-2');
    assert.deepEqual(matching('id > a-2'), ['a-10']);
    assert.deepEqual(matching('task >= train1'), ['a-1', 'a-10'], '>= is > or ==');
    assert.deepEqual(matching('task <= train1'), ['a-1', 'a-01'], '<= is < or ==');
  });

  it('names the column and suggests the field for mistakes', () => {
    const error = (source: string): string => {
      try {
        parseFilter(source, catalog);
      } catch (e) {
        assert.ok(e instanceof UserInputError, String(e));
        return e.message;
      }
      return assert.fail(`no error for ${source}`);
    };
    assert.match(
      error('val_acuracy > 0.9'),
      /column 1: no run has a metric or param "val_acuracy"; did you mean "val_accuracy"\?/,
    );
    assert.match(
      error('task == train and (status == failed'),
      /at the end: the "\(" at column 19 is not closed/,
    );
    assert.match(error('val_loss >'), /at the end: ">" needs a value after it/);
    assert.match(error('> 3'), /column 1: ">" needs a field name before it/);
    assert.match(error('task == "train'), /column 9: the quote " is not closed/);
    assert.match(error('task == train)'), /column 14: "\)" without a matching "\("/);
    assert.match(error('params.lr:max > 1'), /applies to metrics only/);
    assert.equal(parseFilter('   ', catalog), undefined);
  });

  it('reads an attribute name as the attribute, also beside a metric of that name (metrics.<name>)', () => {
    const shadowing = [
      run('m1', { durationMs: 600_000, metrics: { duration: [3], status: [1] } }),
      run('m2', { status: 'failed', durationMs: 2_000, metrics: { duration: [9], status: [0] } }),
    ];
    const shadowingCatalog = fieldCatalog(shadowing);
    const matching = (source: string): string[] => {
      const expression = parseFilter(source, shadowingCatalog)!;
      return shadowing.filter((r) => matchesFilter(r, expression)).map((r) => r.id);
    };
    assert.deepEqual(parseFieldName('duration', shadowingCatalog, 'test'), {
      kind: 'attribute',
      name: 'duration',
    });
    assert.deepEqual(matching('duration > 5m'), ['m1'], 'the run attribute, not the metric');
    assert.deepEqual(matching('duration > 5'), ['m1', 'm2'], 'milliseconds of the attribute');
    assert.deepEqual(matching('metrics.duration > 5'), ['m2']);
    assert.deepEqual(matching('metrics.duration:min < 5'), ['m1']);
    assert.deepEqual(matching('status == succeeded'), ['m1']);
    assert.deepEqual(matching('metrics.status == 0'), ['m2']);
    assert.throws(
      () => parseFieldName('duration:max', shadowingCatalog, 'test'),
      /applies to metrics only, and "duration" is a run attribute; the metric "duration" is "metrics.duration:max"/,
    );
  });

  it('keeps names like __proto__ and constructor as ordinary names', () => {
    // JSON.parse keeps "__proto__" as an own key, as reading run.json does.
    const odd = run('p', {
      params: JSON.parse('{"__proto__": 3, "constructor": 4}') as Record<string, number>,
      metrics: JSON.parse('{"toString": [1, 2], "__proto__": [5]}') as Record<string, number[]>,
    });
    const oddCatalog = fieldCatalog([odd]);
    const proto = parseFieldName('__proto__', oddCatalog, 'test');
    assert.deepEqual(proto, { kind: 'metric', name: '__proto__', aggregate: 'last' });
    assert.equal(fieldValue(odd, proto), 5);
    assert.equal(fieldValue(odd, parseFieldName('params.__proto__', oddCatalog, 'test')), 3);
    assert.equal(fieldValue(odd, parseFieldName('toString:min', oddCatalog, 'test')), 1);
    const expression = parseFilter('constructor == 4 and toString:max == 2', oddCatalog)!;
    assert.equal(matchesFilter(odd, expression), true);
    // A name the run does not have reads as missing, never as an Object.prototype member.
    assert.equal(fieldValue(runs[0], { kind: 'param', name: 'constructor' }), null);
    assert.equal(fieldValue(runs[0], { kind: 'metric', name: 'hasOwnProperty', aggregate: 'max' }), null);
  });

  it('names a metric whose name ends like an aggregate, or holds spaces, in quotes; its aggregate after them', () => {
    const logged = [
      run('k1', { metrics: { loss: [3, 1, 2], 'loss:min': [0.5, 0.25], 'train loss': [7] } }),
      run('k2', { metrics: { loss: [4, 2], 'loss:min': [0.75], 'train loss': [9] } }),
    ];
    const loggedCatalog = fieldCatalog(logged);
    const matching = (source: string): string[] => {
      const expression = parseFilter(source, loggedCatalog)!;
      return logged.filter((r) => matchesFilter(r, expression)).map((r) => r.id);
    };
    assert.deepEqual(matching('loss:min < 1.5'), ['k1'], 'the min of loss: 1 and 2');
    assert.deepEqual(matching('"loss:min" < 0.5'), ['k1'], 'the metric logged as loss:min: 0.25 and 0.75');
    assert.deepEqual(matching(`'loss:min' >= 0.5`), ['k2']);
    assert.deepEqual(matching('"loss:min":max == 0.5'), ['k1'], 'its max: 0.5 and 0.75');
    assert.deepEqual(matching('"loss:min":max>0.6 or "train loss"<8'), ['k1', 'k2']);
    assert.deepEqual(matching('"metrics.loss:min":min == 0.25'), ['k1']);
    assert.deepEqual(parseFilter('"loss:min":@1 > 0', loggedCatalog), {
      kind: 'compare',
      field: { kind: 'metric', name: 'loss:min', aggregate: { step: 1 } },
      operator: '>',
      value: '0',
      quoted: false,
    });
    const error = (source: string): string => {
      try {
        parseFilter(source, loggedCatalog);
      } catch (e) {
        assert.ok(e instanceof UserInputError, String(e));
        return e.message;
      }
      return assert.fail(`no error for ${source}`);
    };
    assert.match(
      error('loss < 1 and "loss":mean > 0'),
      /^filter: column 14: ""loss":mean": after the quoted name "loss" only an aggregate may follow/,
    );
    assert.match(
      error('"loss":min'),
      /^filter: column 1: ""loss":min" names a field; compare it with a value, e\.g\. ""loss":min > 0\.5"\.$/,
    );
    assert.match(
      error('loss == "a":min'),
      /^filter: column 9: ""a":min" is a value, which takes no aggregate/,
    );
  });

  it('names any metric through a quoted metrics.<name>, with any aggregate after the quotes', () => {
    const aggregate = fc.constantFrom<Aggregate>('last', 'min', 'max', 'best', { step: 3 });
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 12 }), aggregate, (metric, agg) => {
        const only = fieldCatalog([run('q', { metrics: { [metric]: [1] } })]);
        const suffix = agg === 'last' ? '' : `:${aggregateText(agg)}`;
        const expression = parseFilter(`${quoteName(`metrics.${metric}`)}${suffix} == 1`, only);
        assert.deepEqual(expression, {
          kind: 'compare',
          field: { kind: 'metric', name: metric, aggregate: agg },
          operator: '==',
          value: '1',
          quoted: false,
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws anything but a UserInputError, on any text', () => {
    const pieces = fc.constantFrom(
      'val_accuracy',
      'params.lr',
      'task',
      ' ',
      '(',
      ')',
      'and',
      'or',
      'not',
      '>',
      '>=',
      '==',
      '!',
      '!=',
      '~',
      '"',
      "'",
      '\\',
      '0.5',
      'null',
      'true',
      ':min',
      ':@',
      '1e999',
      '-',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string()), { maxLength: 20 }), (parts) => {
        const source = parts.join('');
        try {
          const expression = parseFilter(source, catalog);
          for (const r of runs) {
            if (expression) {
              matchesFilter(r, expression);
            }
          }
        } catch (error) {
          if (!(error instanceof UserInputError)) {
            throw error;
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});
