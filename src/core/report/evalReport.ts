/**
 * The evaluation in HTML: a section (metric tables and the charts of `charts/evalCharts.ts`) that the
 * standalone `xlens eval --html` report and the run report share, and the standalone page itself.
 */
import type { ChartModel } from '../../protocol/charts';
import type { ReportPayload } from '../../protocol/report';
import { formatNumber } from '../../shared/formatting';
import { evaluationCharts } from '../charts/evalCharts';
import type { FileEvaluation } from '../eval/evaluateFile';
import type { ClassificationEvaluation, EvaluationResult, RegressionEvaluation } from '../eval/types';
import { escapeHtml } from './html';
import { renderReportPage, type ReportRenderOptions } from './page';

const f = (v: number | null | undefined): string => escapeHtml(formatNumber(v ?? null, 4));

function chartDiv(chart: ChartModel): string {
  return `<div class="chart" data-chart="${escapeHtml(chart.id)}" role="img" aria-label="${escapeHtml(chart.title)}"></div>`;
}

function metricTable(rows: [string, string, string][]): string {
  const body = rows
    .map(
      ([name, value, source]) =>
        `<tr><th scope="row">${escapeHtml(name)}</th><td class="num" data-value="${value}">${value}</td><td class="note"><code>${escapeHtml(source)}</code></td></tr>`,
    )
    .join('');
  return `<table class="summary"><thead><tr><th>metric</th><th class="num">value</th><th>scikit-learn</th></tr></thead><tbody>${body}</tbody></table>`;
}

function classificationHtml(ev: ClassificationEvaluation): string {
  const rows = ev.perClass
    .map(
      (r) =>
        `<tr><td class="wrap">${escapeHtml(r.label)}</td><td class="num">${f(r.precision)}</td><td class="num">${f(r.recall)}</td><td class="num">${f(r.f1)}</td><td class="num">${f(r.support)}</td></tr>`,
    )
    .join('');
  const avg = (name: string, a: ClassificationEvaluation['macro']) =>
    `<tr><th scope="row">${name}</th><td class="num">${f(a.precision)}</td><td class="num">${f(a.recall)}</td><td class="num">${f(a.f1)}</td><td class="num">${f(a.support)}</td></tr>`;
  const report =
    '<table id="classification-report"><thead><tr><th>class</th><th class="num">precision</th><th class="num">recall</th><th class="num">F1</th><th class="num">support</th></tr></thead>' +
    `<tbody>${rows}${avg('macro avg', ev.macro)}${avg('weighted avg', ev.weighted)}${avg('micro avg', ev.micro)}</tbody></table>`;
  const s = ev.scores;
  const scalars: [string, string, string][] = [
    ['accuracy', f(ev.accuracy), 'accuracy_score'],
    ['balanced accuracy', f(ev.balancedAccuracy), 'balanced_accuracy_score'],
    ['Matthews correlation', f(ev.mcc), 'matthews_corrcoef'],
    ["Cohen's kappa", f(ev.kappa), 'cohen_kappa_score'],
  ];
  if (s) {
    const multi = s.positive === null;
    scalars.push(
      [multi ? 'ROC AUC (one-vs-rest, macro)' : 'ROC AUC', f(s.rocAuc), 'roc_auc_score'],
      ...(multi
        ? [
            ['ROC AUC (one-vs-rest, weighted)', f(s.rocAucWeighted), 'roc_auc_score'] as [
              string,
              string,
              string,
            ],
          ]
        : []),
      ['average precision', f(s.averagePrecision), 'average_precision_score'],
      ['log loss', f(s.logLoss), 'log_loss'],
      ['Brier score', f(s.brier), multi ? '(multiclass formula)' : 'brier_score_loss'],
    );
    if (s.thresholds) {
      scalars.push(['best-F1 threshold', f(s.thresholds.best.threshold), 'precision_recall_curve']);
    }
  }
  const positive = s?.positive
    ? `<p class="note">Positive class: <code>${escapeHtml(s.positive)}</code>.</p>`
    : '';
  return `<h2>Classification</h2>${positive}${metricTable(scalars)}<h3>Per class</h3>${report}`;
}

function regressionHtml(ev: RegressionEvaluation): string {
  return `<h2>Regression</h2>${metricTable([
    ['MAE', f(ev.mae), 'mean_absolute_error'],
    ['MSE', f(ev.mse), 'mean_squared_error'],
    ['RMSE', f(ev.rmse), 'mean_squared_error(squared=False)'],
    ['R²', f(ev.r2), 'r2_score'],
    ['MAPE', f(ev.mape), 'mean_absolute_percentage_error'],
    ['median absolute error', f(ev.medianAbsoluteError), 'median_absolute_error'],
    ['max error', f(ev.maxError), 'max_error'],
    ['explained variance', f(ev.explainedVariance), 'explained_variance_score'],
  ])}`;
}

/** Markup and charts of one evaluation; chart ids start with `prefix`. */
export function evaluationHtmlSection(
  evaluation: EvaluationResult,
  prefix = 'eval:',
): { html: string; charts: ChartModel[] } {
  const charts = evaluationCharts(evaluation, prefix);
  const notes = evaluation.notes.map((n) => `<li class="wrap">${escapeHtml(n.message)}</li>`).join('');
  const html =
    (evaluation.problem === 'regression' ? regressionHtml(evaluation) : classificationHtml(evaluation)) +
    (notes ? `<h3>Notes</h3><ul>${notes}</ul>` : '') +
    `<h3>Charts</h3><div class="charts">${charts.map(chartDiv).join('')}</div>`;
  return { html, charts };
}

/**
 * The standalone report of `xlens eval --html`: self-contained, offline, strict CSP, every label and
 * column name escaped.
 * @throws Error when the report bundle is missing (run `npm run build`).
 */
export function renderEvaluationReportHtml(
  result: FileEvaluation,
  options: ReportRenderOptions = {},
): string {
  const section = evaluationHtmlSection(result.evaluation);
  const payload: ReportPayload = { schema: 1, kind: 'eval', charts: section.charts };
  const listed = [...result.said, ...result.warnings]
    .map((line) => `<li class="wrap">${escapeHtml(line)}</li>`)
    .join('');
  const body = [
    `<header><h1>Evaluation</h1><p class="subtitle wrap"><code>${escapeHtml(result.file)}</code> · ${escapeHtml(formatNumber(result.evaluation.rows))} rows</p></header>`,
    listed ? `<ul>${listed}</ul>` : '',
    section.html,
  ].join('\n');
  return renderReportPage(`xlens eval: ${result.file}`, body, payload, options);
}
