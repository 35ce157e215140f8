/**
 * How a drift report is presented, written once for every front: the `xlens drift` text table
 * (`./textReport.ts`), the standalone HTML report (`src/core/report/driftReport.ts`) and the drift view (whose
 * snapshot carries these strings, so the webview only lays them out). It holds the dataset verdict, the
 * sampling sentence, each column's numbers in words (statistic, score, threshold, PSI, missing shares,
 * the lines under its chart), the summary table lines, and the order of the columns.
 *
 * Numbers go through the shared `formatNumber`/`formatPercent`/`formatDuration` (`src/shared/formatting.ts`).
 * A statistic that is not finite is stored as `null` in a report (JSON has no infinity, see
 * `ColumnDrift.statistic`) and always reads `∞` here, never as "missing".
 */
import {
  DRIFT_NOT_TESTED_HEADING,
  type DriftColumnText,
  type DriftInputText,
  type DriftSummaryLine,
  type DriftVerdictText,
} from '../../protocol/drift';
import { formatDuration, formatNumber, formatPercent, MISSING } from '../../shared/formatting';
import type { ColumnDrift, ColumnSummary, DatasetDrift, DriftInput, SamplingInfo } from './types';

/** The heading under which each front lists the columns that could not be tested. */
export const NOT_TESTED_HEADING = DRIFT_NOT_TESTED_HEADING;

/** What the verdict of a column reads: `drift` or `no drift`. */
export function columnVerdictText(drifted: boolean): string {
  return drifted ? 'drift' : 'no drift';
}

/**
 * The dataset verdict: headline and one sentence of detail.
 * @param dataset the report's `dataset` block (tested columns, drifted columns, share, threshold).
 * @param notTestedHeading how the front names its list of untested columns (the CLI prints `not tested`).
 */
export function datasetVerdict(
  dataset: DatasetDrift,
  notTestedHeading: string = NOT_TESTED_HEADING,
): DriftVerdictText {
  if (dataset.columns === 0) {
    return {
      kind: 'not-tested',
      headline: 'Not tested',
      detail: `No column could be tested, so there is no dataset verdict; the reason for each column is under "${notTestedHeading}".`,
    };
  }
  return {
    kind: dataset.driftDetected ? 'drift' : 'ok',
    headline: dataset.driftDetected ? 'Dataset drift detected' : 'No dataset drift',
    detail:
      `${dataset.drifted} of ${dataset.columns} tested columns drifted (${formatPercent(dataset.share)}); ` +
      `dataset drift is declared at ${formatPercent(dataset.threshold)} or more.`,
  };
}

/** `sampled 5,000 of 120,000 rows (seed 42)` when rows were dropped, else `null` (all rows used). */
export function samplingText(sampling: SamplingInfo): string | null {
  return sampling.applied
    ? `sampled ${formatNumber(sampling.rowsAfter)} of ${formatNumber(sampling.rowsBefore)} rows (seed ${sampling.seed})`
    : null;
}

/** An input file's row count, column count and sampling in words (`all rows` when none were dropped). */
export function inputText(input: DriftInput): DriftInputText {
  return {
    rows: formatNumber(input.rows),
    columns: formatNumber(input.columns),
    sampling: samplingText(input.sampling) ?? 'all rows',
  };
}

/** `computed in 4.2s`: how long the report took. */
export function computedInText(durationMs: number): string {
  return `computed in ${formatDuration(durationMs)}`;
}

const DAY_MS = 86_400_000;

/**
 * An instant in Unix ms as UTC text: `2012-01-01` at midnight, else `2012-01-01 06:30`; {@link MISSING}
 * for null or a non-finite value.
 */
export function formatInstant(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) {
    return MISSING;
  }
  const iso = new Date(ms).toISOString();
  return ms % DAY_MS === 0 ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
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
 * One numeric summary statistic as text: `formatNumber`, or for instants (`unit` `unix-ms`) a date, and
 * `std` as a span of time (`formatDuration`, e.g. `105d 16h`).
 */
