import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DRIFT_DATASET,
  driftColumnChart,
  driftSummaryChart,
  P_VALUE_FLOOR,
} from '../../../src/core/charts/driftCharts';
import type { ColumnDrift } from '../../../src/core/drift/types';
import { driftReportFixture, XSS_IMG, XSS_SCRIPT } from '../../helpers/reportFixtures';
import { markCount, renderModel } from '../../helpers/vegaRender';

type Row = Record<string, string | number | null>;

function rows(model: { data: Record<string, unknown[]> }): Row[] {
  return model.data[DRIFT_DATASET] as Row[];
}

describe('drift charts', () => {
  const report = driftReportFixture();
  const numeric = report.columns[0];
  const categorical = report.columns[1];

  it('overlays numeric distributions as bars over the shared bin edges', async () => {
    const chart = driftColumnChart(numeric, 0);
    assert.equal(chart.id, 'drift:column:0');
    const h = numeric.histogram as Extract<ColumnDrift['histogram'], { kind: 'numeric' }>;
    const data = rows(chart);
    assert.equal(data.length, 2 * (h.edges.length - 1));
    const ref = data.filter((r) => r.dataset === 'reference');
    assert.deepEqual(
      ref.map((r) => [r.start, r.end, r.count]),
      h.reference.map((c, i) => [h.edges[i], h.edges[i + 1], c]),
    );
    for (const dataset of ['reference', 'current']) {
      const total = data.filter((r) => r.dataset === dataset).reduce((a, r) => a + (r.share as number), 0);
      assert.ok(Math.abs(total - 1) < 1e-12, `${dataset} shares sum to 1`);
    }
    const rendered = await renderModel(chart);
    assert.deepEqual(rendered.warnings, []);
    assert.equal(markCount(rendered.svg, 'rect'), data.length, 'one bar per bin and dataset');
  });

  it('groups categorical bars per category in the report order, the payloads as data', async () => {
    const chart = driftColumnChart(categorical, 1);
    const data = rows(chart);
    assert.deepEqual(
      data.filter((r) => r.dataset === 'current').map((r) => [r.category, r.count]),
      [
        ['sun', 190],
        ['rain', 95],
        [XSS_SCRIPT, 95],
        ['fog', 0],
      ],
    );
    const encoding = (chart.spec as { encoding: Record<string, { field?: string }> }).encoding;
    assert.equal(encoding.xOffset.field, 'dataset');
    const rendered = await renderModel(chart);
    assert.deepEqual(rendered.warnings, []);
    assert.equal(markCount(rendered.svg, 'rect'), 8);
    // The SVG writer escapes the text too: the payload appears only escaped.
    assert.ok(!rendered.svg.includes('<script>'));
    assert.ok(rendered.svg.includes(XSS_IMG.replace(/</g, '&lt;').replace(/>/g, '&gt;')));
  });

  it('labels the folded bin of rare categories', () => {
    const folded: ColumnDrift = {
      ...categorical,
      histogram: {
        kind: 'categorical',
        categories: ['a', 'b', '__other__'],
        reference: [5, 3, 2],
        current: [4, 4, 2],
        folded: 7,
        otherLabel: '(7 other)',
      },
    };
    const labels = rows(driftColumnChart(folded, 2)).map((r) => r.category);
    assert.deepEqual([...new Set(labels)], ['a', 'b', '(7 other)']);
  });

  it('summarises scores against thresholds, drifted columns first, p-values on a floored log axis', async () => {
    const chart = driftSummaryChart(report)!;
    const data = rows(chart);
    assert.deepEqual(
      data.map((r) => [r.column, r.verdict]),
      [
        ['temp_max', 'drift'],
        [XSS_IMG, 'drift'],
        ['wind', 'no drift'],
      ],
    );
    assert.equal(data[0].score, 3.2e-30);
    assert.equal(data[0].shown, P_VALUE_FLOOR);
    assert.equal(data[2].shown, 0.02);
    const rendered = await renderModel(chart);
    assert.deepEqual(rendered.warnings, []);
    assert.equal(markCount(rendered.svg, 'symbol'), 3, 'a dot per column');
    assert.equal(driftSummaryChart({ ...report, columns: [] }), null);
  });
});
