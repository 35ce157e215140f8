/**
 * The words of a drift report, written once for every front: the `xlens drift` text, the standalone
 * HTML report and the drift view (which receives them in its snapshot), so a verdict reads the same
 * everywhere.
 */
import { formatNumber, formatPercent } from '../../protocol/format';
import type { DriftVerdictText } from '../../protocol/drift';
import type { DatasetDrift, SamplingInfo } from './types';

/** The heading under which each front lists the columns that could not be tested. */
export const NOT_TESTED_HEADING = 'Columns not tested';

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
