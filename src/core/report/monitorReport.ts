/**
 * The monitor in HTML: the failed checks as sentences at the top ("F1 (macro) fell below 0.8 from
 * 2015-03"), the charts of `charts/monitorCharts.ts` (each metric and the drifted-column share over the
 * windows), and a table of the windows with their warnings. The standalone `xlens monitor --html`
 * page and a `kind: monitor` run's `monitor.html` are this page.
 */
import type { ChartModel } from '../../protocol/charts';
import type { ReportPayload } from '../../protocol/report';
import { ownValue } from '../../shared/dict';
import { formatNumber, formatPercent } from '../../shared/formatting';
import { monitorCharts } from '../charts/monitorCharts';
import { metricLabel } from '../monitor/checks';
import type { MonitorReport } from '../monitor/types';
import { escapeHtml } from './html';
import { renderReportPage, type ReportRenderOptions } from './page';

function chartDiv(chart: ChartModel): string {
  return `<div class="chart" data-chart="${escapeHtml(chart.id)}" role="img" aria-label="${escapeHtml(chart.title)}"></div>`;
}

const TABLE_METRICS = [
  'monitor/accuracy',
  'monitor/f1_macro',
  'monitor/roc_auc',
  'monitor/log_loss',
  'monitor/rmse',
  'monitor/r2',
];

/** The banner: the sentences of failed checks, or that every check passed. */
function checksBanner(report: MonitorReport): string {
  if (report.checks.length === 0) {
    return '';
  }
  const failed = report.checks.filter((c) => c.sentence !== undefined);
  if (failed.length === 0) {
    return `<div class="banner ok"><strong>Every check passed in every window</strong> (${report.checks.map((c) => `<code>${escapeHtml(c.check)}</code>`).join(', ')})</div>`;
  }
  const items = failed
    .map(
      (c) =>
        `<li class="wrap"><strong>${escapeHtml(c.sentence ?? '')}</strong> <span class="note">(<code>${escapeHtml(c.check)}</code>)</span></li>`,
    )
    .join('');
  return `<div class="banner drift" id="monitor-checks"><ul>${items}</ul></div>`;
}

function windowTable(report: MonitorReport): string {
  const shown = TABLE_METRICS.filter((m) => report.metricNames.includes(m));
  const head = ['window', 'rows', ...shown.map(metricLabel), 'drifted columns', 'checks', 'warnings']
    .map((h, i) => `<th${i > 0 && i < shown.length + 2 ? ' class="num"' : ''}>${escapeHtml(h)}</th>`)
    .join('');
  const body = report.windows
    .map((w) => {
      const cells = [
        `<td>${escapeHtml(w.label)}</td>`,
        `<td class="num">${escapeHtml(formatNumber(w.rows))}</td>`,
        ...shown.map((m) => `<td class="num">${escapeHtml(formatNumber(ownValue(w.metrics, m)))}</td>`),
        `<td class="wrap">${
          w.drift
            ? `${escapeHtml(formatPercent(w.drift.share))} (${escapeHtml(
                w.drift.columns
                  .filter((c) => c.drifted)
                  .map((c) => c.name)
                  .join(', ') || 'none',
              )})`
            : '—'
        }</td>`,
        `<td>${w.failedChecks.length > 0 ? `<span class="badge verdict-drift">failed ${w.failedChecks.length}</span>` : ''}</td>`,
        `<td class="wrap note">${w.warnings.map(escapeHtml).join('<br>')}</td>`,
      ];
      return `<tr data-window="${w.index}">${cells.join('')}</tr>`;
    })
    .join('');
  return `<table id="monitor-windows"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** Markup and charts of a monitor report; chart ids start with `prefix`. */
export function monitorHtmlSection(
  report: MonitorReport,
  prefix = 'monitor:',
): { html: string; charts: ChartModel[] } {
  const charts = monitorCharts(report, prefix);
  const listed = [...report.said, ...report.warnings]
    .map((line) => `<li class="wrap">${escapeHtml(line)}</li>`)
    .join('');
  const html = [
    checksBanner(report),
    listed ? `<ul>${listed}</ul>` : '',
    `<h2>Over time</h2><div class="charts">${charts.map(chartDiv).join('')}</div>`,
    `<h2>Windows</h2>${windowTable(report)}`,
  ].join('\n');
  return { html, charts };
}

/**
 * The standalone report: self-contained, offline, strict CSP, every name escaped.
 * @throws Error when the report bundle is missing (run `npm run build`).
 */
export function renderMonitorReportHtml(report: MonitorReport, options: ReportRenderOptions = {}): string {
  const section = monitorHtmlSection(report);
  const payload: ReportPayload = { schema: 1, kind: 'monitor', charts: section.charts };
  const body = [
    `<header><h1>Monitoring</h1><p class="subtitle wrap"><code>${escapeHtml(report.file)}</code> · ${escapeHtml(
      formatNumber(report.rows),
    )} rows · ${report.windows.length} windows of ${escapeHtml(report.window)} by <code>${escapeHtml(report.time)}</code> · drift against <code>${escapeHtml(report.reference.name)}</code></p></header>`,
    section.html,
  ].join('\n');
  return renderReportPage(`xlens monitor: ${report.file}`, body, payload, options);
}