export function formatSummaryStat(
  key: keyof typeof NUMERIC_SUMMARY_LABELS,
  value: number | null,
  unit: 'unix-ms' | undefined,
): string {
  if (unit !== 'unix-ms') {
    return formatNumber(value);
  }
  return key === 'std' ? formatDuration(value) : formatInstant(value);
}

/**
 * The summary table of a column, reference against current: counts, then the quantiles (dates when
 * `unit` is `unix-ms`) or one line per most frequent category, `value (count)`.
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
      const stat = (v: number | null): string => formatSummaryStat(key, v, unit);
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

/**
 * The number compared with the threshold: the p-value for tests, the distance otherwise. `null` stands for
 * +∞ (an infinite distance; a report read from JSON has lost the infinity), never for "missing".
 */
export function columnScore(column: ColumnDrift): number | null {
  const value = column.scoreKind === 'p_value' ? column.pValue : (column.distance ?? column.statistic);
  return value !== undefined && value !== null && Number.isFinite(value) ? value : null;
}

/** Where the method and threshold came from: `default rule`, or both sources when they differ. */
export function ruleText(column: ColumnDrift): string {
  return column.methodSource === column.thresholdSource
    ? `${column.methodSource} rule`
    : `method: ${column.methodSource} rule, threshold: ${column.thresholdSource} rule`;
}

/**
 * A tested column's numbers in words, as every front shows them: statistic (`∞` when not finite),
 * `p = 0.0003157` or `d = 0.31`, `p < 0.05` or `d ≥ 0.1`, the verdict, PSI, the missing shares, and the
 * lines under the column's chart (the test, why this method, folded categories, the note).
 */
export function columnText(column: ColumnDrift): DriftColumnText {
  const pValue = column.scoreKind === 'p_value';
  // `null` is +∞ for the statistic (and for a distance, which equals it): see `ColumnDrift.statistic`.
  const statistic = formatNumber(column.statistic ?? Infinity);
  const scoreValue = pValue ? formatNumber(column.pValue) : formatNumber(columnScore(column) ?? Infinity);
  const threshold = formatNumber(column.threshold);
  const dof = column.dof !== undefined ? `, ${column.dof} degrees of freedom` : '';
  const score = pValue
    ? `p-value ${scoreValue} (drift when below ${threshold})`
    : `distance ${scoreValue} (drift at or above ${threshold})`;
  const details = [
    `${column.method} · statistic ${statistic}${dof} · ${score} · PSI ${formatNumber(column.psi)}`,
    `Method: ${column.reason} (${ruleText(column)}).`,
  ];
  if (column.histogram.kind === 'categorical' && column.histogram.folded > 0) {
    details.push(
      `${formatNumber(column.histogram.folded)} less frequent categories are shown together in the last bar.`,
    );
  }
  if (column.note) {
    details.push(column.note);
  }
  return {
    statistic,
    score: `${pValue ? 'p' : 'd'} = ${scoreValue}`,
    threshold: `${pValue ? 'p <' : 'd ≥'} ${threshold}`,
    verdict: columnVerdictText(column.drifted),
    psi: formatNumber(column.psi),
    missingReference: formatPercent(column.missingShare.reference),
    missingCurrent: formatPercent(column.missingShare.current),
    details,
  };
}

/**
 * How strongly a column drifts relative to its threshold (lower is stronger): p / threshold for
 * p-value methods, threshold / distance for distances (0 for an infinite distance).
 */
export function driftStrength(column: ColumnDrift): number {
  if (column.scoreKind === 'p_value') {
    return (column.pValue ?? 1) / column.threshold;
  }
  const d = column.distance ?? (column.statistic === null ? Infinity : column.statistic);
  return d > 0 ? column.threshold / d : Infinity;
}

/** Columns in the order every front lists them: drifted first, each group from the strongest drift down. */
export function sortColumns(columns: readonly ColumnDrift[]): ColumnDrift[] {
  return [...columns].sort(
    (a, b) =>
      Number(b.drifted) - Number(a.drifted) ||
      driftStrength(a) - driftStrength(b) ||
      (a.name < b.name ? -1 : 1),
  );
}
