/**
 * The drift report model: what `xlens drift`, the drift job (`kind: drift`) and the drift webview
 * exchange. It holds aggregates only (summaries and histograms on shared bins), never raw rows, so a
 * report of a 3-million-row file stays a few kilobytes.
 *
 * The JSON file `artifacts/drift-report.json` is `JSON.stringify(report)`: every number in it is finite
 * (values that are not finite are stored as `null`, as the types say).
 */

import type { ColumnType } from '../data/types';

/** Logical type of a column (numerical, categorical, datetime, text), inferred or overridden. */
export type { ColumnType };

/**
 * Drift methods, named as Evidently names its stattests.
 * - `ks`: two-sample Kolmogorov–Smirnov test (p-value).
 * - `chisquare`: chi-squared goodness of fit of current category counts against reference proportions (p-value).
 * - `z`: two-proportion Z-test on the share of the most frequent reference category (p-value).
 * - `wasserstein`: Wasserstein-1 distance divided by the reference standard deviation (distance).
 * - `jensenshannon`: Jensen–Shannon distance, base 2, in [0, 1] (distance).
 * - `psi`: Population Stability Index on shared bins (distance-like score).
 */
export type DriftMethod = 'ks' | 'chisquare' | 'z' | 'wasserstein' | 'jensenshannon' | 'psi';

/** All drift methods, for validating user input. */
export const DRIFT_METHODS: readonly DriftMethod[] = [
  'ks',
  'chisquare',
  'z',
  'wasserstein',
  'jensenshannon',
  'psi',
];

/**
 * How a method's score is compared with its threshold.
 * - `p_value`: drift when `pValue < threshold` (a significance level, default 0.05).
 * - `distance`: drift when `distance >= threshold` (default 0.1).
 */
export type ScoreKind = 'p_value' | 'distance';

/** Where the method and threshold of a column came from. */
export type RuleSource = 'default' | 'global' | 'column';

/** Summary of a numerical or datetime column (datetimes as Unix milliseconds). */
export interface NumericSummary {
  kind: 'numeric';
  /** Rows in the (possibly sampled) data. */
  rows: number;
  /** Non-missing values. */
  count: number;
  /** Missing values (empty, NA/NaN/null tokens, unparsable). `count + missing = rows`. */
  missing: number;
  /** Distinct non-missing values. */
  unique: number;
  /** Statistics of the non-missing values; `null` when `count` is 0. `std` is the population std (ddof 0). */
  mean: number | null;
  std: number | null;
  min: number | null;
  /** 25th, 50th and 75th percentiles (linear interpolation, like numpy's default). */
  q25: number | null;
  q50: number | null;
  q75: number | null;
  max: number | null;
}

/** One category and its count. */
export interface CategoryCount {
  value: string;
  count: number;
}

/** Summary of a categorical or text column. */
export interface CategoricalSummary {
  kind: 'categorical';
  rows: number;
  count: number;
  missing: number;
  unique: number;
  /** Most frequent categories, descending count (ties by value), at most 10. */
  top: CategoryCount[];
}

export type ColumnSummary = NumericSummary | CategoricalSummary;

/**
 * Counts of reference and current values on the same bins, for overlaid distributions and PSI.
 * Missing values are not binned (they are in the summaries' `missing`).
 */
export type SharedHistogram =
  | {
      kind: 'numeric';
      /** Bin edges, ascending, length = bins + 1. Bin i is [edges[i], edges[i+1]), the last one closed. */
      edges: number[];
      reference: number[];
      current: number[];
    }
  | {
      kind: 'categorical';
      /**
       * Category labels in display order (descending reference + current count). When there were more
       * than the display limit, the rest is summed in a last bin labelled by `otherLabel`.
       */
      categories: string[];
      reference: number[];
      current: number[];
      /** Number of categories folded into the last bin; 0 when every category has its own bin. */
      folded: number;
      /** Label of the folded bin (present when `folded > 0`), e.g. `(1,234 other)`. */
      otherLabel?: string;
    };

