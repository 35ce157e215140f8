/**
 * The table's inbound messages are checked before the host uses them: each message type's payload shape,
 * run ids that could not be paths, layouts from the view or an old workspace state, and names such as
 * `__proto__` that are not message types.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_TABLE_LAYOUT,
  parseTableViewMessage,
  validateTableLayout,
} from '../../../src/protocol/table';

/** The reason a layout is refused (fails when it is accepted). */
function layoutError(layout: Record<string, unknown>): string {
  const result = validateTableLayout(layout);
  assert.equal(typeof result, 'string');
  return result as string;
}

describe('table view messages', () => {
  it('accepts the messages of the protocol', () => {
    assert.deepEqual(
      parseTableViewMessage({
        type: 'table/aggregate',
        payload: { metric: '__proto__', aggregate: { step: 3 } },
      }),
      { type: 'table/aggregate', payload: { metric: '__proto__', aggregate: { step: 3 } } },
    );
    assert.deepEqual(
      parseTableViewMessage({
        type: 'table/compare',
        payload: { runIds: ['20261206T100000Z-0000abcd', 'b-1'] },
      }),
      { type: 'table/compare', payload: { runIds: ['20261206T100000Z-0000abcd', 'b-1'] } },
    );
  });

  it('refuses what the host must not act on, saying why', () => {
    const refused = (message: unknown): string => {
      const result = parseTableViewMessage(message);
      assert.equal(typeof result, 'string', JSON.stringify(message));
      return result as string;
    };
    assert.match(refused({ type: '__proto__', payload: {} }), /unknown message type "__proto__"/);
    assert.match(
      refused({ type: 'table/annotate', payload: { runId: '../../etc', starred: true, note: '' } }),
      /run id/,
    );
    assert.match(refused({ type: 'table/compare', payload: { runIds: ['one'] } }), /two or more/);
    assert.match(refused({ type: 'table/compare', payload: { runIds: ['b-1', 'a-1', 'b-1'] } }), /each once/);
    assert.match(
      refused({ type: 'table/aggregate', payload: { metric: 'loss', aggregate: { step: -1 } } }),
      /aggregate/,
    );
    assert.match(
      refused({ type: 'table/aggregate', payload: { metric: 'loss', aggregate: 'mean' } }),
      /aggregate/,
    );
    assert.match(
      refused({
        type: 'table/query',
        payload: { expression: 'x'.repeat(20_000), status: '', task: '', text: '' },
      }),
      /strings/,
    );
    assert.match(refused({ type: 'table/export', payload: { runIds: [], columns: [] } }), /column keys/);
    assert.match(refused({ type: 'table/rendered', payload: { rows: -1, columns: 0, ms: 0 } }), /numbers/);
  });

  it('checks layouts, dropping unknown fields', () => {
    const layout = {
      ...DEFAULT_TABLE_LAYOUT,
      sort: [{ key: 'loss', descending: true, extra: 1 }],
      more: true,
    };
    assert.deepEqual(validateTableLayout(layout), {
      ...DEFAULT_TABLE_LAYOUT,
      sort: [{ key: 'loss', descending: true }],
    });
    assert.match(layoutError({ ...DEFAULT_TABLE_LAYOUT, pinned: [1] }), /lists of column keys/);
    assert.match(layoutError({ ...DEFAULT_TABLE_LAYOUT, aggregates: [['loss', 'avg']] }), /aggregates/);
    assert.match(layoutError({ ...DEFAULT_TABLE_LAYOUT, grouped: 'yes' }), /booleans/);
  });
});
