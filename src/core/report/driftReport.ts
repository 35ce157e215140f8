/**
 * The standalone HTML drift report (`xlens drift --html`, the drift job's artefact): dataset verdict at the
 * top, a per-column table sortable in the page (drifted columns first), the score-vs-threshold summary and
 * overlaid reference/current distributions per column. Only the report's aggregates are embedded.
 */
import type { ChartModel } from '../../protocol/charts';
import type { ReportPayload } from '../../protocol/report';
import { driftColumnChart, driftSummaryChart } from '../charts/driftCharts';
import { formatSummaryStat, NUMERIC_SUMMARY_LABELS, sortColumns } from '../drift/format';
import { datasetVerdict, NOT_TESTED_HEADING, samplingText } from '../drift/presentation';
import type { ColumnDrift, ColumnSummary, DriftInput, DriftReport } from '../drift/types';
import { formatDuration, formatNumber, formatPercent } from './format';
import { escapeHtml } from './html';
import { renderReportPage, type ReportRenderOptions } from './page';

/** Options of {@link renderDriftReportHtml}. */
export type DriftReportOptions = ReportRenderOptions;

function chartDiv(chart: ChartModel): string {
  return `<div class="chart" data-chart="${escapeHtml(chart.id)}" role="img" aria-label="${escapeHtml(chart.title)}"></div>`;
}

function verdictBadge(drifted: boolean): string {
  return drifted
    ? '<span class="badge verdict-drift">drift</span>'
    : '<span class="badge verdict-ok">no drift</span>';
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
  const s = input.sampling;
  const sampling = samplingText(s) ?? 'all rows';
  return `<tr><th scope="row">${label}</th><td class="wrap"><code>${escapeHtml(input.file)}</code></td><td>${escapeHtml(input.format)}</td><td class="num">${escapeHtml(formatNumber(input.rows))}</td><td class="num">${escapeHtml(formatNumber(input.columns))}</td><td>${escapeHtml(sampling)}</td></tr>`;
}

/** The score compared with the threshold: the p-value for tests, the distance otherwise. */
function score(c: ColumnDrift): number | null {
  const value = c.scoreKind === 'p_value' ? c.pValue : (c.distance ?? c.statistic);
  return value !== undefined && value !== null && Number.isFinite(value) ? value : null;
}

function numCell(value: number | null | undefined, digits = 4): string {
  const v = value !== null && value !== undefined && Number.isFinite(value) ? String(value) : '';
  return `<td class="num" data-value="${v}">${escapeHtml(formatNumber(value ?? null, digits))}</td>`;
}

/** A column's statistic: `null` in the report means it is not finite, i.e. +∞ (see `ColumnDrift`). */
function statisticText(c: ColumnDrift): string {
  return c.statistic === null ? '∞' : formatNumber(c.statistic);
}

