/**
 * Protocol of the drift report webview (`webviews/drift`): one name → payload map per direction and the
 * view model it carries. Types plus a tiny validator only; the browser bundle and the extension host share
 * this file.
 *
 * Sequence: the view posts `webview/ready` (also after every re-creation of its document); the host answers
 * with `drift/snapshot`, the whole report. A drift report does not change once computed, so there are no
 * updates; the view reports `drift/rendered` when its charts are drawn.
 *
 * The model holds aggregates only (summaries, shared-bin histograms as chart data), never rows of the data.
 * Every string in it (column names, categories, file names) is data: the view sets it as text, never as
 * markup.
 */
import type { ChartModel } from './charts';
import {
  parseViewMessageOf,
  type MessageOf,
  type PageViewMessages,
  type PayloadValidators,
} from './messages';

/** One input file as shown. */
export interface DriftViewInput {
  /** Path as given (relative to the workspace when it is inside it). */
  file: string;
  format: string;
  /** Rows used (after sampling). */
  rows: number;
  /** Columns in the file. */
  columns: number;
  /** `null` when no rows were dropped, else e.g. `sampled 200,000 of 1,021,053 rows (seed 42)`. */
  sampling: string | null;
  /** The same in words, formatted on the host. */
  text: DriftInputText;
}

/** An input's numbers in words (`src/core/drift/presentation.ts`). */
export interface DriftInputText {
  /** `1,461`. */
  rows: string;
  columns: string;
  /** `sampled 200,000 of 1,021,053 rows (seed 42)`, or `all rows`. */
  sampling: string;
}

/** The heading of the list of untested columns, on every front (the verdict's detail may name it). */
export const DRIFT_NOT_TESTED_HEADING = 'Columns not tested';

/**
 * A tested column's numbers in words, written once in core (`src/core/drift/presentation.ts`) for the
 * CLI, the HTML report and this view: the view shows these, and sorts by the numbers beside them.
 */
export interface DriftColumnText {
  /** The statistic; `∞` when it is not finite. */
  statistic: string;
  /** `p = 0.0003157` or `d = 0.31` (`d = ∞` for an infinite distance). */
  score: string;
  /** When the column drifts: `p < 0.05` or `d ≥ 0.1`. */
  threshold: string;
  /** `drift` or `no drift`. */
  verdict: string;
  /** PSI, `—` when it could not be computed. */
  psi: string;
  /** Shares of missing values: `12.5%`. */
  missingReference: string;
  missingCurrent: string;
  /** The lines under the column's chart: the test, why this method, folded categories, the note. */
  details: string[];
}

/** One line of a column's summary table: a statistic for reference and current, formatted on the host. */
export interface DriftSummaryLine {
  label: string;
  reference: string;
  current: string;
}

/** One tested column: a row of the table and the section with its distributions. */
export interface DriftViewColumn {
  /** Position in the report's columns: the chart of this column has id `drift:column:<index>`. */
  index: number;
  name: string;
  /** numerical, categorical, datetime or text. */
  type: string;
  /** ks, chisquare, z, wasserstein, jensenshannon or psi. */
  method: string;
  scoreKind: 'p_value' | 'distance';
  /** The method's statistic; null when not finite (+∞, e.g. chi-squared with a new category). */
  statistic: number | null;
  /** What is compared with the threshold: the p-value, or the distance; null when not finite (+∞). */
  score: number | null;
  threshold: number;
  drifted: boolean;
  /** Drift strength relative to the threshold (lower is stronger), for the default order. */
  strength: number;
  psi: number | null;
  /** Shares of missing values in [0, 1]. */
  missingReference: number;
  missingCurrent: number;
  /** Why this method, e.g. "numerical, reference has 366 values (≤ 1000), 245 distinct values". */
  reason: string;
  /** Where method and threshold came from: default, global or column. */
  rule: string;
  summary: DriftSummaryLine[];
  note: string | null;
  /** The numbers above in words, as shown. */
  text: DriftColumnText;
}

/** A column that was not tested, and why. */
export interface DriftViewSkipped {
  name: string;
  type: string;
  reason: string;
}

/** Where the report came from. */
export type DriftViewSource =
  { kind: 'run'; runId: string; task: string } | { kind: 'files'; reference: string; current: string };

/**
 * The dataset verdict in words, written once in core (`src/core/drift/presentation.ts`) for the CLI, the
 * HTML report and this view.
 */
export interface DriftVerdictText {
  /** `drift`, `ok`, or `not-tested` (no column could be tested, so there is no verdict). */
  kind: 'drift' | 'ok' | 'not-tested';
  /** `Dataset drift detected`, `No dataset drift` or `Not tested`. */
  headline: string;
  /** One sentence: how many tested columns drifted and the share that declares dataset drift, or why there is no verdict. */
  detail: string;
}

/** Everything the view shows; sent once per `webview/ready`. */
export interface DriftSnapshot {
  title: string;
  source: DriftViewSource;
  /** ISO 8601. */
  createdAt: string;
  durationMs: number;
  /** `computed in 4.2s`. */
  computedIn: string;
  inputs: { reference: DriftViewInput; current: DriftViewInput };
  dataset: {
    columns: number;
    drifted: number;
    /** drifted / columns. */
    share: number;
    /** The drift share at which the dataset drifts. */
    threshold: number;
    driftDetected: boolean;
  };
  /** The dataset verdict in words (the same text as the CLI and the HTML report). */
  verdict: DriftVerdictText;
  /** Tested columns, drifted first, strongest drift first within each group. */
  columns: DriftViewColumn[];
  skipped: DriftViewSkipped[];
  /** One chart per column (`drift:column:<index>`) and the score summary (`drift:summary`) when any column was tested. */
  charts: ChartModel[];
}

/** Messages from the extension host to the drift view. */
export interface DriftHostMessages {
  'drift/snapshot': DriftSnapshot;
}

/** What the view drew for a snapshot (logged by the host; tests wait for it). */
export interface DriftRendered {
  charts: number;
  /** Milliseconds from the view script's start to the charts being drawn. */
  ms: number;
}

/** Messages from the drift view to the extension host. */
export interface DriftViewMessages extends PageViewMessages {
  /** The charts of the snapshot are drawn. */
  'drift/rendered': DriftRendered;
}

export type DriftHostMessage = MessageOf<DriftHostMessages>;
export type DriftViewMessage = MessageOf<DriftViewMessages>;

/**
 * The validators of the drift view's own messages, one per type of {@link DriftViewMessages} (the page
 * messages are checked in `messages.ts`): a new message type does not compile until it is validated here.
 */
const driftValidators: PayloadValidators<Omit<DriftViewMessages, keyof PageViewMessages>> = {
  'drift/rendered': (p) => {
    const { charts, ms } = p;
    const ok = [charts, ms].every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0);
    return ok
      ? { charts: charts as number, ms: ms as number }
      : '"drift/rendered" needs numbers charts and ms >= 0';
  },
};

/**
 * Validates a message received from the (untrusted) view: the typed message, or a string saying what is
 * wrong with it.
 */
export function parseDriftViewMessage(value: unknown): DriftViewMessage | string {
  return parseViewMessageOf<DriftViewMessages>(value, driftValidators);
}
