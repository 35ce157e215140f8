/**
 * Builds the drift view's snapshot from a `DriftReport`: the rows of the table (drifted columns first),
 * each column's numbers in words and summary lines (`src/core/drift/presentation.ts`, the same words as
 * the CLI and the HTML report), and the charts core builds for the HTML report, so the editor and the
 * standalone report draw the same pictures. No `vscode` import: tested as a pure function.
 */
import { driftColumnChart, driftSummaryChart } from '../../core/charts/driftCharts';
import {
  columnScore,
  columnText,
  computedInText,
  datasetVerdict,
  driftStrength,
  inputText,
  ruleText,
  samplingText,
  sortColumns,
  summaryLines,
} from '../../core/drift/presentation';
import type { ColumnDrift, DriftInput, DriftReport } from '../../core/drift/types';
import type { DriftSnapshot, DriftViewColumn, DriftViewInput, DriftViewSource } from '../../protocol/drift';

function input(i: DriftInput): DriftViewInput {
  return {
    file: i.file,
    format: i.format,
    rows: i.rows,
    columns: i.columns,
    sampling: samplingText(i.sampling),
    text: inputText(i),
  };
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
    score: columnScore(c),
    threshold: c.threshold,
    drifted: c.drifted,
    strength: Number.isFinite(strength) ? strength : Number.MAX_VALUE,
    psi: finite(c.psi),
    missingReference: c.missingShare.reference,
    missingCurrent: c.missingShare.current,
    reason: c.reason,
    rule: ruleText(c),
    summary: summaryLines(c.reference, c.current, c.valueUnit),
    note: c.note ?? null,
    text: columnText(c),
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
    computedIn: computedInText(report.durationMs),
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
