/** Plain-text rendering of a drift report for terminals and job logs. */
import { formatNumber } from '../../protocol/format';
import { textTable } from '../base/textTable';
import { datasetVerdict, samplingText } from './presentation';
import type { ColumnDrift, DriftReport } from './types';

const DAY_MS = 86_400_000;

/**
 * An instant in Unix ms as UTC text: `2012-01-01` at midnight, else `2012-01-01 06:30`; `—` for null.
 */
export function formatInstant(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) {
    return '—';
  }
  const iso = new Date(ms).toISOString();
  return ms % DAY_MS === 0 ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** A time span in ms in the largest fitting unit with 4 significant digits: `105.7 days`, `3.5 h`, `12 s`. */
export function formatSpan(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) {
    return '—';
  }
  const units: [number, string][] = [
    [DAY_MS, 'days'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  const [size, unit] = units.find(([u]) => Math.abs(ms) >= u) ?? [1, 'ms'];
  return `${Number((ms / size).toPrecision(4))} ${unit}`;
}

/** The numeric summary statistics, in display order, with their labels. */
export const NUMERIC_SUMMARY_LABELS = {
  mean: 'mean',
  std: 'std',
  min: 'min',
  q25: '25%',
  q50: 'median',
  q75: '75%',
  max: 'max',
} as const;

/**
 * One numeric summary statistic as text: dates for instants (`unit` `unix-ms`; `std` as a span of
 * time), else `formatNumber`.
 */
export function formatSummaryStat(
  key: keyof typeof NUMERIC_SUMMARY_LABELS,
  value: number | null,
  unit: 'unix-ms' | undefined,
  formatNumber: (v: number | null) => string,
): string {
  if (unit !== 'unix-ms') {
    return formatNumber(value);
  }
  return key === 'std' ? formatSpan(value) : formatInstant(value);
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

/** The per-column table, the skipped columns and the dataset verdict, as printed by `xlens drift`. */
export function formatDriftReport(report: DriftReport): string {
  const { reference, current } = report.inputs;
  const sampled = (s: DriftReport['inputs']['reference']['sampling']): string => {
    const text = samplingText(s);
    return text === null ? '' : `, ${text}`;
  };
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
      // `null` is a statistic that is not finite: +∞ (see `ColumnDrift.statistic`).
      c.statistic === null ? '∞' : formatNumber(c.statistic),
      c.scoreKind === 'p_value' ? `p=${formatNumber(c.pValue)}` : `d=${formatNumber(c.distance)}`,
      `${c.scoreKind === 'p_value' ? '<' : '≥'} ${formatNumber(c.threshold)}`,
      c.drifted ? 'DRIFT' : 'ok',
    ]);
    lines.push(
      textTable(['COLUMN', 'TYPE', 'METHOD', 'STATISTIC', 'P-VALUE/DIST', 'DRIFT IF', 'VERDICT'], rows),
    );
  } else {
    lines.push('No column could be tested.');
  }
  const notes = sortColumns(report.columns).filter((c) => c.note);
  if (notes.length > 0) {
    lines.push('', 'notes:');
    lines.push(...notes.map((c) => `  ${c.name}: ${c.note}`));
  }
  if (report.skipped.length > 0) {
    lines.push('', 'not tested:');
    lines.push(...report.skipped.map((s) => `  ${s.name} (${s.type}): ${s.reason}`));
  }
  lines.push('', datasetVerdictLine(report));
  return `${lines.join('\n')}\n`;
}

/**
 * The dataset verdict in one line: drift, no drift, or not tested (no column could be tested, so there
 * is no verdict; the reasons are under "not tested").
 */
export function datasetVerdictLine(report: DriftReport): string {
  const verdict = datasetVerdict(report.dataset, 'not tested');
  return `${verdict.kind === 'ok' ? verdict.headline : verdict.headline.toUpperCase()}: ${verdict.detail}`;
}
