/**
 * The standalone HTML drift report (`xlens drift --html`, the drift job's artefact): dataset verdict at the
 * top, a per-column table sortable in the page (drifted columns first), the score-vs-threshold summary and
 * overlaid reference/current distributions per column. Only the report's aggregates are embedded.
 */
import type { ChartModel } from '../../protocol/charts';
import { formatNumber, formatPercent } from '../../shared/formatting';
import type { ReportPayload } from '../../protocol/report';
import { driftColumnChart, driftSummaryChart } from '../charts/driftCharts';
import {
  columnScore,
  columnText,
  columnVerdictText,
  computedInText,
  datasetVerdict,
  inputText,
  NOT_TESTED_HEADING,
  sortColumns,
  summaryLines,
} from '../drift/presentation';
import type { ColumnDrift, DriftInput, DriftReport } from '../drift/types';
import { escapeHtml } from './html';
import { renderReportPage, type ReportRenderOptions } from './page';

/** Options of {@link renderDriftReportHtml}. */
export type DriftReportOptions = ReportRenderOptions;

function chartDiv(chart: ChartModel): string {
  return `<div class="chart" data-chart="${escapeHtml(chart.id)}" role="img" aria-label="${escapeHtml(chart.title)}"></div>`;
}

function verdictBadge(drifted: boolean): string {
  return `<span class="badge ${drifted ? 'verdict-drift' : 'verdict-ok'}">${columnVerdictText(drifted)}</span>`;
}

function banner(report: DriftReport): string {
  const verdict = datasetVerdict(report.dataset);
  // The heading the detail names becomes a link to that section.
  const detail = escapeHtml(verdict.detail).replace(
    NOT_TESTED_HEADING,
    `<a href="#skipped">${NOT_TESTED_HEADING}</a>`,
  );
  return `<div class="banner ${verdict.kind}" id="verdict"><strong>${escapeHtml(verdict.headline)}</strong><br>${detail}</div>`;
}

function inputRow(label: string, input: DriftInput): string {
  const text = inputText(input);
  return `<tr><th scope="row">${label}</th><td class="wrap"><code>${escapeHtml(input.file)}</code></td><td>${escapeHtml(input.format)}</td><td class="num">${escapeHtml(text.rows)}</td><td class="num">${escapeHtml(text.columns)}</td><td>${escapeHtml(text.sampling)}</td></tr>`;
}

/**
 * A number cell: `text` shown, `value` the sort key of the page's sortable table (`''` sorts as missing,
 * last; `Infinity` above every number).
 */
function numCell(text: string, value: number | string): string {
  return `<td class="num" data-value="${escapeHtml(value)}">${escapeHtml(text)}</td>`;
}

/** The sort key of a statistic or score: `null` there means +∞ (see `ColumnDrift.statistic`). */
function infiniteKey(value: number | null): number | string {
  return value === null ? 'Infinity' : value;
}

