/**
 * The standalone HTML report of one run (`xlens show <run> --html out.html`): header, single-value
 * results as tiles, its checks (passed or failed), a classification evaluation's confusion matrix and per-class scores, one chart per
 * metric group with at least two points (drawn from the same specs as the run dashboard), metric
 * summaries, params and data fingerprints.
 */
import type { ReportPayload } from '../../protocol/report';
import { metricCharts, type MetricChartOptions } from '../charts/metricCharts';
import type { MetricPoint } from '../metrics/series';
import { checkResultText, checksSummaryText } from '../checks/evaluate';
import type { RunRecord } from '../runs/types';
import { evaluationSection, metricTiles } from './evaluationSection';
import { formatBytes, formatDuration, formatNumber } from '../../shared/formatting';
import { escapeHtml } from './html';
import { monitorHtmlSection } from './monitorReport';
import type { MonitorReport } from '../monitor/types';
import { renderReportPage, type ReportRenderOptions } from './page';
import { ownValue } from '../../shared/dict';

/** Options of {@link renderRunReportHtml}. */
export interface RunReportOptions extends ReportRenderOptions, MetricChartOptions {
  /** Parsed `artifacts/evaluation.json` of the run, when it has one (see `evaluationSection`). */
  evaluation?: unknown;
  /** `artifacts/monitor.json` of a `kind: monitor` run: its series over time and failed checks. */
  monitor?: MonitorReport;
}

function row(label: string, valueHtml: string): string {
  return `<tr><th scope="row">${escapeHtml(label)}</th><td class="wrap">${valueHtml}</td></tr>`;
}

function headerFacts(run: RunRecord): string {
  const rows: string[] = [];
  rows.push(row('Task', `${escapeHtml(run.task)} <span class="note">(${escapeHtml(run.kind)})</span>`));
  const status = `<span class="badge status-${escapeHtml(run.status)}">${escapeHtml(run.status)}</span>`;
  const exit =
    run.exitCode !== undefined && run.exitCode !== null
      ? ` exit code ${escapeHtml(run.exitCode)}`
      : run.signal
        ? ` signal ${escapeHtml(run.signal)}`
        : '';
  rows.push(row('Status', `${status}${exit}${run.error ? ` — ${escapeHtml(run.error)}` : ''}`));
  rows.push(row('Command', `<code>${escapeHtml(run.command)}</code>`));
  const git = run.git;
  if (git.commit) {
    const subject = git.subject ? ` ${escapeHtml(git.subject)}` : '';
    rows.push(
      row(
        'Commit',
        `<code title="${escapeHtml(git.commit)}">${escapeHtml(git.commit.slice(0, 10))}</code>${subject}`,
      ),
    );
  } else {
    rows.push(row('Commit', `<span class="note">${escapeHtml(git.note ?? 'none')}</span>`));
  }
  if (git.branch) {
    rows.push(row('Branch', escapeHtml(git.branch)));
  }
  const dirty = git.dirty
    ? `dirty${git.snapshot ? ` — snapshot <code title="${escapeHtml(git.snapshot)}">${escapeHtml(git.snapshot.slice(0, 10))}</code> (<code>refs/xlens/runs/${escapeHtml(run.id)}</code>)` : ''}`
    : 'clean';
  rows.push(row('Working tree', dirty));
  rows.push(row('Created', escapeHtml(run.createdAt)));
  if (run.startedAt) {
    rows.push(row('Started', escapeHtml(run.startedAt)));
  }
  if (run.endedAt) {
    rows.push(row('Ended', escapeHtml(run.endedAt)));
  }
  if (run.durationMs !== undefined) {
    rows.push(row('Duration', escapeHtml(formatDuration(run.durationMs))));
  }
  const backend = run.info?.backend;
  if (backend !== undefined) {
    rows.push(row('Backend', escapeHtml(typeof backend === 'string' ? backend : JSON.stringify(backend))));
  }
  if (run.host) {
    rows.push(row('Host', escapeHtml(run.host)));
  }
  rows.push(row('Folder', `<code>${escapeHtml(run.cwd)}</code>`));
  return `<table class="facts">${rows.join('')}</table>`;
}

