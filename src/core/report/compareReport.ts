/**
 * The standalone HTML page of a run comparison (`xlens compare <runs> --html out.html`): the runs, the
 * params side by side (differing values marked), each metric's summary per run with deltas against the
 * first run, one chart per metric with every run overlaid (the compare view's specs), and the data inputs.
 */
import { comparePointsPerSeries } from '../../protocol/compare';
import type { ReportPayload } from '../../protocol/report';
import { formatBytes, formatDuration, formatNumber, shortSha } from '../../shared/formatting';
import { runComparisonChart, type MetricChartOptions } from '../charts/metricCharts';
import type { RunComparison } from '../compare/comparison';
import type { MetricPoint } from '../metrics/series';
import type { RunRecord } from '../runs/types';
import { escapeHtml } from './html';
import { renderReportPage, type ReportRenderOptions } from './page';

/** Options of {@link renderCompareReportHtml}. */
export type CompareReportOptions = ReportRenderOptions & MetricChartOptions;

/** A run's label in the page and its legends: `#1 train · <id>` (unique: the index comes first). */
export function comparedRunLabel(run: RunRecord, index: number): string {
  return `#${index + 1} ${run.task} · ${run.id}`;
}

const num = (value: number | null | undefined, digits = 6): string =>
  `<td class="num" data-value="${value ?? ''}">${escapeHtml(formatNumber(value ?? null, digits))}</td>`;

function signed(value: number | null): string {
  if (value === null) {
    return '<td class="num"></td>';
  }
  const text = `${value > 0 ? '+' : ''}${formatNumber(value, 6)}`;
  return `<td class="num" data-value="${value}">${escapeHtml(text)}</td>`;
}

