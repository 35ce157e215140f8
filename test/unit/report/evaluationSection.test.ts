/**
 * Results in the run report: single-value metrics as tiles, a classification evaluation (as the built-in
 * trainer writes `artifacts/evaluation.json`) as a heatmap spec plus a per-class table.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { confusionChart, confusionRows } from '../../../src/core/charts/confusionChart';
import { lineChart } from '../../../src/core/charts/lineChart';
import { evaluationSection, metricTiles } from '../../../src/core/report/evaluationSection';
import { evaluateClassification, evaluateRegression } from '../../../src/core/train/evaluation';
import { XSS_IMG } from '../../helpers/reportFixtures';

// Penguin-like labels with one label that is markup; actual vs predicted with two mistakes.
const labels = ['Adelie', 'Gentoo', XSS_IMG];
const actual = [0, 0, 0, 1, 1, 2, 2, 2, 2];
const predicted = [0, 0, 1, 1, 1, 2, 2, 0, 2];
const evaluation = {
  data: 'data/p.csv',
  split: 'validation',
  ...evaluateClassification(labels, actual, predicted),
};

describe('confusion-matrix heatmap', () => {
  it('has one cell per (actual, predicted) pair, shaded by the share of the actual class', () => {
    const rows = confusionRows(evaluation.confusionMatrix);
    assert.equal(rows.length, 9);
    const cell = (a: string, p: string) => rows.find((r) => r.actual === a && r.predicted === p)!;
    assert.equal(cell('Adelie', 'Adelie').count, 2);
    assert.equal(cell('Adelie', 'Adelie').share, 2 / 3);
    assert.equal(cell(XSS_IMG, 'Adelie').share, 1 / 4);
    assert.equal(
      rows.reduce((s, r) => s + r.count, 0),
      actual.length,
    );
  });

  it('keeps the class order on both axes and rejects a matrix that does not match its labels', () => {
    const chart = confusionChart('confusion:validation', 'Confusion', evaluation.confusionMatrix);
    const spec = JSON.stringify(chart.spec);
    // Sorted by the class positions carried in the rows (never by names inside the spec).
    assert.ok(spec.includes('{"field":"predictedOrder","op":"min"}'));
    assert.ok(spec.includes('{"field":"actualOrder","op":"min"}'));
    const rows = chart.data.cells as { actual: string; actualOrder: number }[];
    for (const row of rows) {
      assert.equal(labels[row.actualOrder], row.actual);
    }
    assert.ok(!/#[0-9a-f]{6}/i.test(spec), 'no colours in the spec');
    assert.throws(() => confusionChart('c', 'c', { labels: ['a', 'b'], matrix: [[1, 0]] }), /must be 2 × 2/);
  });
});

describe('evaluation section and tiles', () => {
  it('draws the validation and holdout matrices with per-class tables, labels escaped', () => {
    const section = evaluationSection({ ...evaluation, holdout: { ...evaluation, split: 'holdout' } });
    assert.deepEqual(
      section.charts.map((c) => c.id),
      ['confusion:validation', 'confusion:holdout'],
    );
    assert.equal((section.html.match(/<table data-sortable class="per-class">/g) ?? []).length, 2);
    assert.ok(!section.html.includes(XSS_IMG));
    assert.ok(section.html.includes('<code>&lt;img src=x onerror=alert(1)&gt;</code>'));
    // Adelie: precision 2/3 (one Adelie prediction was wrong), recall 2/3, support 3.
    assert.match(
      section.html,
      /<code>Adelie<\/code><\/td><td class="num" data-value="0\.6666666666666666">0\.6667<\/td>/,
    );
  });

  it('leaves out the heatmap of a 129-class "classification" but keeps its table and says why', () => {
    const many = Array.from({ length: 129 }, (_, i) => String(10 + i));
    const ids = many.map((_, i) => i);
    const section = evaluationSection(evaluateClassification(many, ids, ids));
    assert.deepEqual(section.charts, []);
    assert.ok(section.html.includes('129 classes: too many for a readable confusion matrix'));
    assert.equal((section.html.match(/<tr><td><code>/g) ?? []).length, 129);
  });

  it('adds nothing for a regression evaluation or a damaged file', () => {
    assert.deepEqual(evaluationSection(evaluateRegression([1, 2, 3], [1, 2, 2])), { html: '', charts: [] });
    assert.deepEqual(evaluationSection({ problem: 'classification', confusionMatrix: { labels: ['a'] } }), {
      html: '',
      charts: [],
    });
    assert.deepEqual(evaluationSection(undefined), { html: '', charts: [] });
  });

  it('turns one-point metrics into tiles grouped by prefix and leaves curves alone', () => {
    const html = metricTiles(
      new Map([
        [
          'loss',
          [
            { step: 1, value: 0.5 },
            { step: 2, value: 0.4 },
          ],
        ],
        ['eval/accuracy', [{ step: 40, value: 0.958978 }]],
        ['holdout/r2', [{ step: 40, value: 0.68 }]],
      ]),
    );
    assert.ok(!html.includes('loss'));
    assert.match(html, /<h3>eval<\/h3><div class="tiles"><div class="tile" title="eval\/accuracy">/);
    assert.ok(html.includes('>0.959</div><div class="note">step 40</div>'));
    assert.ok(html.includes('<h3>holdout</h3>'));
    assert.equal(
      metricTiles(
        new Map([
          [
            'loss',
            [
              { step: 1, value: 1 },
              { step: 2, value: 0 },
            ],
          ],
        ]),
      ),
      '',
    );
  });

  it('asks for whole-number step ticks on line charts', () => {
    const chart = lineChart([{ label: 'loss', points: [{ step: 1, value: 1 }] }], { id: 'x', title: 'loss' });
    const x = (chart.spec as unknown as { encoding: { x: { axis: Record<string, unknown> } } }).encoding.x;
    assert.deepEqual(x.axis, { format: ',d', tickMinStep: 1 });
  });
});
