/**
 * Builds the drift view's snapshot from a `DriftReport`: the rows of the table (drifted columns first),
 * each column's summary lines, and the charts core builds for the HTML report, so the editor and the
 * standalone report draw the same pictures. No `vscode` import: tested as a pure function.
 */
import { driftColumnChart, driftSummaryChart } from '../../core/charts/driftCharts';
import {
  driftStrength,
  formatSummaryStat,
  NUMERIC_SUMMARY_LABELS,
  sortColumns,
} from '../../core/drift/format';
import type { ColumnDrift, ColumnSummary, DriftInput, DriftReport } from '../../core/drift/types';
import { datasetVerdict, samplingText } from '../../core/drift/presentation';
import { formatNumber } from '../../protocol/format';
import type {
  DriftSnapshot,
  DriftSummaryLine,
  DriftViewColumn,
  DriftViewInput,
  DriftViewSource,
} from '../../protocol/drift';

function input(i: DriftInput): DriftViewInput {
  const s = i.sampling;
  return {
    file: i.file,
    format: i.format,
    rows: i.rows,
    columns: i.columns,
    sampling: samplingText(s),
  };
}

/**
 * Summary lines of a column: counts, then quantiles (numbers; dates when `unit` is `unix-ms`) or the most
 * frequent categories.
 */
export function summaryLines(
  reference: ColumnSummary,
  current: ColumnSummary,
  unit?: 'unix-ms',
): DriftSummaryLine[] {
  const n = (v: number | null): string => formatNumber(v);
  const lines: DriftSummaryLine[] = [
    { label: 'values', reference: n(reference.count), current: n(current.count) },
    { label: 'missing', reference: n(reference.missing), current: n(current.missing) },
    { label: 'unique', reference: n(reference.unique), current: n(current.unique) },
  ];
  if (reference.kind === 'numeric' && current.kind === 'numeric') {
    for (const [key, label] of Object.entries(NUMERIC_SUMMARY_LABELS) as [
      keyof typeof NUMERIC_SUMMARY_LABELS,
      string,
    ][]) {
      const stat = (v: number | null): string => formatSummaryStat(key, v, unit, formatNumber);
      lines.push({ label, reference: stat(reference[key]), current: stat(current[key]) });
    }
  } else if (reference.kind === 'categorical' && current.kind === 'categorical') {
    const top = Math.max(reference.top.length, current.top.length);
    const entry = (s: typeof reference, i: number): string =>
      s.top[i] ? `${s.top[i].value} (${formatNumber(s.top[i].count)})` : '';
    for (let i = 0; i < top; i++) {
      lines.push({
        label: i === 0 ? 'most frequent' : '',
        reference: entry(reference, i),
        current: entry(current, i),
      });
    }
  }
  return lines;
}

function finite(value: number | null | undefined): number | null {
  return value !== null && value !== undefined && Number.isFinite(value) ? value : null;
}

function column(c: ColumnDrift, index: number): DriftViewColumn {
  const strength = driftStrength(c);
  return {
    index,
    name: c.name,
    type: c.type,
    method: c.method,
    scoreKind: c.scoreKind,
    statistic: finite(c.statistic),
    score: finite(c.scoreKind === 'p_value' ? c.pValue : (c.distance ?? c.statistic)),
    threshold: c.threshold,
    drifted: c.drifted,
    strength: Number.isFinite(strength) ? strength : Number.MAX_VALUE,
    psi: finite(c.psi),
    missingReference: c.missingShare.reference,
    missingCurrent: c.missingShare.current,
    reason: c.reason,
    rule:
      c.methodSource === c.thresholdSource
        ? `${c.methodSource} rule`
        : `method: ${c.methodSource} rule, threshold: ${c.thresholdSource} rule`,
    summary: summaryLines(c.reference, c.current, c.valueUnit),
    note: c.note ?? null,
  };
}

/**
 * The snapshot of a report.
 * @param source where the report came from (a run, or two files compared on request).
 */
export function buildDriftSnapshot(report: DriftReport, source: DriftViewSource): DriftSnapshot {
  const position = new Map(report.columns.map((c, i) => [c, i]));
  const columns = sortColumns(report.columns).map((c) => column(c, position.get(c)!));
  const summary = driftSummaryChart(report);
  const charts = report.columns.map((c, i) => driftColumnChart(c, i));
  const { reference, current } = report.inputs;
  const title =
    source.kind === 'run'
      ? `Drift · ${source.task} · ${source.runId}`
      : `Drift · ${baseName(reference.file)} → ${baseName(current.file)}`;
  return {
    title,
    source,
    createdAt: report.createdAt,
    durationMs: report.durationMs,
    inputs: { reference: input(reference), current: input(current) },
    dataset: { ...report.dataset },
    verdict: datasetVerdict(report.dataset),
    columns,
    skipped: report.skipped.map((s) => ({ name: s.name, type: s.type, reason: s.reason })),
    charts: summary ? [summary, ...charts] : charts,
  };
}

function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}
