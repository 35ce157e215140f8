/**
 * The name lists of `--columns`, `--sort` and `--metrics` (src/core/compare/nameList.ts): any list of
 * names, commas, quotes, backslashes, spaces and `__proto__` included, formats to text that splits back
 * to the same names; hand-typed lists read as the help says; mistakes are user errors naming the column.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { UserInputError } from '../../../src/core/base/errors';
import { formatNameList, splitFieldList, splitNameList } from '../../../src/core/compare/nameList';

/** Names built from the characters that matter to the syntax, real odd names, and any text. */
const name = fc
  .oneof(
    fc.string({
      unit: fc.constantFrom(',', '"', "'", '\\', ' ', '\t', '-', ':', 'a', 'b', '@', '.'),
      minLength: 1,
      maxLength: 12,
    }),
    fc.constantFrom('__proto__', 'constructor', 'f1,macro', ' lead', 'trail ', "it's", '-"x', '-', '\\'),
    fc.string({ minLength: 1, unit: 'binary' }),
  )
  .filter((n) => n !== '');

describe('name lists', () => {
  it('splits what formatNameList made back to the same names (round trip)', () => {
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 8 }), (names) => {
        assert.deepEqual(splitNameList(formatNameList(names), '--columns'), names);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads hand-typed lists as the help shows them', () => {
    assert.deepEqual(splitNameList('id, task ,params.lr', '--columns'), ['id', 'task', 'params.lr']);
    assert.deepEqual(splitNameList('id,"f1,macro":max', '--columns'), ['id', 'f1,macro:max']);
    assert.deepEqual(splitNameList(`-"f1,macro",'a,b' desc`, '--sort'), ['-f1,macro', 'a,b desc']);
    assert.deepEqual(splitNameList(`it's,"say \\"hi\\""`, '--metrics'), ["it's", 'say "hi"']);
    assert.deepEqual(splitNameList('__proto__', '--metrics'), ['__proto__']);
  });

  it('keeps the quotes of field names, where they end a name before its aggregate', () => {
    assert.deepEqual(splitFieldList(` loss:min , "loss:min":max,-'a,b' , "x desc" desc,it's`, '--sort'), [
      'loss:min',
      '"loss:min":max',
      "-'a,b'",
      '"x desc" desc',
      "it's",
    ]);
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 8 }), (names) => {
        assert.deepEqual(
          splitFieldList(formatNameList(names), '--columns').map((item) => splitNameList(item, 'item')[0]),
          names,
          'each item, unquoted, is the name',
        );
      }),
    );
  });

  it('refuses an empty name and an unclosed quote, naming where', () => {
    assert.throws(
      () => splitNameList('a,,b', '--columns'),
      (e: unknown) => {
        assert.ok(e instanceof UserInputError);
        assert.match(e.message, /^--columns: an empty name in "a,,b"; .*quote a name holding a comma/);
        return true;
      },
    );
    assert.throws(() => splitNameList('a,"b,c', '--sort'), /--sort: column 3: the quote " is not closed/);
  });
});
