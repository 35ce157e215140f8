/**
 * Parts of the run report for results rather than curves: single-value metrics as number tiles (an
 * evaluation's `eval/*` values have one point each, so a line chart would show a lone dot), and a
 * classification evaluation (`artifacts/evaluation.json` of the built-in trainer) as a confusion-matrix
 * heatmap with a per-class precision / recall / F1 table.
 */
import type { ChartModel } from '../../protocol/charts';
import { confusionChart, type ConfusionMatrix } from '../charts/confusionChart';
import type { MetricPoint } from '../metrics/series';
import { formatNumber } from '../../shared/formatting';
import type { EvaluationResult } from '../eval/types';
import { evaluationHtmlSection } from './evalReport';
import { escapeHtml } from './html';

/** Above this many classes the heatmap is left out (its cells would be specks); the table stays. */
export const MAX_HEATMAP_CLASSES = 50;

/** What a report section adds: markup and the charts its `[data-chart]` elements expect. */
export interface ReportSection {
  html: string;
  charts: ChartModel[];
}

/**
 * Number tiles for metrics with exactly one point, grouped by the prefix before the first `/`
 * (`eval/accuracy` and `eval/f1_macro` under "eval"); metrics without a prefix under "Results".
 */
export function metricTiles(series: ReadonlyMap<string, readonly MetricPoint[]>): string {
  const groups = new Map<string, [string, MetricPoint][]>();
  for (const [name, points] of series) {
    if (points.length !== 1) {
      continue;
    }
    const slash = name.indexOf('/');
    const group = slash > 0 ? name.slice(0, slash) : '';
    groups.set(group, [...(groups.get(group) ?? []), [name, points[0]]]);
  }
  if (groups.size === 0) {
    return '';
  }
  const blocks = [...groups].map(([group, metrics]) => {
    const tiles = metrics
      .map(([name, point]) => {
        const label = group === '' ? name : name.slice(group.length + 1);
        return (
          `<div class="tile" title="${escapeHtml(name)}"><div class="tile-label">${escapeHtml(label)}</div>` +
          `<div class="tile-value" data-value="${point.value}">${escapeHtml(formatNumber(point.value, 4))}</div>` +
          `<div class="note">step ${escapeHtml(formatNumber(point.step))}</div></div>`
        );
      })
      .join('');
    const heading = group === '' ? '' : `<h3>${escapeHtml(group)}</h3>`;
    return `${heading}<div class="tiles">${tiles}</div>`;
  });
  return `<h2>Results</h2><p class="note">Metrics recorded once (one point each).</p>${blocks.join('')}`;
}

/** The classification part of an evaluation, as far as the report needs it. */
interface ClassificationResult {
  rows?: number;
  split?: string;
  data?: string;
  perClass: { label: string; precision: number; recall: number; f1: number; support: number }[];
  confusionMatrix: ConfusionMatrix;
}

function isNumberMatrix(value: unknown, k: number): value is number[][] {
  return (
    Array.isArray(value) &&
    value.length === k &&
    value.every((row) => Array.isArray(row) && row.length === k && row.every((v) => typeof v === 'number'))
  );
}

/** The classification result in `value`, or undefined when it is not one (regression, damaged file). */
function classificationOf(value: unknown): ClassificationResult | undefined {
  if (value === null || typeof value !== 'object') {
    return undefined;
  }
  const v = value as Record<string, unknown>;
  const confusion = v.confusionMatrix as Record<string, unknown> | undefined;
  const labels = confusion?.labels;
  if (
    v.problem !== 'classification' ||
    !Array.isArray(labels) ||
    !labels.every((l) => typeof l === 'string') ||
    !isNumberMatrix(confusion?.matrix, labels.length) ||
    !Array.isArray(v.perClass)
  ) {
    return undefined;
  }
  return v as unknown as ClassificationResult;
}

