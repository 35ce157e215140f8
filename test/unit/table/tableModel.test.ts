/**
 * The table webview's local model (webviews/table/model.ts, no DOM): multi-column sort with missing values
 * last, commit groups with HEAD first and collapsing, pinned columns first, hidden columns, "only columns
 * that differ" among the shown rows, moving columns, and cell text.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildTableData } from '../../../src/features/table/viewModel';
import { DEFAULT_TABLE_LAYOUT } from '../../../src/protocol/table';
import { TableModel, cellText, columnLabel, columnName } from '../../../webviews/table/model';
import { run } from '../compare/runs';

const HEAD = 'b'.repeat(40);

function model() {
  const runs = [
    run('20261206T100400Z-00000004', { params: { lr: 0.1, seed: 1 }, metrics: { acc: [0.7] } }),
    run('20261206T100300Z-00000003', { params: { lr: 0.01, seed: 1 }, metrics: { acc: [0.9] } }),
    run('20261206T100200Z-00000002', { params: { lr: 0.01, seed: 1 } }),
    run('20261206T100100Z-00000001', { params: { lr: 0.1, seed: 1 }, metrics: { acc: [0.8] } }),
  ];
  runs[1].git = { ...runs[1].git, commit: HEAD };
  runs[3].git = { ...runs[3].git, commit: HEAD };
  const data = buildTableData(runs, {
    version: 1,
    head: HEAD,
    aggregates: new Map(),
    annotations: new Map(),
  });
  return new TableModel(data, { ...DEFAULT_TABLE_LAYOUT });
}

describe('table webview model', () => {
  it('sorts by several keys, best first for metrics, runs without a value last', () => {
    const m = model();
    m.toggleSort('metrics.acc', false);
    assert.deepEqual([...m.sortedRows()], [1, 3, 0, 2]);
    m.toggleSort('metrics.acc', false);
    assert.deepEqual([...m.sortedRows()], [0, 3, 1, 2], 'ascending, missing still last');
    m.toggleSort('params.lr', false);
    m.toggleSort('metrics.acc', true);
    assert.deepEqual(m.layout.sort, [
      { key: 'params.lr', descending: false },
      { key: 'metrics.acc', descending: true },
    ]);
    assert.deepEqual([...m.sortedRows()], [1, 2, 3, 0]);
  });

  it('groups by commit with HEAD first, collapses groups, and applies the filter', () => {
    const m = model();
    const items = m.displayItems();
    assert.deepEqual(
      items.map((i) => (i.kind === 'group' ? `${i.sha?.[0]}${i.head ? '*' : ''}:${i.count}` : i.row)),
      ['b*:2', 1, 3, 'a:2', 0, 2],
    );
    m.collapsed.add(HEAD);
    assert.equal(m.displayItems().length, 4);
    m.filtered = [0, 2];
    m.invalidate();
    assert.deepEqual(
      m.displayItems().map((i) => (i.kind === 'group' ? 'group' : i.row)),
      ['group', 0, 2],
    );
    m.layout = { ...m.layout, grouped: false };
    assert.deepEqual(
      m.displayItems().map((i) => (i.kind === 'run' ? i.row : -1)),
      [0, 2],
    );
  });

  it('shows pinned columns first, hides columns, keeps only differing ones on request', () => {
    const m = model();
    m.layout = { ...m.layout, pinned: ['params.lr'], hidden: ['dirty'] };
    const keys = () => m.shownColumns().map((c) => c.column.key);
    assert.equal(keys()[0], 'params.lr');
    assert.ok(!keys().includes('dirty'));
    m.layout = { ...m.layout, onlyDiffering: true };
    m.invalidate();
    assert.deepEqual(keys(), ['params.lr', 'id', 'commit', 'metrics.acc']);
    m.filtered = [0, 3];
    m.invalidate();
    assert.deepEqual(
      keys(),
      ['id', 'commit', 'metrics.acc'],
      'a pinned column that does not differ goes too',
    );
    m.filtered = [1, 3];
    m.invalidate();
    assert.deepEqual(keys(), ['params.lr', 'id', 'metrics.acc'], 'runs 1 and 3 share their commit');
  });

  it('moves columns before another or by an offset', () => {
    const m = model();
    m.moveColumn('metrics.acc', { before: 'task' });
    assert.deepEqual(m.layout.order.slice(0, 3), ['id', 'metrics.acc', 'task']);
    m.moveColumn('id', { offset: 2 });
    assert.deepEqual(m.layout.order.slice(0, 3), ['metrics.acc', 'task', 'id']);
    m.moveColumn('metrics.acc', { before: 'task' });
    assert.deepEqual(
      m.layout.order.slice(0, 3),
      ['task', 'metrics.acc', 'id'],
      'dropped on its right neighbour',
    );
    const last = m.layout.order.at(-1)!;
    m.moveColumn('task', { before: last });
    assert.deepEqual(m.layout.order.slice(-2), [last, 'task'], 'a column can be dragged to the last place');
  });

  it('steps a shown column past the next shown column of its part, over hidden ones', () => {
    const m = model();
    const shown = () => m.shownColumns().map((c) => c.column.key);
    m.layout = { ...m.layout, order: [], pinned: ['id'], hidden: ['status', 'started'] };
    const before = shown();
    assert.deepEqual(before.slice(0, 3), ['id', 'task', 'duration'], 'status and started hidden');
    m.moveColumn('task', { offset: 1 });
    assert.deepEqual(shown().slice(0, 3), ['id', 'duration', 'task'], 'past the hidden two and duration');
    m.moveColumn('task', { offset: -1 });
    assert.deepEqual(shown(), before, 'and back');
    m.moveColumn('task', { offset: -1 });
    assert.deepEqual(shown(), before, 'the first free column stays: the pinned id is of another part');
    const last = before[before.length - 1];
    m.moveColumn(last, { offset: 1 });
    assert.deepEqual(shown(), before, 'the last column stays');
    m.moveColumn('status', { offset: 1 });
    const order = m.orderedIndices().map((i) => m.data.columns[i].key);
    assert.ok(order.indexOf('status') > order.indexOf('started'), 'a hidden column steps past any column');
  });

  it('names a metric named like a run attribute metrics.<name>, as the filter reads it', () => {
    const metric = (name: string) => ({ key: `metrics.${name}`, kind: 'metric' as const, name });
    assert.equal(columnLabel(metric('duration')), 'metrics.duration');
    assert.equal(columnName(metric('status')), 'metrics.status');
    assert.equal(columnLabel({ ...metric('duration'), aggregate: 'min' }), 'metrics.duration (min)');
    assert.equal(columnLabel(metric('loss')), 'loss');
    assert.equal(columnLabel(metric('branch')), 'metrics.branch', 'every attribute the filter reads');
    assert.equal(columnLabel(metric('params.lr')), 'metrics.params.lr', 'a metric named like a param');
    assert.equal(columnLabel({ key: 'duration', kind: 'attribute', name: 'duration' }), 'duration');
    assert.equal(columnName({ key: 'params.lr', kind: 'param', name: 'lr' }), 'params.lr');
    assert.equal(columnLabel({ key: 'params.lr', kind: 'param', name: 'lr' }), 'lr');
  });

  it('writes cells as people read them', () => {
    const m = model();
    const column = (key: string) => m.data.columns[m.columnIndex(key)!];
    assert.equal(cellText(column('duration'), 90_000), '1m 30s');
    assert.equal(cellText(column('commit'), HEAD), 'bbbbbbb');
    assert.equal(cellText(column('dirty'), true), 'dirty');
    assert.equal(cellText(column('metrics.acc'), null), '');
    assert.equal(cellText(column('params.lr'), 0.01), '0.01');
    assert.equal(cellText(column('task'), '<b>x</b>'), '<b>x</b>');
  });
});
