/**
 * The monitor report: per time window of a predictions file, the evaluation metrics (`core/eval`) and
 * the drift of the feature columns against a reference (`core/drift`), with the windows where a check
 * fails. `xlens monitor --json`, a `kind: monitor` run's `artifacts/monitor.json`, the HTML report and
 * the dashboard read this shape. Every number is finite (undefined values are left out of `metrics`).
 */
import type { ColumnChoice } from '../eval/columnChoice';
import type { DriftMethod } from '../drift/types';

/** One feature column's drift in one window. */
export interface MonitorColumnDrift {
  name: string;
  method: DriftMethod;
  /** The method's statistic; null when not finite. */
  statistic: number | null;
  pValue?: number;
  threshold: number;
  drifted: boolean;
}

/** One window's results. */
export interface MonitorWindowResult {
  /** 0-based; the `step` of the recorded series. */
  index: number;
  /** `2015-03`, `2015-03-02`, `rows 1–500`. */
  label: string;
  /** Window start and end (ISO 8601, UTC); end is exclusive for calendar windows. */
  start: string;
  end: string;
  rows: number;
  /**
   * `monitor/<metric>` (the `eval/*` names with the `monitor/` prefix), `monitor/drift_share` and
   * `monitor/rows`, keyed by name (null-prototype object).
   */
  metrics: Record<string, number>;
  /** Drift against the reference; null when the window has no rows or no column could be tested. */
  drift: { tested: number; drifted: number; share: number; columns: MonitorColumnDrift[] } | null;
  /** Texts of the checks this window fails. */
  failedChecks: string[];
  /** What deserves a word about this window (no rows, few rows, a class absent, not evaluated). */
  warnings: string[];
  /**
   * The evaluation's notes on this window (scikit-learn's warnings: ill-defined precision, ROC AUC of a
   * class absent here, ...), as `<metric>: <message>`; kept in the report, not printed per window.
   */
  notes: string[];
}

/** A check over the windows, and the sentence that says where it failed. */
export interface MonitorCheck {
  /** As written, e.g. `monitor/f1_macro >= 0.8`. */
  check: string;
  metric: string;
  op: string;
  threshold: number;
  /** Indices of the windows that fail it. */
  failedWindows: number[];
  /** `F1 (macro) fell below 0.8 from 2015-03`; undefined when no window fails. */
  sentence?: string;
}

/** The whole report. */
export interface MonitorReport {
  schema: 1;
  createdAt: string;
  /** The predictions file as named by the user. */
  file: string;
  rows: number;
  time: string;
  /** The window as written (`1mo`, `500`). */
  window: string;
  windowKind: 'calendar' | 'rows';
  /** The reference of the drift: a file, or a window or span of the predictions file. */
  reference: { kind: 'file' | 'window' | 'range'; name: string; rows: number };
  problem: 'classification' | 'regression';
  columns: ColumnChoice;
  /** The share of drifted columns at which a window counts as drifted (the drift options' `drift_share`). */
  driftShare: number;
  /** Feature columns tested for drift. */
  features: string[];
  /** Metric names recorded in at least one window, in a stable order. */
  metricNames: string[];
  windows: MonitorWindowResult[];
  checks: MonitorCheck[];
  /** Choices made for the user. */
  said: string[];
  /** Problems with the whole input (naming file, row and column). */
  warnings: string[];
}