function perClassTable(result: ClassificationResult): string {
  const num = (value: number, digits = 4) =>
    `<td class="num" data-value="${value}">${escapeHtml(formatNumber(value, digits))}</td>`;
  const rows = result.perClass
    .map(
      (c) =>
        `<tr><td><code>${escapeHtml(c.label)}</code></td>${num(c.precision)}${num(c.recall)}${num(c.f1)}${num(c.support)}</tr>`,
    )
    .join('');
  const head = ['precision', 'recall', 'F1', 'support']
    .map((h) => `<th class="num" data-sort="number">${h}</th>`)
    .join('');
  return `<table data-sortable class="per-class"><thead><tr><th data-sort="text">class</th>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

/**
 * The evaluation section: for each classification result in `evaluation` (the report itself and its
 * `holdout` part, as the trainer writes them) a heatmap and a per-class table; nothing for regression
 * (its values are in the tiles) or for anything that is not an evaluation.
 * @param evaluation parsed `artifacts/evaluation.json`, or undefined.
 */
export function evaluationSection(evaluation: unknown): ReportSection {
  const predictions = predictionsEvaluationSection(evaluation);
  if (predictions) {
    return predictions;
  }
  const parts: { key: string; result: ClassificationResult }[] = [];
  const main = classificationOf(evaluation);
  if (main) {
    parts.push({ key: main.split ?? 'evaluation', result: main });
  }
  const holdout = classificationOf((evaluation as Record<string, unknown> | undefined)?.holdout);
  if (holdout) {
    parts.push({ key: 'holdout', result: holdout });
  }
  if (parts.length === 0) {
    return { html: '', charts: [] };
  }
  const charts: ChartModel[] = [];
  const blocks = parts.map(({ key, result }) => {
    const id = `confusion:${key}`;
    const title = `Confusion matrix (${key} rows)`;
    const k = result.confusionMatrix.labels.length;
    let heatmap: string;
    if (k <= MAX_HEATMAP_CLASSES) {
      charts.push(confusionChart(id, title, result.confusionMatrix));
      heatmap = `<div class="chart chart-fit" data-chart="${escapeHtml(id)}" role="img" aria-label="${escapeHtml(title)}"></div>`;
    } else {
      heatmap = `<p class="note">${k} classes: too many for a readable confusion matrix (it is in <code>artifacts/evaluation.json</code>). So many classes often means a numeric target was read as classes.</p>`;
    }
    const rows = result.rows === undefined ? '' : `${formatNumber(result.rows)} rows`;
    const data = result.data === undefined ? '' : ` of <code>${escapeHtml(result.data)}</code>`;
    return (
      `<h3>${escapeHtml(key)}</h3>${rows ? `<p class="note">${escapeHtml(rows)}${data}</p>` : ''}` +
      `<div class="evaluation-grid">${heatmap}<div>${perClassTable(result)}</div></div>`
    );
  });
  return {
    html: `<h2>Evaluation</h2><p class="note">From <code>artifacts/evaluation.json</code>: actual classes down, predicted across; shading is the share of each actual class.</p>${blocks.join('')}`,
    charts,
  };
}

/**
 * The section of a `kind: eval` run (its `evaluation.json` holds `{file, columns, evaluation}` as
 * `src/core/eval/job.ts` writes it): metric tables and every evaluation chart; undefined for other
 * shapes. A damaged file gives a note instead of charts.
 */
function predictionsEvaluationSection(value: unknown): ReportSection | undefined {
  if (value === null || typeof value !== 'object') {
    return undefined;
  }
  const v = value as Record<string, unknown>;
  const inner = v.evaluation as Record<string, unknown> | undefined;
  if (
    typeof v.file !== 'string' ||
    typeof inner !== 'object' ||
    inner === null ||
    (inner.problem !== 'classification' && inner.problem !== 'regression')
  ) {
    return undefined;
  }
  const intro = `<h2>Evaluation</h2><p class="note">Predictions in <code>${escapeHtml(v.file)}</code>, from <code>artifacts/evaluation.json</code>; every number as scikit-learn computes it.</p>`;
  try {
    const section = evaluationHtmlSection(inner as unknown as EvaluationResult, 'eval:');
    return { html: intro + section.html, charts: section.charts };
  } catch {
    return {
      html: `${intro}<p class="note">artifacts/evaluation.json could not be read as an evaluation.</p>`,
      charts: [],
    };
  }
}