function runsSection(runs: readonly RunRecord[]): string {
  const rows = runs
    .map(
      (run, i) =>
        `<tr><td>#${i + 1}</td><td><code>${escapeHtml(run.id)}</code></td><td>${escapeHtml(run.task)}</td>` +
        `<td><span class="badge status-${escapeHtml(run.status)}">${escapeHtml(run.status)}</span></td>` +
        `<td><code title="${escapeHtml(run.git.commit ?? '')}">${escapeHtml(shortSha(run.git.commit))}</code>${run.git.dirty ? ' dirty' : ''}</td>` +
        `<td>${escapeHtml(run.startedAt ?? run.createdAt)}</td><td class="num">${escapeHtml(formatDuration(run.durationMs))}</td></tr>`,
    )
    .join('');
  return `<h2>Runs</h2><p class="note">Deltas are against #1.</p><table><thead><tr><th></th><th>run</th><th>task</th><th>status</th><th>commit</th><th>started</th><th class="num">duration</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function paramsSection(comparison: RunComparison, runs: readonly RunRecord[]): string {
  if (comparison.params.length === 0) {
    return '<h2>Params</h2><p class="note">No params recorded.</p>';
  }
  const differing = comparison.params.filter((p) => p.differs).length;
  const head = runs.map((_, i) => `<th>#${i + 1}</th>`).join('');
  const rows = comparison.params
    .map(
      (param) =>
        `<tr${param.differs ? ' class="differs"' : ''}><td><code>${escapeHtml(param.name)}</code>${param.differs ? ' <span class="badge">differs</span>' : ''}</td>` +
        param.values
          .map(
            (v) =>
              `<td class="wrap"><code>${v === undefined ? '' : escapeHtml(JSON.stringify(v))}</code></td>`,
          )
          .join('') +
        '</tr>',
    )
    .join('');
  return `<h2>Params</h2><p class="note">${differing} of ${comparison.params.length} differ.</p><table><thead><tr><th>param</th>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

/**
 * What a run's row of a metric says beside (or instead of) its figures about non-finite values, as
 * `xlens compare` prints it: a diverged run must not read as one that never logged the metric.
 */
function nonFiniteNote(count: number, summarised: boolean): string {
  if (count === 0) {
    return summarised ? '' : 'not recorded';
  }
  return summarised
    ? `${count} non-finite values (NaN or ±Infinity) left out of these figures`
    : `only non-finite values (${count}: NaN or ±Infinity)`;
}

function metricsSection(comparison: RunComparison): string {
  if (comparison.metrics.length === 0) {
    return '<h2>Metrics</h2><p class="note">No metrics recorded.</p>';
  }
  const rows = comparison.metrics
    .flatMap((metric) =>
      metric.runs.map((s, i) => {
        const note = nonFiniteNote(metric.nonFinite[i] ?? 0, s !== null);
        return (
          `<tr><td>${i === 0 ? `<code>${escapeHtml(metric.name)}</code> <span class="note">(${metric.goal === 'min' ? 'lower' : 'higher'} is better)</span>` : ''}</td><td>#${i + 1}</td>` +
          (s
            ? `${num(s.last)}${num(s.min)}${num(s.max)}${num(s.best)}${num(s.bestStep)}${signed(s.deltaLast)}${signed(s.deltaBest)}`
            : `<td class="num" colspan="7">${escapeHtml(note)}</td>`) +
          '</tr>' +
          (s && note
            ? `<tr><td></td><td></td><td colspan="7" class="note">${escapeHtml(note)}</td></tr>`
            : '')
        );
      }),
    )
    .join('');
  const head = ['last', 'min', 'max', 'best', 'best step', 'Δ last', 'Δ best']
    .map((h) => `<th class="num">${h}</th>`)
    .join('');
  return `<h2>Metrics</h2><table><thead><tr><th>metric</th><th>run</th>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

function dataSection(comparison: RunComparison): string {
  if (comparison.data.length === 0) {
    return '';
  }
  const rows = comparison.data
    .map(
      (input) =>
        `<tr><td><code>${escapeHtml(input.path)}</code></td>` +
        input.runs
          .map((r) =>
            r
              ? `<td><code title="${escapeHtml(r.sha256)}">${escapeHtml(r.sha256.slice(0, 12))}</code> ${escapeHtml(formatBytes(r.size))} <span class="note">${r.state}</span></td>`
              : '<td><span class="note">missing</span></td>',
          )
          .join('') +
        '</tr>',
    )
    .join('');
  const head = comparison.runIds.map((_, i) => `<th>#${i + 1}</th>`).join('');
  return `<h2>Data</h2><table><thead><tr><th>input</th>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

/**
 * Renders the comparison page (self-contained, offline, strict CSP; every recorded text escaped).
 * @param runs the compared runs, in the comparison's order (the first is the baseline).
 * @param series per run (same order), metric name → points in step order; charts are drawn for the
 *   comparison's metrics that have at least two points in some run, each run downsampled to at most
 *   `options.maxPoints` points (default: `comparePointsPerSeries` of the number of runs, 2000 for up to
 *   10 runs, down to 200 from 100 runs on).
 * @throws Error when the report bundle is missing (run `npm run build`).
 */
export function renderCompareReportHtml(
  runs: readonly RunRecord[],
  comparison: RunComparison,
  series: readonly ReadonlyMap<string, readonly MetricPoint[]>[],
  options: CompareReportOptions = {},
): string {
  const charts = comparison.metrics
    .filter((metric) => series.some((s) => (s.get(metric.name)?.length ?? 0) > 1))
    .map((metric) =>
      runComparisonChart(
        metric.name,
        runs.map((run, i) => ({ label: comparedRunLabel(run, i), points: series[i].get(metric.name) ?? [] })),
        // Points per chart as the compare view budgets them: 100 runs cost the page what 10 do.
        { ...options, maxPoints: options.maxPoints ?? comparePointsPerSeries(runs.length) },
      ),
    );
  const payload: ReportPayload = { schema: 1, kind: 'compare', charts };
  const chartHtml =
    charts.length > 0
      ? `<h2>Curves</h2><div class="charts">${charts
          .map(
            (c) =>
              `<div class="chart" data-chart="${escapeHtml(c.id)}" role="img" aria-label="${escapeHtml(c.title)}"></div>`,
          )
          .join('')}</div>`
      : '';
  const body = [
    `<header><h1>Comparison of ${runs.length} runs</h1><p class="subtitle">${escapeHtml([...new Set(runs.map((r) => r.task))].join(', '))}</p></header>`,
    runsSection(runs),
    paramsSection(comparison, runs),
    metricsSection(comparison),
    chartHtml,
    dataSection(comparison),
  ].join('\n');
  return renderReportPage(`xlens compare (${runs.length} runs)`, body, payload, options);
}
