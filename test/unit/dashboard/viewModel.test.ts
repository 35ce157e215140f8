import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetricPoint } from '../../../src/core/metrics/series';
import type { RunRecord } from '../../../src/core/runs/types';
import { MAX_POINTS_PER_SERIES } from '../../../src/protocol/dashboard';
import {
  buildHeader,
  buildParams,
  buildSnapshot,
  ChartTracker,
  type RunState,
} from '../../../src/features/dashboard/viewModel';

function record(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    schema: 1,
    id: '20261124T090612Z-7f3a',
    task: 'train',
    kind: 'tfjs-train',
    status: 'succeeded',
    createdAt: '2026-11-24T09:06:12.000Z',
    startedAt: '2026-11-24T09:06:12.500Z',
    endedAt: '2026-11-24T09:07:02.500Z',
    durationMs: 50_000,
    exitCode: 0,
    command: 'built-in trainer',
    cwd: '/ws',
    git: {
      commit: 'a'.repeat(40),
      branch: 'main',
      subject: 'Add data',
      dirty: true,
      snapshot: 'b'.repeat(40),
    },
    params: { 'optimizer.lr': 0.01, epochs: 40, early: true, note: null },
    data: [],
    metrics: {},
    artifacts: [],
    info: { backend: 'wasm' },
    ...overrides,
  };
}

/** A smooth decreasing curve with noise: a loss-like series of `n` points. */
function curve(n: number, offset = 0): MetricPoint[] {
  return Array.from({ length: n }, (_, step) => ({
    step,
    value: 1 / (1 + step / 100) + offset + 0.01 * Math.sin(step),
  }));
}

function state(series: Map<string, MetricPoint[]>, overrides: Partial<RunState> = {}): RunState {
  let lastStep: number | null = null;
  for (const points of series.values()) {
    for (const p of points) {
      lastStep = lastStep === null ? p.step : Math.max(lastStep, p.step);
    }
  }
  return {
    runId: '20261124T090612Z-7f3a',
    record: record(),
    series,
    lastStep,
    log: { lines: ['epoch 1'], truncated: false },
    warnings: [],
    missing: false,
    ...overrides,
  };
}

function rowsPerSeries(rows: Record<string, unknown>[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) {
    counts.set(String(row.series), (counts.get(String(row.series)) ?? 0) + 1);
  }
  return counts;
}

