// The checks every view's messages share (src/protocol/messages.ts): one validation of the envelope and
// of `webview/ready`/`webview/error`, so the dashboard and the drift view accept and refuse the same.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDashboardViewMessage } from '../../../src/protocol/dashboard';
import { parseDriftViewMessage } from '../../../src/protocol/drift';
import { MAX_VIEW_ERROR_LENGTH, parseViewMessage } from '../../../src/protocol/messages';

const own = (type: string): string => `unknown message type "${type}"`;

describe('messages from a view', () => {
  it('accepts the page messages and cuts long error reports', () => {
    assert.deepEqual(parseViewMessage({ type: 'webview/ready', payload: { version: 1 } }, own), {
      type: 'webview/ready',
      payload: { version: 1 },
    });
    const long = parseViewMessage({ type: 'webview/error', payload: { message: 'x'.repeat(5000) } }, own);
    assert.equal(
      typeof long === 'object' && 'message' in long.payload && long.payload.message.length,
      MAX_VIEW_ERROR_LENGTH,
    );
  });

  it('says what is wrong with a malformed message, and hands other types to the view', () => {
    const cases: [unknown, string][] = [
      [null, 'message is not an object'],
      [{ payload: {} }, 'message has no string "type"'],
      [{ type: 'webview/ready' }, 'message "webview/ready" has no object "payload"'],
      [{ type: 'webview/ready', payload: { version: 2 } }, '"webview/ready" needs payload.version 1'],
      [{ type: 'webview/error', payload: { message: 3 } }, '"webview/error" needs a string payload.message'],
      [{ type: 'x'.repeat(300), payload: {} }, `unknown message type "${'x'.repeat(300)}"`],
    ];
    for (const [value, expected] of cases) {
      assert.equal(parseViewMessage(value, own), expected);
    }
  });

  it('gives the dashboard and the drift view the same answers for the page messages', () => {
    const inputs: unknown[] = [
      { type: 'webview/ready', payload: { version: 1 } },
      { type: 'webview/ready', payload: {} },
      { type: 'webview/error', payload: { message: 'chart failed' } },
      { type: 'webview/error', payload: {} },
      'not a message',
      { type: 'nonsense', payload: {} },
    ];
    for (const input of inputs) {
      assert.deepEqual(parseDashboardViewMessage(input), parseDriftViewMessage(input));
    }
  });
});
