/** The compare view's snapshot (src/features/compare/viewModel.ts): charts, deltas, groups, fallbacks. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareRows, type CompareRow } from '../../../src/core/charts/compareChart';
import { SCATTER_DATASET } from '../../../src/core/charts/paramCharts';
import type { MetricPoint } from '../../../src/core/metrics/series';
import { buildCompareSnapshot, type ComparedRunState } from '../../../src/features/compare/viewModel';
import { DEFAULT_COMPARE_OPTIONS, validateCompareOptions } from '../../../src/protocol/compare';
import { run } from './runs';

function state(id: string, lr: number, values: number[], task = 'train'): ComparedRunState {
  const points: MetricPoint[] = values.map((value, step) => ({ step, value }));
  return {
    record: run(id, { task, params: { lr }, metrics: { loss: values } }),
    series: new Map([['loss', points]]),
  };
}

const runs = [state('r1', 0.1, [3, 2, 1]), state('r2', 0.1, [5, 4, 3]), state('r3', 0.2, [1, 0.5, 0.25])];

describe('compare view snapshot', () => {
  it('draws one chart per metric with every run and deltas against the chosen baseline', () => {
    const snapshot = buildCompareSnapshot(runs, { ...DEFAULT_COMPARE_OPTIONS, baseline: 1 });
    assert.equal(snapshot.charts.length, 1);
    const rows = compareRows(snapshot.charts[0]);
    assert.deepEqual(
      [...new Set(rows.map((r) => r.series))],
      ['#1 train · r1', '#2 train · r2', '#3 train · r3'],
    );
    assert.deepEqual(
      snapshot.metrics[0].runs.map((r) => r?.deltaLast ?? null),
      [-2, null, -2.75],
    );
    assert.deepEqual(snapshot.params, [{ name: 'lr', values: ['0.1', '0.1', '0.2'], differs: true }]);
    assert.deepEqual(snapshot.groupChoices, ['task', 'params.lr']);
  });

  it('groups runs by a param into a mean line with a min-max band', () => {
    const snapshot = buildCompareSnapshot(runs, { ...DEFAULT_COMPARE_OPTIONS, groupBy: 'params.lr' });
    const rows = compareRows(snapshot.charts[0]);
    const group = rows.filter((r) => r.series === 'lr=0.1 (2 runs)');
    assert.deepEqual(
      group.map((r) => [r.value, r.min, r.max]),
      [
        [4, 3, 5],
        [3, 2, 4],
        [2, 1, 3],
      ],
    );
    assert.equal(rows.filter((r) => r.series === 'lr=0.2 (1 run)').length, 3);
  });

  it('falls back from a baseline or grouping that no longer applies, and notes log-scale omissions', () => {
    const snapshot = buildCompareSnapshot(runs.slice(0, 2), {
      ...DEFAULT_COMPARE_OPTIONS,
      baseline: 7,
      groupBy: 'params.nope',
      yScale: 'log',
    });
    assert.equal(snapshot.options.baseline, 0);
    assert.equal(snapshot.options.groupBy, null);
    const zero = buildCompareSnapshot([state('z1', 1, [0, 1, 2]), state('z2', 2, [1, 2, 3])], {
      ...DEFAULT_COMPARE_OPTIONS,
      yScale: 'log',
    });
    assert.deepEqual(zero.notes, ['loss: 1 values ≤ 0 of #1 train · z1 are not drawn on the log scale.']);
  });

  it('builds the first chart alone, then the rest reusing it: the same snapshot as built at once', () => {
    const withLog = (id: string, lr: number, values: number[]): ComparedRunState => {
      const shifted = values.map((v) => v - 2);
      return {
        record: run(id, { params: { lr }, metrics: { loss: values, val_loss: shifted } }),
        series: new Map([
          ['loss', values.map((value, step) => ({ step, value }))],
          ['val_loss', shifted.map((value, step) => ({ step, value }))],
        ]),
      };
    };
    const three = [
      withLog('r1', 0.1, [3, 2, 1]),
      withLog('r2', 0.2, [5, 4, 3]),
      withLog('r3', 0.3, [0, 2, 3]),
    ];
    const options = { ...DEFAULT_COMPARE_OPTIONS, yScale: 'log' as const };
    const whole = buildCompareSnapshot(three, options, ['run r9 is gone'], { revision: 7 });
    assert.equal(whole.charts.length, 2);
    assert.equal(whole.pendingCharts, 0);
    // Both charts have a note: r3's loss has a 0, every val_loss values ≤ 0 (left out of the log scale).
    const noteOf = (i: number) => (n: string) => n.startsWith(`${whole.charts[i].title}:`);
    assert.ok(whole.notes.some(noteOf(0)) && whole.notes.some(noteOf(1)), whole.notes.join('\n'));

    const first = buildCompareSnapshot(three, options, ['run r9 is gone'], { revision: 7, charts: 1 });
    assert.equal(first.charts.length, 1);
    assert.equal(first.pendingCharts, 1);
    assert.equal(first.revision, 7);
    assert.deepEqual(first.charts[0], whole.charts[0]);
    assert.ok(first.notes.some(noteOf(0)));
    assert.ok(!first.notes.some(noteOf(1)), 'notes of charts not built yet wait');

    const rest = buildCompareSnapshot(three, options, ['run r9 is gone'], { revision: 7, after: first });
    assert.deepStrictEqual(rest, whole);
    assert.equal(rest.charts[0], first.charts[0], 'the first chart is taken as built, not built again');
  });

  it('completes the first part as it was, with charts only of the metrics it left out, when runs changed', () => {
    const withAcc = (id: string, values: number[]): ComparedRunState => ({
      record: run(id, { params: { lr: 0.1 }, metrics: { loss: values, accuracy: values } }),
      series: new Map([
        ['loss', values.map((value, step) => ({ step, value }))],
        ['accuracy', values.map((value, step) => ({ step, value: value / 10 }))],
      ]),
    });
    const before = [withAcc('r1', [3, 2, 1]), withAcc('r2', [5, 4, 3])];
    const first = buildCompareSnapshot(before, DEFAULT_COMPARE_OPTIONS, [], { revision: 3, charts: 1 });
    assert.equal(first.pendingCharts, 1);
    // Meanwhile a third run was read, with a metric of its own.
    const plain = withAcc('r3', [1, 1, 1]);
    const third: ComparedRunState = {
      record: { ...plain.record, metrics: { ...plain.record.metrics, aaa_new: plain.record.metrics.loss } },
      series: new Map([...plain.series, ['aaa_new', [{ step: 0, value: 1 }]]]),
    };
    const rest = buildCompareSnapshot([...before, third], DEFAULT_COMPARE_OPTIONS, [], { after: first });
    const titles = rest.charts.map((c) => c.title);
    assert.equal(new Set(titles).size, titles.length, `no metric charted twice: ${titles.join(', ')}`);
    assert.deepEqual(new Set(titles), new Set(['loss', 'accuracy', 'aaa_new']));
    assert.equal(new Set(rest.charts.map((c) => c.id)).size, titles.length, 'ids stay unique');
    const { charts: _a, pendingCharts: _b, ...restTables } = rest;
    const { charts: _c, pendingCharts: _d, ...firstTables } = first;
    assert.deepEqual(
      restTables,
      firstTables,
      'runs, tables, legend and revision as the first part showed them',
    );
    assert.equal(rest.pendingCharts, 0);
  });

  it('validates options from the view', () => {
    assert.deepEqual(validateCompareOptions({ ...DEFAULT_COMPARE_OPTIONS }), DEFAULT_COMPARE_OPTIONS);
    for (const bad of [
      { x: 'steps' },
      { yScale: 'sqrt' },
      { smoothing: 1 },
      { smoothing: Number.NaN },
      { clipOutliers: 'yes' },
      { groupBy: 3 },
      { baseline: -1 },
      { baseline: 0.5 },
      { metric: 3 },
      { param: {} },
    ]) {
      assert.equal(
        typeof validateCompareOptions({ ...DEFAULT_COMPARE_OPTIONS, ...bad }),
        'string',
        JSON.stringify(bad),
      );
    }
  });

  it('accepts a state saved before the params charts existed (no metric, no param)', () => {
    const { metric: _m, param: _p, ...old } = DEFAULT_COMPARE_OPTIONS;
    assert.deepEqual(validateCompareOptions(old), DEFAULT_COMPARE_OPTIONS);
  });

  it('builds the params charts for the chosen metric and param, falling back when they do not apply', () => {
    const snapshot = buildCompareSnapshot(runs, { ...DEFAULT_COMPARE_OPTIONS, metric: 'loss', param: 'lr' });
    assert.deepEqual(
      snapshot.paramCharts.map((c) => c.id),
      ['compare:parallel', 'compare:scatter'],
    );
    assert.deepEqual(snapshot.paramCharts[1].data[SCATTER_DATASET], [
      { run: '#1 train · r1', x: 0.1, metric: 1 },
      { run: '#2 train · r2', x: 0.1, metric: 3 },
      { run: '#3 train · r3', x: 0.2, metric: 0.25 },
    ]);
    assert.deepEqual(snapshot.metricChoices, ['loss']);
    assert.deepEqual(snapshot.paramChoices, ['lr']);
    const stale = buildCompareSnapshot(runs, {
      ...DEFAULT_COMPARE_OPTIONS,
      metric: 'gone',
      param: '__proto__',
    });
    assert.equal(stale.options.metric, null);
    assert.equal(stale.options.param, null);
    assert.equal(stale.paramCharts.length, 2, 'the first metric and differing param instead');
  });

  it('compares data inputs by fingerprint against the baseline: same, changed, added, missing', () => {
    const withData = (id: string, data: [string, string][]): ComparedRunState => {
      const s = state(id, 0.1, [1]);
      return {
        ...s,
        record: {
          ...s.record,
          data: data.map(([path, sha256]) => ({
            path,
            sha256,
            size: 10,
            mtime: '2026-12-01T10:00:00.000Z',
            files: 1,
          })),
        },
      };
    };
    const snapshot = buildCompareSnapshot(
      [
        withData('a', [
          ['train.csv', 'aa'],
          ['test.csv', 'tt'],
        ]),
        withData('b', [
          ['train.csv', 'bb'],
          ['extra.csv', 'ee'],
        ]),
        withData('c', [
          ['train.csv', 'aa'],
          ['test.csv', 'tt'],
        ]),
      ],
      DEFAULT_COMPARE_OPTIONS,
    );
    assert.deepEqual(
      snapshot.data.map((d) => [d.path, d.runs.map((r) => r.state), d.differs]),
      [
        ['extra.csv', ['missing', 'added', 'missing'], true],
        ['test.csv', ['same', 'missing', 'same'], true],
        ['train.csv', ['same', 'changed', 'same'], true],
      ],
    );
  });

  it('sends fewer buckets per run as runs grow (20,000 rows a chart), and a one-step spike stays in its band', () => {
    const steps = 20_000;
    const flat: MetricPoint[] = Array.from({ length: steps }, (_, step) => ({
      step,
      value: 1 + (step % 7) / 100,
    }));
    const spiked = flat.map((p) => (p.step === 12_345 ? { ...p, value: 500 } : p));
    const many: ComparedRunState[] = Array.from({ length: 100 }, (_, i) => ({
      record: run(`m${i}`, { params: { lr: i }, metrics: { loss: [1] } }),
      series: new Map([['loss', i === 42 ? spiked : flat]]),
    }));
    const rows = compareRows(buildCompareSnapshot(many, DEFAULT_COMPARE_OPTIONS).charts[0]);
    const perRun = new Map<string, CompareRow[]>();
    rows.forEach((r) => perRun.set(r.series, [...(perRun.get(r.series) ?? []), r]));
    assert.equal(perRun.size, 100);
    assert.deepEqual(new Set([...perRun.values()].map((r) => r.length)), new Set([200]));
    assert.equal(Math.max(...perRun.get('#43 train · m42')!.map((r) => r.max)), 500);
    assert.equal(Math.max(...perRun.get('#42 train · m41')!.map((r) => r.max)), 1.06);
    const few = compareRows(buildCompareSnapshot(runs, DEFAULT_COMPARE_OPTIONS).charts[0]);
    assert.equal(few.length, 9, 'short series are sent whole');
  });
});