/** The verdict on one column. */
export interface ColumnDrift {
  name: string;
  type: ColumnType;
  method: DriftMethod;
  scoreKind: ScoreKind;
  /** Where `method` came from, and `threshold`'s source. */
  methodSource: RuleSource;
  thresholdSource: RuleSource;
  /** Human-readable reason for the method, e.g. "reference has 366 rows (≤ 1000) and 112 unique values". */
  reason: string;
  /**
   * The method's statistic: KS D, chi-squared, Z, the normed Wasserstein distance, the JS distance or PSI.
   * `null` when not finite (e.g. chi-squared with a current category absent from the reference is +∞).
   */
  statistic: number | null;
  /** For `p_value` methods. */
  pValue?: number;
  /** For `distance` methods (equal to `statistic`). */
  distance?: number;
  /** Degrees of freedom (chi-squared only). */
  dof?: number;
  threshold: number;
  drifted: boolean;
  /** Share of missing values in reference and current, in [0, 1]. */
  missingShare: { reference: number; current: number };
  reference: ColumnSummary;
  current: ColumnSummary;
  histogram: SharedHistogram;
  /** PSI of the shared bins (reported for every column, whatever the method). `null` if not computable. */
  psi: number | null;
  /**
   * `unix-ms` when the column's numbers are instants in Unix milliseconds (a datetime column tested as
   * numbers, or ISO dates read as numbers under a `numerical` override): summaries and bin edges are
   * then in ms, and reports show them as dates (and `std` as a span of time).
   */
  valueUnit?: 'unix-ms';
  /** Set when something about the result deserves a word, e.g. "all values missing in current". */
  note?: string;
}

/** A column present in the data but not tested, and why (e.g. text, or no values in one dataset). */
export interface SkippedColumn {
  name: string;
  type: ColumnType;
  reason: string;
}

/** Sampling applied to one input: seeded uniform sample without replacement, order preserved. */
export interface SamplingInfo {
  /** Whether rows were dropped. */
  applied: boolean;
  /** Row limit above which sampling happens; `null` when sampling is off. */
  maxRows: number | null;
  seed: number;
  /** Rows read from the file. */
  rowsBefore: number;
  /** Rows used. */
  rowsAfter: number;
}

/** One input file. */
export interface DriftInput {
  /** Path as given (relative to the workspace or cwd), for display. */
  file: string;
  format: 'csv' | 'tsv' | 'jsonl' | 'parquet' | 'arrow';
  /** Rows used (after sampling). */
  rows: number;
  /** Columns in the file. */
  columns: number;
  sampling: SamplingInfo;
}

/** Per-column override of the rules. */
export interface ColumnRule {
  method?: DriftMethod;
  threshold?: number;
  type?: ColumnType;
}

/** Options of a drift computation, after merging `xlens.yaml` and CLI flags (all optional fields resolved). */
export interface DriftOptions {
  /** Columns to test (default: every column in both files). */
  columns?: string[];
  /** Global method for every column (overrides the default table). */
  method?: DriftMethod;
  /** Global threshold (overrides the method's default). */
  threshold?: number;
  /** Per-column overrides, keyed by column name. */
  perColumn: Record<string, ColumnRule>;
  /** Dataset drift when drifted/tested ≥ this share. Default 0.5. */
  driftShare: number;
  /** Reference row count at or below which the small-sample tests (KS, chi-squared, Z) apply. Default 1000. */
  smallSampleRows: number;
  /** Sample each input to at most this many rows; `null` for no sampling. */
  maxRows: number | null;
  /** Seed of the sampler. */
  seed: number;
}

/** The dataset-level verdict. */
export interface DatasetDrift {
  /** Columns tested (excluding skipped ones). */
  columns: number;
  drifted: number;
  /** drifted / columns, 0 when no column was tested. */
  share: number;
  /** The drift-share threshold used. */
  threshold: number;
  /** The verdict: `share >= threshold` and at least one column tested. */
  driftDetected: boolean;
}

/** The whole report. */
export interface DriftReport {
  /** Format version; bump on incompatible changes. */
  schema: 1;
  /** ISO 8601 UTC. */
  createdAt: string;
  /** Wall time of load + tests in ms. */
  durationMs: number;
  inputs: { reference: DriftInput; current: DriftInput };
  dataset: DatasetDrift;
  /** Tested columns, in reference file order. */
  columns: ColumnDrift[];
  skipped: SkippedColumn[];
  options: DriftOptions;
}
