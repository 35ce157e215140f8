import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { textTable } from '../../../src/core/base/textTable';

describe('textTable', () => {
  it('pads every column but the last to its widest cell, two spaces apart, no trailing spaces', () => {
    const text = textTable(
      ['NAME', 'TYPE', 'NOTE'],
      [['temp_max', 'numerical', 'ok'], ['w', 'categorical', ''], ['short']],
    );
    assert.equal(
      text,
      ['NAME      TYPE         NOTE', 'temp_max  numerical    ok', 'w         categorical', 'short'].join(
        '\n',
      ),
    );
  });
});
