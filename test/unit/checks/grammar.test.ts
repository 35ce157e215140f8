/**
 * The check language of `checks:` (src/core/checks/grammar.ts): what parses to what, where each
 * mistake is reported, and, as properties (fast-check), that any text either parses or is refused with
 * a `CheckSyntaxError` (a `UserInputError`) at an offset inside the text, and that a written check
 * parses back to itself.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { UserInputError } from '../../../src/core/base/errors';
import {
  CheckSyntaxError,
  MAX_CHECK_LENGTH,
  checkName,
  parseCheck,
  type CheckOperator,
} from '../../../src/core/checks/grammar';

function refusal(text: string): CheckSyntaxError {
  try {
    parseCheck(text);
  } catch (error) {
    assert.ok(error instanceof CheckSyntaxError, `${text}: ${String(error)}`);
    return error;
  }
  assert.fail(`"${text}" parsed`);
}

describe('check grammar', () => {
  it('parses a metric, a comparison and a number', () => {
    assert.deepEqual(parseCheck('eval/roc_auc >= 0.9'), {
      text: 'eval/roc_auc >= 0.9',
      metric: 'eval/roc_auc',
      aggregate: 'last',
      op: '>=',
      right: { kind: 'number', value: 0.9 },
    });
    assert.deepEqual(parseCheck('val_loss<=.3').right, { kind: 'number', value: 0.3 });
    assert.equal(parseCheck('val_loss<=.3').metric, 'val_loss');
    assert.deepEqual(parseCheck('  a.b-c:d/e   !=  -1.5e-3 ').right, { kind: 'number', value: -0.0015 });
    assert.equal(parseCheck('  a.b-c:d/e   !=  -1.5e-3 ').metric, 'a.b-c:d/e');
    for (const op of ['>=', '>', '<=', '<', '==', '!='] satisfies CheckOperator[]) {
      assert.equal(parseCheck(`x ${op} 1`).op, op);
      assert.equal(parseCheck(`x${op}1`).op, op);
    }
  });

  it('parses baseline with an optional shift or factor', () => {
    assert.deepEqual(parseCheck('eval/f1_macro >= baseline - 0.01').right, {
      kind: 'baseline',
      adjust: { op: '-', value: 0.01 },
    });
    assert.deepEqual(parseCheck('loss <= baseline*1.05').right, {
      kind: 'baseline',
      adjust: { op: '*', value: 1.05 },
    });
    assert.deepEqual(parseCheck('loss <= baseline+2').right, {
      kind: 'baseline',
      adjust: { op: '+', value: 2 },
    });
    assert.deepEqual(parseCheck('acc == baseline').right, { kind: 'baseline' });
  });

  it('parses aggregates and quoted names (quotes, escapes, spaces, operators inside)', () => {
    assert.equal(parseCheck('max(val_acc) > 0.8').aggregate, 'max');
    assert.equal(parseCheck('min ( val_loss ) < 1').aggregate, 'min');
    assert.equal(parseCheck('best(val_loss) < 1').metric, 'val_loss');
    assert.equal(parseCheck('last("a b") < 1').metric, 'a b');
    assert.equal(parseCheck(`"loss (train)" <= 1`).metric, 'loss (train)');
    assert.equal(parseCheck(`'x >= 1' >= 1`).metric, 'x >= 1');
    assert.equal(parseCheck(String.raw`"say \"hi\" \\ o" >= 1`).metric, 'say "hi" \\ o');
    // A metric that is named like an aggregate is a metric when no parenthesis follows.
    assert.equal(parseCheck('max >= 1').metric, 'max');
    assert.equal(parseCheck('max >= 1').aggregate, 'last');
    assert.equal(parseCheck('"max" >= 1').metric, 'max');
  });

  it('refuses mistakes at the offset where they are, naming the fix', () => {
    const cases: [string, number, RegExp][] = [
      ['', 0, /empty/],
      ['   ', 3, /empty/],
      ['val_loss', 8, /expected a comparison/],
      ['val_loss = 0.3', 9, /equality is ==/],
      ['auc => 0.9', 4, /write >=/],
      ['auc =< 0.9', 4, /write <=/],
      ['auc >= ', 7, /expected a number or `baseline`/],
      ['auc >= high', 7, /expected a number or `baseline`/],
      ['auc >= 0.9 and more', 11, /unexpected "and more"/],
      ['auc >= baseline -', 17, /a number after "baseline -"/],
      ['auc >= baselines', 7, /expected a number/],
      ['auc >= 1e999', 7, /beyond the range of a double/],
      ['auc >= -1e400', 7, /beyond the range/],
      ['>= 0.9', 0, /expected a metric name/],
      ['"unclosed >= 1', 0, /not closed/],
      ['"" >= 1', 0, /empty/],
      ['avg(auc) >= 1', 0, /unknown function "avg\("/],
      ['max(auc >= 1', 8, /expected "\)"/],
      ['max() >= 1', 4, /expected a metric name/],
    ];
    for (const [text, offset, message] of cases) {
      const error = refusal(text);
      assert.equal(error.offset, offset, text);
      assert.match(error.message, message, text);
      assert.ok(error instanceof UserInputError);
    }
  });

  it('refuses a check longer than the limit', () => {
    const error = refusal(`${'a'.repeat(MAX_CHECK_LENGTH)} >= 1`);
    assert.match(error.message, /longest accepted is 1000/);
  });

  it('never throws anything but a CheckSyntaxError at an offset inside the text (property)', () => {
    const alphabet = fc.constantFrom(
      ...'ab/._-:()"\'\\ <>=!+-*0123456789eE. \t\n',
      'baseline',
      'max(',
      'min(',
      'best(',
      'last(',
      '>=',
      '<=',
      '==',
      '!=',
      '1e308',
      '1e309',
      '__proto__',
      '\u0000',
      '\u001b[2J',
    );
    const text = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.array(alphabet, { maxLength: 20 }).map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(text, (t) => {
        try {
          const check = parseCheck(t);
          assert.equal(check.text, t);
          assert.ok(check.metric.length > 0);
          if (check.right.kind === 'number') {
            assert.ok(Number.isFinite(check.right.value));
          }
        } catch (error) {
          assert.ok(error instanceof CheckSyntaxError, `${JSON.stringify(t)}: ${String(error)}`);
          assert.ok(
            error.offset >= 0 && error.offset <= t.length,
            `${JSON.stringify(t)}: offset ${error.offset}`,
          );
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('parses back any metric name written with checkName (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 30 }),
        fc.constantFrom('>=', '>', '<=', '<', '==', '!='),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        (name, op, value) => {
          const check = parseCheck(`${checkName(name)} ${op} ${String(value)}`);
          assert.equal(check.metric, name);
          assert.equal(check.op, op);
          assert.deepEqual(check.right, { kind: 'number', value: value === 0 ? 0 : value });
        },
      ),
      { numRuns: 2000 },
    );
  });
});
