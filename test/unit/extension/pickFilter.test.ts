/** The row a multi-select quick pick highlights as the user types (src/shared/pickFilter.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { topHolding } from '../../../src/shared/pickFilter';

describe('the row highlighted as the user types in a multi-select picker', () => {
  it('is a row whose label holds the text, whatever the case, before rows holding it in their description', () => {
    const runs = [
      { label: 'finetune', description: '1 min ago · train_loss 0.21' },
      { label: 'Train-Big', description: 'yesterday' },
    ];
    assert.equal(topHolding(runs, 'TRAIN'), runs[1]);
    assert.equal(topHolding(runs, ' big '), runs[1], 'surrounding spaces are not part of the text');
    assert.equal(topHolding(runs, 'loss 0.21'), runs[0], 'the picker also filters on descriptions');
  });

  it('is the label VS Code sorts on top: starting with the text, then the shorter, then ending with it', () => {
    // Newest first, as the run pickers give them.
    assert.equal(topHolding([{ label: 'pretrain' }, { label: 'train' }], 'train')?.label, 'train');
    assert.equal(topHolding([{ label: 'train-big' }, { label: 'train' }], 'train')?.label, 'train');
    assert.equal(topHolding([{ label: 'my-train-x' }, { label: 'pretrain' }], 'train')?.label, 'pretrain');
    assert.equal(topHolding([{ label: 'run10' }, { label: 'run9' }], 'run')?.label, 'run9');
  });

  it('leaves codicons out, as the picker shows them as icons', () => {
    const rows = [
      { label: 'eval', description: 'current: $(hostname)' },
      { label: 'x', description: 'hostname' },
    ];
    assert.equal(topHolding(rows, 'hostname'), rows[1]);
  });

  it('is none for an empty text or one no row holds', () => {
    const rows = [{ label: 'train' }];
    assert.equal(topHolding(rows, ''), undefined);
    assert.equal(topHolding(rows, '   '), undefined);
    assert.equal(topHolding(rows, 'predict'), undefined);
  });
});
