/**
 * A quoted argument reaches the program as the one word it was, whatever it holds: `/bin/sh` runs
 * `printf %s <quoted>` and prints the argument back (fast-check over strings with quotes, spaces,
 * `$`, backticks, globs, newlines and non-ASCII).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { shellQuote } from '../../../src/core/base/shellQuote';

function throughShell(quoted: string): string {
  const result = spawnSync('/bin/sh', ['-c', `printf %s ${quoted}`], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

describe('shellQuote', { skip: process.platform === 'win32' }, () => {
  it('leaves plain words as they are', () => {
    assert.equal(shellQuote('runs/train.latest'), 'runs/train.latest');
    assert.equal(shellQuote('lr=0.01'), 'lr=0.01');
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
  });

  it('gives /bin/sh exactly the argument back', () => {
    const hostile = fc.constantFrom(
      "'",
      '"',
      '$',
      '`',
      '\\',
      ' ',
      '*',
      '?',
      ';',
      '&',
      '|',
      '\n',
      '$(id)',
      'é',
    );
    fc.assert(
      fc.property(
        fc.array(fc.oneof(hostile, fc.string({ unit: 'grapheme' })), { minLength: 1, maxLength: 8 }),
        (parts) => {
          const arg = parts.join('').replace(/\0/g, '');
          fc.pre(arg.length > 0);
          assert.equal(throughShell(shellQuote(arg)), arg);
        },
      ),
      { numRuns: 60 },
    );
  });
});