function columnsTable(report: DriftReport): string {
  const rows = sortColumns(report.columns)
    .map((c, position) => {
      const i = report.columns.indexOf(c);
      const text = columnText(c);
      return (
        `<tr><td class="wrap"><a href="#col-${i}">${escapeHtml(c.name)}</a></td><td>${escapeHtml(c.type)}</td><td>${escapeHtml(c.method)}</td>` +
        numCell(text.statistic, infiniteKey(c.statistic)) +
        numCell(text.score, infiniteKey(columnScore(c))) +
        numCell(text.threshold, c.threshold) +
        // The verdict column sorts back to the first order: drifted first, strongest drift first.
        `<td data-value="${position}">${verdictBadge(c.drifted)}</td>` +
        numCell(text.psi, c.psi ?? '') +
        numCell(text.missingReference, c.missingShare.reference) +
        numCell(text.missingCurrent, c.missingShare.current) +
        '</tr>'
      );
    })
    .join('');
  const head =
    '<th data-sort="text">column</th><th data-sort="text">type</th><th data-sort="text">method</th>' +
    '<th class="num" data-sort="number">statistic</th><th class="num" data-sort="number">p-value / distance</th>' +
    '<th class="num" data-sort="number">drift if</th><th data-sort="number">verdict</th><th class="num" data-sort="number">PSI</th>' +
    '<th class="num" data-sort="number">missing ref.</th><th class="num" data-sort="number">missing cur.</th>';
  return `<table data-sortable id="columns"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

function summaryTable(c: ColumnDrift): string {
  const rows = summaryLines(c.reference, c.current, c.valueUnit).map(
    (line) =>
      `<tr><th scope="row">${escapeHtml(line.label)}</th><td class="num wrap">${escapeHtml(line.reference)}</td><td class="num wrap">${escapeHtml(line.current)}</td></tr>`,
  );
  return `<table class="summary"><thead><tr><th></th><th class="num">reference</th><th class="num">current</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function columnSection(c: ColumnDrift, index: number, chart: ChartModel): string {
  const { details } = columnText(c);
  return (
    `<section class="column" id="col-${index}"><h3>${escapeHtml(c.name)} ${verdictBadge(c.drifted)} <span class="note">${escapeHtml(c.type)}</span></h3>` +
    `${details.map((d) => `<p class="note wrap">${escapeHtml(d)}</p>`).join('')}` +
    `<div class="column-grid">${summaryTable(c)}${chartDiv(chart)}</div></section>`
  );
}

function optionsSection(report: DriftReport): string {
  const o = report.options;
  const items = [
    `dataset drift at a drifted share ≥ ${formatPercent(o.driftShare)}`,
    `small-sample tests when the reference has ≤ ${formatNumber(o.smallSampleRows)} rows`,
    o.method ? `method for every column: ${o.method}` : 'methods: default rules',
    o.threshold !== undefined
      ? `threshold for every column: ${formatNumber(o.threshold)}`
      : 'thresholds: method defaults',
    o.maxRows !== null ? `sampling above ${formatNumber(o.maxRows)} rows (seed ${o.seed})` : 'no sampling',
    ...Object.entries(o.perColumn).map(([name, rule]) => `column ${name}: ${JSON.stringify(rule)}`),
  ];
  return `<h2>Options</h2><ul>${items.map((i) => `<li class="wrap">${escapeHtml(i)}</li>`).join('')}</ul>`;
}

/** Most columns drawn (a section with a chart each) in an HTML drift report; the rest are in its table. */
export const MAX_REPORT_COLUMN_CHARTS = 200;

/**
 * Renders a drift report as one self-contained HTML document (works offline, strict CSP, every column
 * name and category escaped). Embeds the report's summaries and shared-bin histograms, never rows.
 *
 * @throws Error when the report bundle is missing (run `npm run build`).
 */
export function renderDriftReportHtml(report: DriftReport, options: DriftReportOptions = {}): string {
  // Drifted columns first, strongest drift first; only the first MAX_REPORT_COLUMN_CHARTS get a section
  // and a chart, so a file with 100,000 columns makes a report of bounded size.
  const ordered = sortColumns(report.columns);
  const charted = ordered.slice(0, MAX_REPORT_COLUMN_CHARTS);
  const left = ordered.length - charted.length;
  const indexOf = new Map(report.columns.map((c, i) => [c, i]));
  const columnCharts = charted.map((c) => driftColumnChart(c, indexOf.get(c) ?? 0));
  const summary = driftSummaryChart(left > 0 ? { ...report, columns: charted } : report);
  const charts = summary ? [summary, ...columnCharts] : columnCharts;
  const payload: ReportPayload = { schema: 1, kind: 'drift', charts };
  const { reference, current } = report.inputs;
  const skipped =
    report.skipped.length > 0
      ? `<h2 id="skipped">${NOT_TESTED_HEADING}</h2><table><thead><tr><th>column</th><th>type</th><th>reason</th></tr></thead><tbody>${report.skipped
          .map(
            (s) =>
              `<tr><td class="wrap">${escapeHtml(s.name)}</td><td>${escapeHtml(s.type)}</td><td class="wrap">${escapeHtml(s.reason)}</td></tr>`,
          )
          .join('')}</tbody></table>`
      : '';
  const body = [
    `<header><h1>Data drift report</h1><p class="subtitle wrap"><code>${escapeHtml(reference.file)}</code> (reference) → <code>${escapeHtml(current.file)}</code> (current) · ${escapeHtml(report.createdAt)} · ${escapeHtml(computedInText(report.durationMs))}</p></header>`,
    banner(report),
    `<table><thead><tr><th></th><th>file</th><th>format</th><th class="num">rows</th><th class="num">columns</th><th>sampling</th></tr></thead><tbody>${inputRow('reference', reference)}${inputRow('current', current)}</tbody></table>`,
    `<h2>Columns</h2>${report.columns.length > 0 ? columnsTable(report) : '<p class="note">No column could be tested (see below).</p>'}`,
    summary ? chartDiv(summary) : '',
    report.columns.length > 0 ? '<h2>Distributions</h2>' : '',
    // In the table's first order: drifted columns first, strongest drift first.
    ...charted.map((c, k) => columnSection(c, indexOf.get(c) ?? 0, columnCharts[k])),
    left > 0
      ? `<p class="note">${formatNumber(left)} more column${left === 1 ? '' : 's'}, with less drift, ${left === 1 ? 'is' : 'are'} in the table above without a chart: the report draws the ${formatNumber(MAX_REPORT_COLUMN_CHARTS)} columns with the strongest drift (and the overview chart shows those).</p>`
      : '',
    skipped,
    optionsSection(report),
  ].join('\n');
  return renderReportPage(`xlens drift: ${reference.file} → ${current.file}`, body, payload, options);
}
