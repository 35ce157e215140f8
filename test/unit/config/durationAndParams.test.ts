import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration } from '../../../src/core/config/duration';
import {
  findPlaceholders,
  flattenParams,
  interpolate,
  parseParamOverride,
} from '../../../src/core/config/params';
import { closest } from '../../../src/core/config/suggest';

describe('durations', () => {
  it('parses the units people write', () => {
    assert.equal(parseDuration('90s'), 90_000);
    assert.equal(parseDuration('30m'), 1_800_000);
    assert.equal(parseDuration('2h'), 7_200_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('1h 30m 5s'), 5_405_000);
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('1.5h'), 5_400_000);
    assert.equal(parseDuration(45), 45_000);
  });

  it('rejects what is not a duration', () => {
    for (const bad of ['', '2 hours', 'h', '10', '-5s', '0s', '5x']) {
      assert.equal(parseDuration(bad), undefined, bad);
    }
    assert.equal(parseDuration(0), undefined);
  });
});

describe('params', () => {
  it('flattens nested maps and lists to dotted keys', () => {
    assert.deepEqual(
      { ...flattenParams({ a: { b: { c: 1 } }, l: [1, { x: 'y' }], n: null, e: {} }) },
      {
        'a.b.c': 1,
        'l.0': 1,
        'l.1.x': 'y',
        n: null,
        e: '{}',
      },
    );
  });

  it('finds and replaces only params and runs placeholders, leaving shell variables alone', () => {
    const text = 'echo ${HOME} ${params.lr} ${runs.train.latest}/m ${param.x}';
    assert.deepEqual(
      findPlaceholders(text).map((p) => [p.namespace, p.key, p.misspelt]),
      [
        ['params', 'lr', undefined],
        ['runs', 'train.latest', undefined],
        ['params', 'x', 'param'],
      ],
    );
    const out = interpolate('echo ${HOME} --lr ${params.lr}', (p) => (p.key === 'lr' ? '0.1' : p.text));
    assert.equal(out, 'echo ${HOME} --lr 0.1');
  });

  it('reads --set values as YAML scalars', () => {
    assert.equal(parseParamOverride('10'), 10);
    assert.equal(parseParamOverride('1e-3'), 0.001);
    assert.equal(parseParamOverride('true'), true);
    assert.equal(parseParamOverride('null'), null);
    assert.equal(parseParamOverride('adam'), 'adam');
    assert.equal(parseParamOverride('1.2.3'), '1.2.3');
  });

  it('suggests near misses, transpositions included, and nothing for unrelated words', () => {
    assert.equal(closest('trian', ['train', 'eval']), 'train');
    assert.equal(closest('batchSize', ['batch_size', 'epochs']), 'batch_size');
    assert.equal(closest('zzz', ['train', 'eval']), undefined);
  });
});
