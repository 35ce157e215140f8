import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorTailOf } from '../../../src/core/runner/outputCapture';

describe('errorTail (the end of a failed task’s stderr)', () => {
  it('drops colour codes, progress redraws and blank lines; keeps whole lines within 20 lines / 4 KB', () => {
    const stderr =
      '\x1b[31mTraceback (most recent call last):\x1b[0m\r\n' +
      '  File "train.py", line 3\n\n   \n' +
      'epoch 1/3\repoch 2/3\repoch 3/3\n' +
      "ValueError: could not convert string to float: 'n/a'\n";
    assert.deepEqual(errorTailOf(stderr).errorTail?.split('\n'), [
      'Traceback (most recent call last):',
      '  File "train.py", line 3',
      'epoch 3/3',
      "ValueError: could not convert string to float: 'n/a'",
    ]);
    assert.deepEqual(errorTailOf(''), {});
    assert.deepEqual(errorTailOf('\n \n'), {});
    const many = Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n');
    assert.equal(
      errorTailOf(many).errorTail,
      Array.from({ length: 20 }, (_, i) => `line ${i + 30}`).join('\n'),
    );
    // One line over 4 KB: its last 4 KB.
    const huge = errorTailOf(`start ${'x'.repeat(10_000)} end`).errorTail!;
    assert.equal(Buffer.byteLength(huge), 4096);
    assert.ok(huge.endsWith(' end'));
  });
});
