/**
 * Charts of an evaluation (`src/core/eval/`), the pictures scikit-learn's Display classes draw: ROC and
 * precision–recall curves (one line per class), the calibration curve, precision/recall/F1 against the
 * threshold with the best-F1 threshold marked, the confusion matrix, and for regression the residual
 * histogram, predicted versus actual and residuals versus predicted. Curves are thinned to a bounded
 * number of points; specs carry no colours (the view's theme supplies them).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ChartModel, ChartRow } from '../../protocol/charts';
import { thinIndices } from '../eval/present';
import type { ClassificationEvaluation, EvaluationResult, RegressionEvaluation } from '../eval/types';
import { confusionChart } from './confusionChart';
import { VEGA_LITE_SCHEMA } from './lineChart';
import { vegaText } from './vegaText';

/** Dataset names of the charts below. */
export const EVAL_POINTS = 'points';
export const EVAL_GUIDE = 'guide';

interface XySeries {
  label: string;
  x: readonly number[];
  y: readonly number[];
}

interface XyOptions {
  xTitle: string;
  yTitle: string;
  /** A dashed reference line through these two points (the chance diagonal, y = x). */
  guide?: [[number, number], [number, number]];
  /** Draw points as well as lines (calibration). */
  points?: boolean;
  /** Fix both axes to [0, 1]. */
  unit?: boolean;
  /** A vertical rule at this x (the best-F1 threshold). */
  ruleAt?: number;
}

/** A line chart of (x, y) series drawn in the given order (curves double back on x). */
export function xyChart(id: string, title: string, series: XySeries[], o: XyOptions): ChartModel {
  const rows: ChartRow[] = [];
  for (const s of series) {
    for (const i of thinIndices(Math.min(s.x.length, s.y.length))) {
      if (Number.isFinite(s.x[i]) && Number.isFinite(s.y[i])) {
        rows.push({ x: s.x[i], y: s.y[i], series: s.label, order: i });
      }
    }
  }
  const scale = o.unit ? { domain: [0, 1] } : { zero: false };
  const labels = series.map((s) => s.label);
  const guide: ChartRow[] = o.guide
    ? o.guide.map(([x, y]) => ({ x, y }))
    : o.ruleAt !== undefined
      ? [{ x: o.ruleAt }]
      : [];
  const spec: TopLevelSpec = {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: vegaText(title), anchor: 'start' },
    width: 'container',
    height: 260,
    autosize: { type: 'fit-x', contains: 'padding' },
    layer: [
      ...(o.guide
        ? [
            {
              data: { name: EVAL_GUIDE },
              mark: { type: 'line' as const, strokeDash: [4, 4], opacity: 0.5 },
              encoding: {
                x: { field: 'x', type: 'quantitative' as const },
                y: { field: 'y', type: 'quantitative' as const },
              },
            },
          ]
        : []),
      ...(o.ruleAt !== undefined
        ? [
            {
              data: { name: EVAL_GUIDE },
              mark: { type: 'rule' as const, strokeDash: [4, 4], opacity: 0.6 },
              encoding: { x: { field: 'x', type: 'quantitative' as const } },
            },
          ]
        : []),
      {
        data: { name: EVAL_POINTS },
        mark: { type: 'line', point: o.points === true, clip: true },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: vegaText(o.xTitle), scale },
          y: { field: 'y', type: 'quantitative', title: vegaText(o.yTitle), scale },
          order: { field: 'order', type: 'quantitative' },
          color: {
            field: 'series',
            type: 'nominal',
            scale: { domain: labels },
            legend: labels.length > 1 ? { orient: 'bottom', title: null, labelLimit: 300 } : null,
          },
          tooltip: [
            { field: 'series', title: 'series' },
            { field: 'x', type: 'quantitative', title: o.xTitle, format: '.4~g' },
            { field: 'y', type: 'quantitative', title: o.yTitle, format: '.4~g' },
          ],
        },
      },
    ],
  };
  return { id, title, spec, data: { [EVAL_POINTS]: rows, [EVAL_GUIDE]: guide } };
}

