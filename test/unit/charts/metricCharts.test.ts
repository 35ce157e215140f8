import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LINE_DATASET, type LineRow } from '../../../src/core/charts/lineChart';
import { groupMetrics } from '../../../src/core/charts/metricGroups';
import { metricCharts, metricGroupRows, runComparisonChart } from '../../../src/core/charts/metricCharts';
import type { MetricPoint } from '../../../src/core/metrics/series';
import { KERAS_LOG, longSeries, readKerasLog } from '../../helpers/reportFixtures';
import { markCount, renderModel } from '../../helpers/vegaRender';

type Layer = {
  mark: { type: string };
  encoding?: Record<string, unknown>;
  transform?: unknown[];
  params?: unknown[];
};

function layersOf(spec: unknown): Layer[] {
  return (spec as { layer: Layer[] }).layer;
}

function rowsOf(model: { data: Record<string, unknown[]> }): LineRow[] {
  return model.data[LINE_DATASET] as LineRow[];
}

describe('metricCharts', () => {
  it('draws one chart per metric group of a real Keras log, train and validation overlaid', async () => {
    const series = readKerasLog(KERAS_LOG);
    const charts = metricCharts(series, { xTitle: 'epoch' });
    assert.deepEqual(
      charts.map((c) => c.id),
      [
        'metric:accuracy',
        'metric:dice_coef',
        'metric:loss',
        'metric:lr',
        'metric:mean_io_u_5',
        'metric:precision',
      ],
    );
    const loss = charts.find((c) => c.id === 'metric:loss')!;
    assert.deepEqual(
      layersOf(loss.spec).map((l) => l.mark.type),
      ['line', 'point', 'rule'],
    );
    const color = layersOf(loss.spec)[0].encoding!.color as { field: string; scale: { domain: string[] } };
    assert.equal(color.field, 'series');
    assert.deepEqual(color.scale.domain, ['loss', 'val_loss']);
    // The rows are the log's values, one per epoch and series.
    const rows = rowsOf(loss);
    assert.equal(rows.length, 48);
    assert.deepEqual(
      rows.filter((r) => r.series === 'val_loss').map((r) => r.value),
      series.get('val_loss')!.map((p) => p.value),
    );
    // Tooltips name the series by label although the pivot works on safe keys.
    const tooltip = layersOf(loss.spec)[2].encoding!.tooltip as { field: string; title: string }[];
    assert.deepEqual(
      tooltip.map((t) => [t.field, t.title]),
      [
        ['step', 'epoch'],
        ['s0', 'loss'],
        ['s1', 'val_loss'],
      ],
    );
    const rendered = await renderModel(loss);
    assert.deepEqual(rendered.warnings, []);
    assert.equal(markCount(rendered.svg, 'line'), 2, 'two lines drawn');
  });

  it('carries no colours of its own (the theme config supplies them)', () => {
    const [chart] = metricCharts(new Map([['loss', [{ step: 0, value: 1 }]]]));
    const text = JSON.stringify(chart.spec);
    assert.doesNotMatch(text, /#[0-9a-f]{3,8}\b|rgb\(|"(color|fill|stroke)":"/i);
  });

  it('downsamples every series of 100,000 points to at most 2,000, keeping extremes', async () => {
    const long = longSeries();
    const series = new Map<string, MetricPoint[]>([
      ['loss', long],
      ['val_loss', long.map((p) => ({ step: p.step, value: p.value + 0.1 }))],
    ]);
    const [chart] = metricCharts(series);
    const rows = rowsOf(chart);
    for (const name of ['loss', 'val_loss']) {
      const mine = rows.filter((r) => r.series === name);
      assert.ok(mine.length <= 2000 && mine.length > 1900, `${name}: ${mine.length}`);
      const values = mine.map((r) => r.value);
      const all = series.get(name)!.map((p) => p.value);
      assert.equal(Math.max(...values), Math.max(...all), `${name} max kept`);
      assert.equal(Math.min(...values), Math.min(...all), `${name} min kept`);
    }
    const rendered = await renderModel(chart);
    assert.deepEqual(rendered.warnings, []);
  });

  it('rebuilds the rows of a group for live updates with the same keys and budget', () => {
    const series = new Map<string, MetricPoint[]>([
      ['acc', longSeries(5000)],
      ['val_acc', longSeries(10)],
    ]);
    const [group] = groupMetrics(series.keys());
    const rows = metricGroupRows(group, series, 500);
    assert.equal(rows.filter((r) => r.key === 's0').length, 500);
    assert.equal(rows.filter((r) => r.key === 's1').length, 10);
  });

  it('leaves out metrics without points', () => {
    const charts = metricCharts(new Map([['loss', []]]));
    assert.deepEqual(charts, []);
  });

  it('escapes nothing into field names: labels with dots and brackets stay data', async () => {
    const chart = runComparisonChart('loss', [
      {
        label: 'run a.b[0]',
        points: [
          { step: 0, value: 1 },
          { step: 1, value: 0.5 },
        ],
      },
      {
        label: 'run "c"',
        points: [
          { step: 0, value: 2 },
          { step: 1, value: 1 },
        ],
      },
    ]);
    assert.equal(chart.id, 'compare:loss');
    const rendered = await renderModel(chart);
    assert.deepEqual(rendered.warnings, []);
    assert.equal(markCount(rendered.svg, 'line'), 2);
    assert.match(rendered.svg, /run a\.b\[0\]/);
  });

  it('rejects two runs with the same label', () => {
    assert.throws(
      () =>
        runComparisonChart('loss', [
          { label: 'x', points: [] },
          { label: 'x', points: [] },
        ]),
      /unique/,
    );
  });
});
