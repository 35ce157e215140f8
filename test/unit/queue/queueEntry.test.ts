/** Queue entries as read from `.xlens/queue/<run>.<state>.json` (`parseEntry`). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UserInputError } from '../../../src/core/base/errors';
import { parseEntry } from '../../../src/core/queue/queueFiles';

const RUN = '20261206T150138Z-82479db0';
const FILE = `/w/.xlens/queue/${RUN}.pending.json`;

describe('queue entry files', () => {
  it('reads an entry, keeping params named like Object.prototype members as data', () => {
    const text = JSON.stringify({
      schema: 1,
      run: RUN,
      task: 'train',
      overrides: JSON.parse(
        '{"__proto__": 1, "constructor": "x", "lr": 0.1, "bad": {"nested": true}}',
      ) as unknown,
      extraArgs: ['--fast'],
      enqueuedAt: 1765033298000,
      gpu: '1',
      pid: 42,
    });
    const entry = parseEntry(text, FILE, RUN);
    assert.equal(Object.getPrototypeOf(entry.overrides), null);
    assert.deepEqual(Object.entries(entry.overrides), [
      ['__proto__', 1],
      ['constructor', 'x'],
      ['lr', 0.1],
    ]);
    assert.deepEqual(
      [entry.task, entry.extraArgs, entry.enqueuedAt, entry.gpu, entry.pid],
      ['train', ['--fast'], 1765033298000, '1', 42],
    );
  });

  it('names the file and the fix for text that is not an entry', () => {
    const cases: [string, RegExp][] = [
      ['{"run": "', /not valid JSON/],
      ['[]', /not a queue entry/],
      [JSON.stringify({ run: '20261206T150138Z-00000000', task: 't', enqueuedAt: 1 }), /not a queue entry/],
      [JSON.stringify({ run: RUN, task: 't', enqueuedAt: '1' }), /not a queue entry/],
      [JSON.stringify({ run: RUN, task: 't', enqueuedAt: 1, extraArgs: 'x' }), /not a queue entry/],
    ];
    for (const [text, message] of cases) {
      assert.throws(
        () => parseEntry(text, FILE, RUN),
        (error: unknown) =>
          error instanceof UserInputError &&
          error.file === FILE &&
          error.message.startsWith(`${FILE}: `) &&
          message.test(error.message) &&
          error.message.includes('remove this file to drop it from the queue'),
        text,
      );
    }
  });
});
