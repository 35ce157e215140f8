/** Plain-text rendering of a drift report for terminals and job logs. */
import type { ColumnDrift, DriftReport } from './types';

/** Significant-digit formatting: 4 digits, exponent below 1e-4 (p-values) or above 1e6. */
export function formatStat(value: number | null | undefined): string {
  if (value === null || value === undefined) {
    return '∞';
  }
  if (value === 0) {
    return '0';
  }
  const abs = Math.abs(value);
  if (abs < 1e-4 || abs >= 1e6) {
    return value.toExponential(2);
  }
  return Number(value.toPrecision(4)).toString();
}

/**
 * How strongly a column drifts relative to its threshold (lower is stronger): p / threshold for
 * p-value methods, threshold / distance for distances. Used to sort the table.
 */
export function driftStrength(column: ColumnDrift): number {
  if (column.scoreKind === 'p_value') {
    return (column.pValue ?? 1) / column.threshold;
  }
  const d = column.distance ?? 0;
  return d > 0 ? column.threshold / d : Infinity;
}

/** Columns with drifted ones first, each group from the strongest drift down. */
export function sortColumns(columns: readonly ColumnDrift[]): ColumnDrift[] {
  return [...columns].sort(
    (a, b) =>
      Number(b.drifted) - Number(a.drifted) ||
      driftStrength(a) - driftStrength(b) ||
      (a.name < b.name ? -1 : 1),
  );
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** The per-column table, the skipped columns and the dataset verdict, as printed by `xlens drift`. */
export function formatDriftReport(report: DriftReport): string {
  const { reference, current } = report.inputs;
  const sampled = (s: DriftReport['inputs']['reference']['sampling']): string =>
    s.applied ? ` (sampled ${s.rowsAfter} of ${s.rowsBefore}, seed ${s.seed})` : '';
  const lines = [
    `reference: ${reference.file}  ${reference.rows} rows${sampled(reference.sampling)}`,
    `current:   ${current.file}  ${current.rows} rows${sampled(current.sampling)}`,
    '',
  ];
  if (report.columns.length > 0) {
    const rows = sortColumns(report.columns).map((c) => [
      c.name,
      c.type,
      c.method,
      formatStat(c.statistic),
      c.scoreKind === 'p_value' ? `p=${formatStat(c.pValue)}` : `d=${formatStat(c.distance)}`,
      `${c.scoreKind === 'p_value' ? '<' : '≥'} ${formatStat(c.threshold)}`,
      c.drifted ? 'DRIFT' : 'ok',
    ]);
    lines.push(table(['COLUMN', 'TYPE', 'METHOD', 'STATISTIC', 'P-VALUE/DIST', 'DRIFT IF', 'VERDICT'], rows));
  } else {
    lines.push('No column was tested.');
  }
  if (report.skipped.length > 0) {
    lines.push('', 'not tested:');
    lines.push(...report.skipped.map((s) => `  ${s.name} (${s.type}): ${s.reason}`));
  }
  const d = report.dataset;
  const share = `${d.drifted} of ${d.columns} columns drifted (${(d.share * 100).toFixed(1)}%, threshold ${(d.threshold * 100).toFixed(0)}%)`;
  lines.push('', `${d.driftDetected ? 'DATASET DRIFT DETECTED' : 'No dataset drift'}: ${share}`);
  return `${lines.join('\n')}\n`;
}
