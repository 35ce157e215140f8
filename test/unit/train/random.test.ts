import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32, shuffleInPlace, splitRows } from '../../../src/core/train/random';

describe('seeded randomness', () => {
  it('repeats the same sequence for the same seed and differs for another seed', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, mulberry32(seed));
    assert.deepEqual(draw(42), draw(42));
    assert.notDeepEqual(draw(42), draw(43));
    for (const value of draw(7)) {
      assert.ok(value >= 0 && value < 1);
    }
  });

  it('shuffles into a permutation of the same items', () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const shuffled = shuffleInPlace([...items], mulberry32(1));
    assert.notDeepEqual(shuffled, items);
    assert.deepEqual(
      [...shuffled].sort((a, b) => a - b),
      items,
    );
  });

  it('splits reproducibly into disjoint parts covering every row', () => {
    const a = splitRows(344, 0.2, 0.15, 42);
    const b = splitRows(344, 0.2, 0.15, 42);
    assert.deepEqual(a, b);
    assert.equal(a.holdout.length, Math.round(344 * 0.15));
    assert.equal(a.validation.length, Math.round((344 - a.holdout.length) * 0.2));
    const all = [...a.train, ...a.validation, ...a.holdout].sort((x, y) => x - y);
    assert.deepEqual(
      all,
      Array.from({ length: 344 }, (_, i) => i),
    );
    assert.notDeepEqual(splitRows(344, 0.2, 0.15, 43).validation, a.validation);
  });

  it('rejects shares that leave no training rows', () => {
    assert.throws(() => splitRows(10, 0.9, 0.5, 1), /leave no training rows out of 10/);
    assert.throws(() => splitRows(10, 1, 0, 1), /validation_split must be in \[0, 1\)/);
  });
});