describe('dashboard view model', () => {
  it('shows task, status, git state, duration and backend in the header', () => {
    const header = buildHeader(state(new Map([['loss', curve(3)]])));
    assert.equal(header.task, 'train');
    assert.equal(header.status, 'succeeded');
    assert.equal(header.commit, 'a'.repeat(40));
    assert.equal(header.branch, 'main');
    assert.equal(header.dirty, true);
    assert.equal(header.snapshot, 'b'.repeat(40));
    assert.equal(header.durationMs, 50_000);
    assert.equal(header.backend, 'wasm');
    assert.equal(header.lastStep, 2);
  });

  it("shows the run's checks with the value found or why each failed", () => {
    assert.deepEqual(buildHeader(state(new Map())).checks, []);
    const checks = [
      {
        check: 'eval/f1 >= baseline - 0.01',
        value: 0.81,
        threshold: 0.79,
        baseline: { ref: 'latest:train@main', runId: '20261120T000000Z-aaaa', value: 0.8 },
        passed: true,
      },
      {
        check: 'auc >= 0.9',
        value: null,
        threshold: 0.9,
        passed: false,
        reason: 'metric auc not recorded by this run',
      },
    ];
    assert.deepEqual(buildHeader(state(new Map(), { record: record({ checks }) })).checks, [
      {
        check: 'eval/f1 >= baseline - 0.01',
        passed: true,
        detail: '0.81, baseline 0.8 of 20261120T000000Z-aaaa',
      },
      { check: 'auc >= 0.9', passed: false, detail: 'metric auc not recorded by this run' },
    ]);
  });

  it('counts a running run duration from its start, and marks a vanished run as missing', () => {
    const running = record({ status: 'running', endedAt: undefined, durationMs: undefined });
    const now = Date.parse('2026-11-24T09:06:22.500Z');
    assert.equal(buildHeader(state(new Map(), { record: running }), now).durationMs, 10_000);
    assert.equal(buildHeader(state(new Map(), { missing: true })).status, 'missing');
    assert.equal(buildHeader(state(new Map(), { record: undefined })).status, 'queued');
  });

  it('lists params sorted by name with their recorded values', () => {
    assert.deepEqual(buildParams({ record: record() }), [
      { name: 'early', value: true },
      { name: 'epochs', value: 40 },
      { name: 'note', value: null },
      { name: 'optimizer.lr', value: 0.01 },
    ]);
  });

  it('draws train and validation curves of a metric in one chart', () => {
    const series = new Map([
      ['loss', curve(40)],
      ['accuracy', curve(40, 0.5)],
      ['val_loss', curve(40, 0.1)],
      ['val_accuracy', curve(40, 0.4)],
      ['lr', curve(40)],
    ]);
    const snapshot = buildSnapshot(state(series));
    assert.deepEqual(
      snapshot.charts.map((c) => [c.id, [...rowsPerSeries(c.data.points).keys()]]),
      [
        ['metric:loss', ['loss', 'val_loss']],
        ['metric:accuracy', ['accuracy', 'val_accuracy']],
        ['metric:lr', ['lr']],
      ],
    );
    assert.deepEqual(
      snapshot.series.find((s) => s.name === 'val_loss'),
      { name: 'val_loss', total: 40, shown: 40 },
    );
  });

  it('shows metrics recorded once as result cards, except beside a curve they share a chart with', () => {
    const series = new Map([
      ['loss', curve(40)],
      ['accuracy', curve(40, 0.5)],
      ['eval/accuracy', [{ step: 39, value: 0.93 }]],
      ['eval/precision_macro', [{ step: 39, value: 0.9125 }]],
      ['eval/recall_macro', [{ step: 39, value: 0.875 }]],
      ['empty', []],
    ]);
    const snapshot = buildSnapshot(state(series));
    assert.deepEqual(
      snapshot.charts.map((c) => [c.id, [...rowsPerSeries(c.data.points).keys()]]),
      [
        ['metric:loss', ['loss']],
        ['metric:accuracy', ['accuracy', 'eval/accuracy']],
      ],
    );
    assert.deepEqual(snapshot.results, [
      { name: 'eval/precision_macro', value: 0.9125, step: 39 },
      { name: 'eval/recall_macro', value: 0.875, step: 39 },
    ]);
    // A pair recorded once each (val_loss with loss) is two cards, in the order the run wrote them.
    const once = buildSnapshot(
      state(
        new Map([
          ['val_loss', [{ step: 0, value: 0.5 }]],
          ['loss', [{ step: 0, value: 0.4 }]],
        ]),
      ),
    );
    assert.deepEqual(once.charts, []);
    assert.deepEqual(
      once.results.map((r) => r.name),
      ['val_loss', 'loss'],
    );
  });

  it('sends at most 2,000 points per series for 10 metrics of 100,000 steps, keeping first and last', () => {
    const series = new Map(
      Array.from({ length: 10 }, (_, i) => [`metric_${i}`, curve(100_000, i)] as [string, MetricPoint[]]),
    );
    const snapshot = buildSnapshot(state(series));
    assert.equal(snapshot.charts.length, 10);
    for (const chart of snapshot.charts) {
      const rows = chart.data.points;
      const [count] = [...rowsPerSeries(rows).values()];
      assert.equal(count, MAX_POINTS_PER_SERIES);
      assert.equal(rows[0].step, 0);
      assert.equal(rows[rows.length - 1].step, 99_999);
    }
    assert.ok(snapshot.series.every((s) => s.total === 100_000 && s.shown === MAX_POINTS_PER_SERIES));
    // The payload stays small enough to post at once: well under 10 MB of JSON for 10 × 100k points.
    assert.ok(JSON.stringify(snapshot).length < 10_000_000);
  });
});

