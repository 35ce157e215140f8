/**
 * Categories and classes named like `Object.prototype` members are drawn like any other (issue
 * "Nothing lost, nothing escapes", item 4): the confusion matrix of classes `__proto__`, `constructor`,
 * `toString` renders with every cell and every class on both axes, and a drift chart of a category
 * `__proto__` renders without a vega error (vega keys axis ticks in plain objects).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { confusionChart } from '../../src/core/charts/confusionChart';
import { driftColumnChart } from '../../src/core/charts/driftCharts';
import { categoricalColumnDrift } from '../../src/core/drift/columnDrift';
import { defaultDriftOptions } from '../../src/core/drift/rules';
import type { DictionaryColumn } from '../../src/core/data/types';
import { markCount, renderModel } from '../helpers/vegaRender';

const CLASSES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'setosa'];

/** Axis labels drawn in the SVG (text of the axis label marks). */
function axisLabels(svg: string): string[] {
  const labels: string[] = [];
  for (const group of svg.matchAll(/<g class="mark-text role-axis-label"[^>]*>(.*?)<\/g>/gs)) {
    for (const text of group[1].matchAll(/<text[^>]*>([^<]*)<\/text>/g)) {
      labels.push(text[1].replace(/\u200b/g, ''));
    }
  }
  return labels;
}

/** A dictionary column with `counts[i]` rows of `values[i]`. */
function categorical(name: string, values: string[], counts: number[]): DictionaryColumn {
  const codes = counts.flatMap((n, i) => Array<number>(n).fill(i));
  return {
    name,
    type: 'categorical',
    storage: 'dictionary',
    codes: Int32Array.from(codes),
    dictionary: values,
    missing: 0,
    unparsable: 0,
  };
}

describe('chart categories named like Object.prototype members', () => {
  it('the confusion matrix of such classes renders every cell and every class, in class order', async () => {
    const k = CLASSES.length;
    const matrix = CLASSES.map((_, a) => CLASSES.map((_, p) => (a === p ? 5 : (a + p) % 2)));
    const rendered = await renderModel(
      confusionChart('confusion:test', 'Confusion', { labels: CLASSES, matrix }),
    );
    assert.deepEqual(rendered.warnings, []);
    assert.equal(markCount(rendered.svg, 'rect'), k * k, 'one cell per pair');
    // Both axes list the classes in their order.
    assert.deepEqual(axisLabels(rendered.svg), [...CLASSES, ...CLASSES]);
  });

  it('a drift chart of categories __proto__ and constructor renders without a vega error', async () => {
    const values = ['__proto__', 'constructor', 'toString', 'a'];
    const drift = categoricalColumnDrift(
      categorical('kind', values, [10, 5, 3, 2]),
      categorical('kind', values, [2, 5, 3, 10]),
      defaultDriftOptions(),
    );
    assert.ok('method' in drift, 'the column is tested');
    // The report keeps the names exact.
    assert.deepEqual(
      [...(drift.histogram.kind === 'categorical' ? drift.histogram.categories : [])].sort(),
      [...values].sort(),
    );
    const rendered = await renderModel(driftColumnChart(drift, 0));
    assert.deepEqual(rendered.warnings, []);
    assert.equal(markCount(rendered.svg, 'rect'), 2 * values.length, 'a bar per category and dataset');
    const drawn = axisLabels(rendered.svg);
    assert.deepEqual(
      values.filter((v) => !drawn.includes(v)),
      [],
      'every category is on the axis',
    );
  });
});
