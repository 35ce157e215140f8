/** The compare chart spec (src/core/charts/compareChart.ts), compiled by vega-lite and rendered by vega. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareChart, compareRows } from '../../../src/core/charts/compareChart';
import type { MetricPoint } from '../../../src/core/metrics/series';
import { markCount, renderModel } from '../../helpers/vegaRender';

function run(steps: number, f: (step: number) => number, timed = true): MetricPoint[] {
  return Array.from({ length: steps }, (_, step) => ({
    step,
    value: f(step),
    ...(timed ? { time: 1_764_000_000_000 + step * 500 } : {}),
  }));
}

describe('compare chart', () => {
  it('draws every run with a band, renders without warnings, and keeps a one-step spike', async () => {
    const runs = Array.from({ length: 3 }, (_, i) => ({
      label: `#${i + 1} train`,
      points: run(20_000, (s) => (i === 1 && s === 14_001 ? 50 : Math.exp(-s / 4000) + i / 10)),
    }));
    const { model } = compareChart('loss', runs, { id: 'compare:loss', smoothing: 0.6 });
    const rows = compareRows(model);
    for (const r of runs) {
      const own = rows.filter((row) => row.series === r.label);
      assert.ok(own.length <= 2000 && own.length > 1900, `${r.label}: ${own.length} rows`);
    }
    assert.equal(Math.max(...rows.filter((r) => r.series === '#2 train').map((r) => r.max)), 50);
    const rendered = await renderModel(model);
    assert.deepEqual(rendered.warnings, []);
    assert.deepEqual(
      [...new Set(rows.map((r) => r.series))],
      runs.map((r) => r.label),
      'every run is drawn',
    );
  });

  it('draws a run with a single point (a final evaluation metric) as a dot, where a line shows nothing', async () => {
    const runs = ['a', 'b', 'c'].map((label, i) => ({ label, points: run(1, () => 0.9 + i / 100) }));
    const { model } = compareChart('eval/accuracy', runs, { id: 'compare:eval' });
    const rendered = await renderModel(model);
    assert.deepEqual(rendered.warnings, []);
    assert.equal(markCount(rendered.svg, 'symbol'), 3);
    // A dot at the plot's edge is drawn whole; cut at the edge only when outliers are clipped off.
    const dotClip = (clipOutliers: boolean): unknown =>
      (
        compareChart('eval/accuracy', runs, { id: 'compare:eval', clipOutliers }).model.spec as {
          layer: { mark: { type: string; clip?: boolean } }[];
        }
      ).layer.find((layer) => layer.mark.type === 'point')?.mark.clip;
    assert.deepEqual([dotClip(false), dotClip(true)], [false, true]);
    // Series with many points keep their lines only.
    const lines = compareChart('loss', [{ label: 'a', points: run(5, (s) => s) }], { id: 'compare:loss' });
    assert.equal(markCount((await renderModel(lines.model)).svg, 'symbol'), 0);
  });

  it('names the run in a line tooltip (vega picks a line as a whole) and gives a dot its values', () => {
    const runs = [
      { label: 'long', points: run(50, (s) => s) },
      { label: 'final', points: run(1, () => 0.5) },
    ];
    const { model } = compareChart('loss', runs, { id: 'compare:loss' });
    type Layer = { mark: { type: string }; encoding?: { tooltip?: unknown } };
    const layers = (model.spec as { layer: Layer[] }).layer;
    const tooltips = layers.map((l) => [l.mark.type, l.encoding?.tooltip]);
    assert.deepEqual(tooltips.find(([type]) => type === 'line')?.[1], {
      field: 'series',
      type: 'nominal',
      title: 'run',
    });
    const dot = tooltips.find(([type]) => type === 'point')?.[1] as { field: string }[];
    assert.deepEqual(
      dot.map((t) => t.field),
      ['series', 'step', 'value', 'min', 'max'],
    );
  });

  it('puts time since start or wall time on x, and falls back to steps for untimed runs', () => {
    const timed = { label: 'a', points: run(10, (s) => s) };
    const untimed = { label: 'b', points: run(10, (s) => s, false) };
    const relative = compareChart('acc', [timed, untimed], { id: 'c', x: 'relative' });
    const rows = compareRows(relative.model);
    assert.deepEqual(
      rows.filter((r) => r.series === 'a').map((r) => r.x),
      Array.from({ length: 10 }, (_, s) => s * 0.5),
    );
    assert.deepEqual(relative.untimed, ['b']);
    const wall = compareChart('acc', [timed], { id: 'c', x: 'wall' });
    assert.equal(compareRows(wall.model)[0].x, 1_764_000_000_000);
  });

  it('leaves values <= 0 out on a log scale and says how many; clips outliers from the y range', async () => {
    const result = compareChart('loss', [{ label: 'a', points: run(20, (s) => s - 4) }], {
      id: 'c',
      yScale: 'log',
    });
    assert.equal(result.omitted.get('a'), 5);
    assert.deepEqual((await renderModel(result.model)).warnings, []);
    const clipped = compareChart(
      'loss',
      [{ label: 'a', points: run(100, (s) => (s === 50 ? 1e6 : 1 + s / 100)) }],
      {
        id: 'c',
        clipOutliers: true,
      },
    );
    const layer = (clipped.model.spec as { layer: { encoding: { y: { scale: { domain?: number[] } } } }[] })
      .layer[0];
    const [lo, hi] = layer.encoding.y.scale.domain!;
    assert.ok(lo > 0.9 && hi < 3, `domain [${lo}, ${hi}]`);
  });

  it('renders names that are Object.prototype members and markup as text', async () => {
    const { model } = compareChart(
      'constructor',
      [
        { label: '__proto__', points: run(5, (s) => s) },
        { label: '<img src=x onerror=alert(1)>', points: run(5, (s) => s * 2) },
      ],
      { id: 'c', smoothing: 0.5 },
    );
    const rendered = await renderModel(model);
    assert.deepEqual(rendered.warnings, []);
    assert.ok(rendered.svg.includes('constructor'), 'the title is drawn');
  });

  it('refuses two series with the same label', () => {
    assert.throws(() =>
      compareChart(
        'x',
        [
          { label: 'a', points: [] },
          { label: 'a', points: [] },
        ],
        { id: 'c' },
      ),
    );
  });
});