function classificationCharts(ev: ClassificationEvaluation, prefix: string): ChartModel[] {
  const charts: ChartModel[] = [
    confusionChart(`${prefix}confusion`, 'Confusion matrix', {
      labels: ev.confusion.labels,
      matrix: ev.confusion.counts,
    }),
  ];
  const s = ev.scores;
  if (!s) {
    return charts;
  }
  const withRoc = s.curves.filter((c) => c.roc && c.roc.fpr.every((v) => Number.isFinite(v)));
  const name = (label: string, value: number | null) =>
    value === null ? label : `${label} (${value.toFixed(3)})`;
  if (withRoc.length > 0) {
    charts.push(
      xyChart(
        `${prefix}roc`,
        'ROC curve',
        withRoc.map((c) => ({ label: name(c.label, c.rocAuc), x: c.roc!.fpr, y: c.roc!.tpr })),
        {
          xTitle: 'false positive rate',
          yTitle: 'true positive rate',
          guide: [
            [0, 0],
            [1, 1],
          ],
          unit: true,
        },
      ),
    );
  }
  charts.push(
    xyChart(
      `${prefix}pr`,
      'Precision–recall curve',
      s.curves
        .filter((c) => c.pr)
        .map((c) => ({ label: name(c.label, c.averagePrecision), x: c.pr!.recall, y: c.pr!.precision })),
      { xTitle: 'recall', yTitle: 'precision', unit: true },
    ),
  );
  if (s.calibration) {
    charts.push(
      xyChart(
        `${prefix}calibration`,
        `Calibration (${s.calibration.bins} ${s.calibration.strategy} bins)`,
        [{ label: 'model', x: s.calibration.probPred, y: s.calibration.probTrue }],
        {
          xTitle: 'mean predicted probability',
          yTitle: 'fraction of positives',
          guide: [
            [0, 0],
            [1, 1],
          ],
          points: true,
          unit: true,
        },
      ),
    );
  }
  if (s.thresholds) {
    const t = s.thresholds;
    charts.push(
      xyChart(
        `${prefix}threshold`,
        `Precision, recall and F1 against the threshold (best F1 at ${t.best.threshold.toPrecision(4)})`,
        [
          { label: 'precision', x: t.thresholds, y: t.precision },
          { label: 'recall', x: t.thresholds, y: t.recall },
          { label: 'F1', x: t.thresholds, y: t.f1 },
        ],
        { xTitle: 'threshold', yTitle: 'score', ruleAt: t.best.threshold },
      ),
    );
  }
  return charts;
}

function scatter(
  id: string,
  title: string,
  rows: ChartRow[],
  x: string,
  y: string,
  guide: ChartRow[],
): ChartModel {
  const spec: TopLevelSpec = {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: title, anchor: 'start' },
    width: 'container',
    height: 260,
    autosize: { type: 'fit-x', contains: 'padding' },
    layer: [
      {
        data: { name: EVAL_GUIDE },
        mark: { type: 'line', strokeDash: [4, 4], opacity: 0.5 },
        encoding: {
          x: { field: 'x', type: 'quantitative' },
          y: { field: 'y', type: 'quantitative' },
        },
      },
      {
        data: { name: EVAL_POINTS },
        mark: { type: 'point', filled: true, size: 16, opacity: 0.5 },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: x, scale: { zero: false } },
          y: { field: 'y', type: 'quantitative', title: y, scale: { zero: false } },
          tooltip: [
            { field: 'x', type: 'quantitative', title: x, format: '.4~g' },
            { field: 'y', type: 'quantitative', title: y, format: '.4~g' },
          ],
        },
      },
    ],
  };
  return { id, title, spec, data: { [EVAL_POINTS]: rows, [EVAL_GUIDE]: guide } };
}

function regressionCharts(ev: RegressionEvaluation, prefix: string): ChartModel[] {
  const { residualHistogram, points } = ev.charts;
  const histogram: TopLevelSpec = {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: 'Residuals (true − predicted)', anchor: 'start' },
    data: { name: EVAL_POINTS },
    width: 'container',
    height: 220,
    autosize: { type: 'fit-x', contains: 'padding' },
    mark: { type: 'bar', opacity: 0.8 },
    encoding: {
      x: { field: 'start', type: 'quantitative', bin: { binned: true }, title: 'residual' },
      x2: { field: 'end' },
      y: { field: 'count', type: 'quantitative', title: 'rows' },
      tooltip: [
        { field: 'start', type: 'quantitative', format: '.4~g', title: 'from' },
        { field: 'end', type: 'quantitative', format: '.4~g', title: 'to' },
        { field: 'count', type: 'quantitative', title: 'rows' },
      ],
    },
  };
  const values = points.flatMap((p) => [p.actual, p.predicted]);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const xs = points.map((p) => p.predicted);
  return [
    {
      id: `${prefix}residuals`,
      title: 'Residuals',
      spec: histogram,
      data: { [EVAL_POINTS]: residualHistogram.map((b) => ({ ...b })) },
    },
    scatter(
      `${prefix}predicted-actual`,
      'Predicted versus actual',
      points.map((p) => ({ x: p.predicted, y: p.actual })),
      'predicted',
      'actual',
      [
        { x: lo, y: lo },
        { x: hi, y: hi },
      ],
    ),
    scatter(
      `${prefix}residual-predicted`,
      'Residuals versus predicted',
      points.map((p) => ({ x: p.predicted, y: p.residual })),
      'predicted',
      'residual (true − predicted)',
      [
        { x: Math.min(...xs), y: 0 },
        { x: Math.max(...xs), y: 0 },
      ],
    ),
  ];
}

/**
 * The charts of an evaluation.
 * @param prefix chart-id prefix, unique in the page (e.g. `eval:` or `eval:validation:`).
 */
export function evaluationCharts(evaluation: EvaluationResult, prefix = 'eval:'): ChartModel[] {
  return evaluation.problem === 'regression'
    ? regressionCharts(evaluation, prefix)
    : classificationCharts(evaluation, prefix);
}
