/**
 * The compare view draws a curves chart from the rows that fix its layout, then adds the rest
 * (webviews/compare/firstRows.ts): the chart ends exactly as one drawn from every row at once, for
 * linear and log y, smoothing, outlier clipping, wall-time x, dots of one-point runs and non-finite
 * values. Rendered headless by vega (the views' renderer minus the DOM) and compared as SVG.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compareChart,
  type CompareChartOptions,
  type CompareSeries,
} from '../../../src/core/charts/compareChart';
import { MetricColumns } from '../../../src/core/metrics/metricColumns';
import type { MetricPoint } from '../../../src/core/metrics/series';
import { columnRows, type ChartModel, type ChartRow } from '../../../src/protocol/charts';
import { splitFirstRows } from '../../../webviews/compare/firstRows';

function points(steps: number, f: (step: number) => number, timed = false): MetricPoint[] {
  return Array.from({ length: steps }, (_, step) => ({
    step: step * 3,
    value: f(step),
    ...(timed ? { time: 1_764_000_000_000 + step * 700 } : {}),
  }));
}

/** SVG of `model` drawn by vega at 600 px: from every row, or from the first rows then the rest. */
async function svg(model: ChartModel, split: boolean): Promise<string> {
  const vl = await import('vega-lite');
  const vega = await import('vega');
  const [name] = Object.keys(model.columns!);
  const rows = columnRows(model.columns![name]);
  const { first, rest } = split ? splitFirstRows(rows) : { first: rows, rest: [] as ChartRow[] };
  const copy = (list: ChartRow[]) => list.map((row) => ({ ...row }));
  const compiled = vl.compile({ ...model.spec, datasets: { [name]: copy(first) } }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  view.width(600);
  await view.runAsync();
  if (rest.length > 0) {
    await view.change(name, vega.changeset().insert(copy(rest))).runAsync();
  }
  const text = await view.toSVG();
  view.finalize();
  // Clip path ids count the views made so far.
  return text.replace(/clip\d+/g, 'clip');
}

const runs = (timed: boolean): CompareSeries[] => [
  { label: 'a', points: points(3000, (s) => 2 * Math.exp(-s / 500) + 0.05 * Math.sin(s), timed) },
  { label: 'b', points: points(800, (s) => (s === 421 ? 90 : 1 + Math.cos(s / 40)), timed) },
  { label: 'c', points: points(1, () => 0.7, timed) },
  { label: 'd', points: MetricColumns.from(points(2500, (s) => (s % 97 === 0 ? -1 : 3 / (1 + s)))) },
];

describe('compare chart drawn from its first rows, then the rest', () => {
  const cases: [string, CompareChartOptions, boolean][] = [
    ['linear y', { id: 'c' }, false],
    ['log y, smoothing', { id: 'c', yScale: 'log', smoothing: 0.8 }, false],
    ['outliers clipped, wall time', { id: 'c', clipOutliers: true, x: 'wall' }, true],
    ['relative time, few points per series', { id: 'c', x: 'relative', maxPoints: 40 }, true],
  ];
  for (const [name, options, timed] of cases) {
    it(`gives the chart drawn from every row at once: ${name}`, async () => {
      const { model } = compareChart('loss', runs(timed), options);
      const rows = columnRows(model.columns!.runs);
      const { first, rest } = splitFirstRows(rows);
      assert.ok(first.length < rows.length / 10, `${first.length} first rows of ${rows.length}`);
      assert.equal(first.length + rest.length, rows.length);
      const [split, whole] = [await svg(model, true), await svg(model, false)];
      let at = 0;
      while (at < whole.length && split[at] === whole[at]) {
        at++;
      }
      assert.ok(
        split === whole,
        `differs at ${at}: ${split.slice(at - 80, at + 80)} | ${whole.slice(at - 80, at + 80)}`,
      );
    });
  }

  it('takes each series first row in order and the extremes of every domain field, keeping row order', () => {
    const rows: ChartRow[] = [
      { series: 'a', x: 0, value: 5, min: 4, max: 6 },
      { series: 'a', x: 1, value: 0.5, min: -3, max: Number.NaN },
      { series: 'a', x: 2, value: 7, min: 7, max: 7 },
      { series: 'b', x: 0, value: 2, min: 0.25, max: 2 },
      { series: 'b', x: 9, value: 3, min: 3, max: 3 },
      { series: 'b', x: 4, value: 3, min: 3, max: 3 },
    ];
    const { first, rest } = splitFirstRows(rows);
    // a's first row, value/min extremes (row 1: value 0.5 and min −3), row 2 (value and max 7), b's
    // first row (min 0.25: the smallest min > 0), row 4 (x 9).
    assert.deepEqual(first, [rows[0], rows[1], rows[2], rows[3], rows[4]]);
    assert.deepEqual(rest, [rows[5]]);
  });
});