describe('ChartTracker: what an update carries', () => {
  it('sends only new rows for a chart whose metrics are unchanged', () => {
    const series = new Map([['loss', curve(5)]]);
    const tracker = new ChartTracker();
    tracker.reset(series);
    series.get('loss')!.push({ step: 5, value: 0.1 });
    const diff = tracker.diff(series, new Map([['loss', 1]]), false);
    assert.equal(diff.charts, undefined);
    assert.equal(diff.data?.length, 1);
    assert.equal(diff.data[0].chartId, 'metric:loss');
    assert.equal(diff.data[0].rows.length, 6);
    assert.deepEqual(diff.series, [{ name: 'loss', total: 6, shown: 6 }]);
  });

  it('sends a whole chart when a metric joins it or appears for the first time', () => {
    const series = new Map([['loss', curve(5)]]);
    const tracker = new ChartTracker();
    tracker.reset(series);
    series.set('val_loss', curve(1));
    series.set('accuracy', curve(1));
    const diff = tracker.diff(
      series,
      new Map([
        ['val_loss', 1],
        ['accuracy', 1],
      ]),
      false,
    );
    // val_loss joins the loss curve; accuracy, recorded once, is a result card and no chart.
    assert.deepEqual(
      diff.charts?.map((c) => c.id),
      ['metric:loss'],
    );
    assert.equal(diff.data, undefined);
    assert.deepEqual(
      diff.results?.map((r) => r.name),
      ['accuracy'],
    );
    // Known from now on: the next points are rows only, and the cards are not sent again.
    series.get('val_loss')!.push({ step: 1, value: 0.5 });
    const next = tracker.diff(series, new Map([['val_loss', 1]]), false);
    assert.equal(next.charts, undefined);
    assert.equal(next.results, undefined);
  });

  it('turns a result card into a chart when its metric gets a second point', () => {
    const series = new Map([
      ['loss', curve(5)],
      ['eval/precision_macro', [{ step: 4, value: 0.8125 }]],
    ]);
    const tracker = new ChartTracker();
    tracker.reset(series);
    series.get('eval/precision_macro')!.push({ step: 5, value: 0.84 });
    const diff = tracker.diff(series, new Map([['eval/precision_macro', 1]]), false);
    assert.deepEqual(
      diff.charts?.map((c) => [c.id, [...rowsPerSeries(c.data.points)]]),
      [['metric:precision_macro', [['eval/precision_macro', 2]]]],
    );
    assert.deepEqual(diff.results, []);
    assert.deepEqual(diff.series, [{ name: 'eval/precision_macro', total: 2, shown: 2 }]);
  });

  it('sends the cards anew after the metrics file was rewritten', () => {
    const tracker = new ChartTracker();
    tracker.reset(new Map([['loss', curve(5)]]));
    const diff = tracker.diff(new Map([['loss', curve(1)]]), new Map([['loss', 1]]), true);
    assert.deepEqual(diff.charts, []);
    assert.deepEqual(diff.results, [{ name: 'loss', value: curve(1)[0].value, step: 0 }]);
  });

  it('rebuilds every chart after the metrics file was rewritten', () => {
    const tracker = new ChartTracker();
    tracker.reset(
      new Map([
        ['loss', curve(5)],
        ['acc', curve(5)],
      ]),
    );
    const diff = tracker.diff(new Map([['loss', curve(2)]]), new Map([['loss', 2]]), true);
    assert.equal(diff.reset, true);
    assert.deepEqual(
      diff.charts?.map((c) => c.id),
      ['metric:loss'],
    );
  });

  it('sends nothing when nothing was appended', () => {
    const tracker = new ChartTracker();
    tracker.reset(new Map([['loss', curve(5)]]));
    assert.deepEqual(tracker.diff(new Map([['loss', curve(5)]]), new Map(), false), {});
  });
});