function paramsSection(run: RunRecord): string {
  const entries = Object.entries(run.params).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) {
    return '<h2>Params</h2><p class="note">No params recorded.</p>';
  }
  const sources = run.paramSources?.length
    ? `<p class="note">From ${run.paramSources.map((s) => `<code>${escapeHtml(s)}</code>`).join(', ')}.</p>`
    : '';
  const rows = entries
    .map(
      ([k, v]) =>
        `<tr><td><code>${escapeHtml(k)}</code></td><td class="wrap"><code>${escapeHtml(JSON.stringify(v))}</code></td></tr>`,
    )
    .join('');
  return `<h2>Params</h2>${sources}<table data-sortable><thead><tr><th data-sort="text">name</th><th data-sort="text">value</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function dataSection(run: RunRecord): string {
  if (run.data.length === 0) {
    return '';
  }
  const rows = run.data
    .map(
      (d) =>
        `<tr><td><code>${escapeHtml(d.path)}</code></td><td><code title="${escapeHtml(d.sha256)}">${escapeHtml(d.sha256.slice(0, 16))}</code></td>` +
        `<td class="num" data-value="${d.size}">${escapeHtml(formatBytes(d.size))}</td><td class="num">${escapeHtml(d.files)}</td><td>${escapeHtml(d.mtime)}</td></tr>`,
    )
    .join('');
  return `<h2>Data</h2><table><thead><tr><th>path</th><th>sha256</th><th class="num">size</th><th class="num">files</th><th>modified</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function summariesSection(run: RunRecord, series: ReadonlyMap<string, readonly MetricPoint[]>): string {
  const names = [...new Set([...Object.keys(run.metrics), ...series.keys()])];
  if (names.length === 0) {
    return '<h2>Metrics</h2><p class="note">No metrics recorded.</p>';
  }
  const num = (v: number | undefined) =>
    `<td class="num" data-value="${v ?? ''}">${escapeHtml(formatNumber(v ?? null, 6))}</td>`;
  const rows = names
    .map((name) => {
      const s = ownValue(run.metrics, name);
      return `<tr><td><code>${escapeHtml(name)}</code></td>${num(s?.last)}${num(s?.lastStep)}${num(s?.min)}${num(s?.max)}${num(s?.bestStep)}${num(s?.count ?? series.get(name)?.length)}</tr>`;
    })
    .join('');
  const head = ['last', 'at step', 'min', 'max', 'best step', 'points']
    .map((h) => `<th class="num" data-sort="number">${h}</th>`)
    .join('');
  return `<h2>Metrics</h2><table data-sortable><thead><tr><th data-sort="text">metric</th>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

function listSection(title: string, items: readonly string[]): string {
  if (items.length === 0) {
    return '';
  }
  return `<h2>${escapeHtml(title)}</h2><ul>${items.map((i) => `<li class="wrap">${i}</li>`).join('')}</ul>`;
}

/**
 * Renders the run report as one self-contained HTML document (works offline, strict CSP, every recorded
 * text escaped). Series are downsampled to at most `maxPoints` (default 2000) points per metric.
 *
 * @param run the run's `run.json`.
 * @param series metric name → points ordered by step (the run's `metrics.jsonl`).
 * @throws Error when the report bundle is missing (run `npm run build`).
 */
export function renderRunReportHtml(
  run: RunRecord,
  series: ReadonlyMap<string, readonly MetricPoint[]>,
  options: RunReportOptions = {},
): string {
  // One point makes no curve: single-value metrics (an evaluation's results) become tiles instead.
  const curves = new Map([...series].filter(([, points]) => points.length > 1));
  const lineCharts = metricCharts(curves, options);
  const evaluation = evaluationSection(options.evaluation);
  const monitor = options.monitor ? monitorHtmlSection(options.monitor) : { html: '', charts: [] };
  const charts = [...lineCharts, ...evaluation.charts, ...monitor.charts];
  const payload: ReportPayload = { schema: 1, kind: 'run', charts };
  const chartHtml =
    lineCharts.length > 0
      ? `<h2>Curves</h2><div class="charts">${lineCharts
          .map(
            (c) =>
              `<div class="chart" data-chart="${escapeHtml(c.id)}" role="img" aria-label="${escapeHtml(c.title)}"></div>`,
          )
          .join('')}</div>`
      : '';
  const artifacts = run.artifacts.map(
    (a) =>
      `<code>${escapeHtml(a.path)}</code> <span class="note">${escapeHtml(formatBytes(a.size))}, relative to the ${a.root === 'run' ? 'run folder' : 'workspace'}</span>`,
  );
  const body = [
    `<header><h1>Run ${escapeHtml(run.id)}</h1><p class="subtitle">${escapeHtml(run.task)} · ${escapeHtml(run.status)}</p></header>`,
    headerFacts(run),
    listSection(
      `Checks: ${checksSummaryText(run).replace(/^checks /, '')}`,
      (run.checks ?? []).map((c) => escapeHtml(checkResultText(c))),
    ),
    metricTiles(series),
    evaluation.html,
    monitor.html ? `<h2>Monitoring</h2>${monitor.html}` : '',
    chartHtml,
    summariesSection(run, series),
    paramsSection(run),
    dataSection(run),
    listSection('Artifacts', artifacts),
    listSection(
      'Warnings',
      (run.warnings ?? []).map((w) => escapeHtml(w)),
    ),
  ].join('\n');
  return renderReportPage(`xlens run ${run.id} (${run.task})`, body, payload, options);
}
