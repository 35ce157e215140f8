// Which probability columns a `proba` request names: a list, or a text of names (`proba:` of xlens.yaml,
// as `--proba`) where a name holding a comma is quoted.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseColumns } from '../../../src/core/eval/columnChoice';

const columns = ['y', 'pred', 'p, no', 'p, yes', 'p_a', 'p_b'];

describe('chooseColumns: proba', () => {
  it('reads a text as a name list: quoted names hold commas, plain ones are split at commas', () => {
    const one = chooseColumns('f.csv', columns, { target: 'y', proba: '"p, yes"' });
    assert.deepEqual(one.proba, [{ column: 'p, yes', label: null }]);
    const two = chooseColumns('f.csv', columns, { target: 'y', proba: 'p_a, p_b' });
    assert.deepEqual(two.proba, [
      { column: 'p_a', label: 'a' },
      { column: 'p_b', label: 'b' },
    ]);
    const prefix = chooseColumns('f.csv', columns, { target: 'y', proba: 'p_' });
    assert.deepEqual(
      prefix.proba.map((p) => p.column),
      ['p_a', 'p_b'],
    );
  });

  it('takes a list as it is, and refuses a bad text naming the field', () => {
    const list = chooseColumns('f.csv', columns, { target: 'y', proba: ['p, no', 'p, yes'] });
    assert.deepEqual(
      list.proba.map((p) => p.column),
      ['p, no', 'p, yes'],
    );
    assert.throws(
      () => chooseColumns('f.csv', columns, { target: 'y', proba: '"p, yes' }),
      /proba: column 1: the quote " is not closed/,
    );
    assert.throws(
      () => chooseColumns('f.csv', columns, { target: 'y', proba: 'p_a,,p_b' }),
      /proba: an empty name/,
    );
    // Unquoted, the name is two: the first piece is not a column.
    assert.throws(
      () => chooseColumns('f.csv', columns, { target: 'y', proba: 'p, yes' }),
      /no column "p" \(--proba\)/,
    );
  });
});
