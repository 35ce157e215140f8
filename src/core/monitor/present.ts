/**
 * A monitor report for people (the CLI's table) and for the metrics protocol (one line per window).
 */
import { formatNumber, formatPercent } from '../../shared/formatting';
import { ownValue } from '../../shared/dict';
import { textTable } from '../base/textTable';
import { metricLabel } from './checks';
import type { MonitorReport } from './types';

/** The metrics shown as columns of the text table, when present, in this order. */
const TABLE_METRICS = [
  'monitor/accuracy',
  'monitor/f1_macro',
  'monitor/roc_auc',
  'monitor/log_loss',
  'monitor/mae',
  'monitor/rmse',
  'monitor/r2',
];

/**
 * The metrics file lines of a report: one per window with rows, `{"step": index, "time": start ms,
 * "values": {...}}` (the metrics protocol of README "Metrics protocol").
 */
export function monitorMetricLines(report: MonitorReport): string[] {
  return report.windows
    .filter((w) => Object.keys(w.metrics).length > 0)
    .map((w) => JSON.stringify({ step: w.index, time: Date.parse(w.start), values: w.metrics }));
}

/** The report as a text table (windows × main metrics and drift share), then checks and warnings. */
export function formatMonitorReport(report: MonitorReport): string {
  const shown = TABLE_METRICS.filter((m) => report.metricNames.includes(m));
  const rows = report.windows.map((w) => [
    w.label,
    formatNumber(w.rows),
    ...shown.map((m) => formatNumber(ownValue(w.metrics, m))),
    w.drift ? `${formatPercent(w.drift.share)} (${w.drift.drifted}/${w.drift.tested})` : '—',
    w.failedChecks.length > 0 ? `FAILED ${w.failedChecks.length}` : w.rows === 0 ? 'no rows' : '',
  ]);
  const header = ['WINDOW', 'ROWS', ...shown.map((m) => metricLabel(m).toUpperCase()), 'DRIFTED', 'CHECKS'];
  const lines = [
    `${report.file}: ${report.windows.length} windows of ${report.window} by "${report.time}", drift against ${report.reference.name}`,
    '',
    textTable(header, rows),
    '',
  ];
  for (const check of report.checks) {
    lines.push(
      check.sentence
        ? `check failed: ${check.check}: ${check.sentence}`
        : `check passed in every window: ${check.check}`,
    );
  }
  const windowWarnings = report.windows.flatMap((w) =>
    w.warnings.map((x) => `warning: window ${w.label}: ${x}`),
  );
  lines.push(...report.warnings.map((w) => `warning: ${w}`), ...windowWarnings);
  const noted = report.windows.filter((w) => w.notes.length > 0).length;
  if (noted > 0) {
    lines.push(
      `${noted} window${noted === 1 ? ' has' : 's have'} notes of the evaluation (scikit-learn's warnings, e.g. ROC AUC of a class absent there); see the JSON report's "notes".`,
    );
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