function columnsTable(report: DriftReport): string {
  const rows = sortColumns(report.columns)
    .map((c) => {
      const i = report.columns.indexOf(c);
      const rule =
        c.scoreKind === 'p_value' ? `p < ${formatNumber(c.threshold)}` : `≥ ${formatNumber(c.threshold)}`;
      return (
        `<tr><td class="wrap"><a href="#col-${i}">${escapeHtml(c.name)}</a></td><td>${escapeHtml(c.type)}</td><td>${escapeHtml(c.method)}</td>` +
        `<td class="num" data-value="${c.statistic ?? Number.MAX_VALUE}">${escapeHtml(statisticText(c))}</td>${numCell(score(c))}<td class="num" data-value="${c.threshold}">${escapeHtml(rule)}</td>` +
        `<td data-value="${c.drifted ? 1 : 0}">${verdictBadge(c.drifted)}</td>${numCell(c.psi)}` +
        `<td class="num" data-value="${c.missingShare.reference}">${escapeHtml(formatPercent(c.missingShare.reference))}</td>` +
        `<td class="num" data-value="${c.missingShare.current}">${escapeHtml(formatPercent(c.missingShare.current))}</td></tr>`
      );
    })
    .join('');
  const head =
    '<th data-sort="text">column</th><th data-sort="text">type</th><th data-sort="text">method</th>' +
    '<th class="num" data-sort="number">statistic</th><th class="num" data-sort="number">p-value / distance</th>' +
    '<th class="num" data-sort="number">threshold</th><th data-sort="number">verdict</th><th class="num" data-sort="number">PSI</th>' +
    '<th class="num" data-sort="number">missing ref.</th><th class="num" data-sort="number">missing cur.</th>';
  return `<table data-sortable id="columns"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

function summaryTable(reference: ColumnSummary, current: ColumnSummary, unit?: 'unix-ms'): string {
  const line = (label: string, r: string, c: string) =>
    `<tr><th scope="row">${escapeHtml(label)}</th><td class="num wrap">${r}</td><td class="num wrap">${c}</td></tr>`;
  const n = (v: number | null) => escapeHtml(formatNumber(v));
  const rows = [
    line('values', n(reference.count), n(current.count)),
    line('missing', n(reference.missing), n(current.missing)),
    line('unique', n(reference.unique), n(current.unique)),
  ];
  if (reference.kind === 'numeric' && current.kind === 'numeric') {
    for (const [key, label] of Object.entries(NUMERIC_SUMMARY_LABELS) as [
      keyof typeof NUMERIC_SUMMARY_LABELS,
      string,
    ][]) {
      const stat = (v: number | null) => escapeHtml(formatSummaryStat(key, v, unit, formatNumber));
      rows.push(line(label, stat(reference[key]), stat(current[key])));
    }
  } else if (reference.kind === 'categorical' && current.kind === 'categorical') {
    const top = (s: typeof reference) =>
      s.top
        .map((t) => `<code>${escapeHtml(t.value)}</code> ${escapeHtml(formatNumber(t.count))}`)
        .join('<br>');
    rows.push(line('most frequent', top(reference), top(current)));
  }
  return `<table class="summary"><thead><tr><th></th><th class="num">reference</th><th class="num">current</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function columnSection(c: ColumnDrift, index: number, chart: ChartModel): string {
  const scoreText =
    c.scoreKind === 'p_value'
      ? `p-value ${formatNumber(c.pValue ?? null)} (drift when below ${formatNumber(c.threshold)})`
      : `distance ${formatNumber(c.distance ?? c.statistic)} (drift at or above ${formatNumber(c.threshold)})`;
  const details = [
    `${escapeHtml(c.method)} · statistic ${escapeHtml(statisticText(c))}${c.dof !== undefined ? `, ${escapeHtml(c.dof)} degrees of freedom` : ''} · ${escapeHtml(scoreText)}`,
    `Method: ${escapeHtml(c.reason)} (${escapeHtml(c.methodSource)} rule; threshold from the ${escapeHtml(c.thresholdSource)} rule).`,
  ];
  if (c.histogram.kind === 'categorical' && c.histogram.folded > 0) {
    details.push(
      `${escapeHtml(formatNumber(c.histogram.folded))} less frequent categories are shown together in the last bar.`,
    );
  }
  if (c.note) {
    details.push(escapeHtml(c.note));
  }
  return (
    `<section class="column" id="col-${index}"><h3>${escapeHtml(c.name)} ${verdictBadge(c.drifted)} <span class="note">${escapeHtml(c.type)}</span></h3>` +
    `${details.map((d) => `<p class="note wrap">${d}</p>`).join('')}` +
    `<div class="column-grid">${summaryTable(c.reference, c.current, c.valueUnit)}${chartDiv(chart)}</div></section>`
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

/**
 * Renders a drift report as one self-contained HTML document (works offline, strict CSP, every column
 * name and category escaped). Embeds the report's summaries and shared-bin histograms, never rows.
 *
 * @throws Error when the report bundle is missing (run `npm run build`).
 */
export function renderDriftReportHtml(report: DriftReport, options: DriftReportOptions = {}): string {
  const columnCharts = report.columns.map((c, i) => driftColumnChart(c, i));
  const summary = driftSummaryChart(report);
  const charts = summary ? [summary, ...columnCharts] : columnCharts;
  const payload: ReportPayload = { schema: 1, kind: 'drift', charts };
  const { reference, current } = report.inputs;
  const skipped =
    report.skipped.length > 0
      ? `<h2 id="skipped">Columns not tested</h2><table><thead><tr><th>column</th><th>type</th><th>reason</th></tr></thead><tbody>${report.skipped
          .map(
            (s) =>
              `<tr><td class="wrap">${escapeHtml(s.name)}</td><td>${escapeHtml(s.type)}</td><td class="wrap">${escapeHtml(s.reason)}</td></tr>`,
          )
          .join('')}</tbody></table>`
      : '';
  const body = [
    `<header><h1>Data drift report</h1><p class="subtitle wrap"><code>${escapeHtml(reference.file)}</code> (reference) → <code>${escapeHtml(current.file)}</code> (current) · ${escapeHtml(report.createdAt)} · computed in ${escapeHtml(formatDuration(report.durationMs))}</p></header>`,
    banner(report),
    `<table><thead><tr><th></th><th>file</th><th>format</th><th class="num">rows</th><th class="num">columns</th><th>sampling</th></tr></thead><tbody>${inputRow('reference', reference)}${inputRow('current', current)}</tbody></table>`,
    `<h2>Columns</h2>${report.columns.length > 0 ? columnsTable(report) : '<p class="note">No column could be tested (see below).</p>'}`,
    summary ? chartDiv(summary) : '',
    report.columns.length > 0 ? '<h2>Distributions</h2>' : '',
    // In the table's first order: drifted columns first, strongest drift first.
    ...sortColumns(report.columns).map((c) => {
      const i = report.columns.indexOf(c);
      return columnSection(c, i, columnCharts[i]);
    }),
    skipped,
    optionsSection(report),
  ].join('\n');
  return renderReportPage(`xlens drift: ${reference.file} → ${current.file}`, body, payload, options);
}
