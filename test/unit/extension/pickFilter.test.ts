/** The row a multi-select quick pick highlights as the user types (src/shared/pickFilter.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { firstHolding } from '../../../src/shared/pickFilter';

describe('the row highlighted as the user types in a multi-select picker', () => {
  const runs = [
    { label: 'eval', description: 'just now · 1.2s' },
    { label: 'train', description: '2 min ago · lr=0.01' },
    { label: 'Train-Big', description: 'yesterday' },
  ];

  it('is the first whose label or description holds the text, whatever the case', () => {
    assert.equal(firstHolding(runs, 'TRAIN'), runs[1]);
    assert.equal(firstHolding(runs, ' big '), runs[2], 'surrounding spaces are not part of the text');
    assert.equal(firstHolding(runs, 'lr=0.01'), runs[1], 'the picker also filters on descriptions');
  });

  it('is none for an empty text or one no row holds', () => {
    assert.equal(firstHolding(runs, ''), undefined);
    assert.equal(firstHolding(runs, '   '), undefined);
    assert.equal(firstHolding(runs, 'predict'), undefined);
  });
});
