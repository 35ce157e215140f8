/**
 * Protocol of the run dashboard webview (`webviews/dashboard`): one name → payload map per direction
 * and the view models it carries. Types plus tiny validators only; no imports beyond the shared
 * envelope, so the browser bundle and the extension host share this file.
 *
 * Sequence: the view posts `webview/ready` (also after every re-creation, e.g. when a hidden panel is
 * shown again); the host answers with `dashboard/snapshot` (the whole state), then sends
 * `dashboard/update` messages with what changed since.
 */
import type { ChartModel, ChartRow } from './charts';
import {
  parseViewMessageOf,
  type MessageOf,
  type PageViewMessages,
  type PayloadValidators,
} from './messages';

/**
 * Status of the run as shown: the run store's statuses, `missing` when the run folder (or the imported
 * run) vanished, `imported` for a run of another tool's logs that records no status (TensorBoard, CSV).
 */
export type DashboardRunStatus =
  'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'missing' | 'imported';

/** Where a run read from another tool's logs (TensorBoard, MLflow, DVCLive, CSV) came from. */
export interface DashboardImportedSource {
  /** The source format: `tensorboard`, `mlflow`, `dvclive`, `keras-csv`, `lightning-csv`, `jsonl`. */
  format: string;
  /** Absolute path of the source (log folder, store or file). */
  path: string;
  /** The source relative to the workspace root, `/`-separated. */
  relativePath: string;
  /** Id of the run within its source, as its reader gives it (`.` for a TensorBoard run folder). */
  sourceRunId: string;
  /** Experiment or group name, where the source has one. */
  experiment: string | null;
}

/** The header line of the dashboard. Times are ISO 8601; durations are ms. */
export interface DashboardHeader {
  runId: string;
  task: string;
  /** Task kind: `command`, `tfjs-train`, `tfjs-eval` or `drift`. */
  kind: string;
  status: DashboardRunStatus;
  /** Full HEAD commit SHA at start, or null outside git. */
  commit: string | null;
  /** Subject line of that commit, when known. */
  subject: string | null;
  branch: string | null;
  dirty: boolean;
  /** Snapshot commit of a dirty tree, or null. */
  snapshot: string | null;
  /** Why git fields are empty, e.g. "not a git repository". */
  gitNote: string | null;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  /** Final duration, or for a running run the time since start when the header was built. */
  durationMs: number | null;
  /** Training backend recorded by the task (`info.backend`, e.g. `wasm`), or null. */
  backend: string | null;
  exitCode: number | null;
  /** Reason for `failed`/`cancelled`, when recorded. */
  error: string | null;
  command: string;
  /** Current step of the run (highest step seen in its metrics), or null before the first line. */
  lastStep: number | null;
  /** For a run read from another tool's logs, where it came from; null for the workspace's own runs. */
  imported: DashboardImportedSource | null;
  /** The run's checks as evaluated when it ended (README, Checks); empty when none or not ended yet. */
  checks: DashboardCheck[];
}

/** One check of a run (`checks:` in xlens.yaml) and its outcome. */
export interface DashboardCheck {
  /** The check as written, e.g. `eval/roc_auc >= 0.9`. */
  check: string;
  passed: boolean;
  /** For a passed check the value found (and the baseline's); for a failed one, why. */
  detail: string;
}

/** One row of the params table; values rendered as text (`null` as an empty cell). */
export interface DashboardParam {
  name: string;
  value: string | number | boolean | null;
}

/** How much of one metric the charts show. */
export interface DashboardSeriesInfo {
  /** Metric name as logged, e.g. `val_loss`. */
  name: string;
  /** Points recorded for this metric. */
  total: number;
  /** Points sent to the view: `total`, or at most {@link MAX_POINTS_PER_SERIES} after LTTB downsampling. */
  shown: number;
}

/**
 * A metric recorded once (e.g. `eval/precision_macro` written at the end of a run), shown as a small
 * card instead of a chart of one dot. A metric that shares a chart with a curve (`eval/accuracy` next to
 * `accuracy`) stays in that chart.
 */
export interface DashboardResult {
  /** Metric name as logged. */
  name: string;
  value: number;
  /** Step the value was recorded at. */
  step: number;
}

/** New rows for one dataset of a chart already shown; they replace the dataset's rows. */
export interface DashboardChartData {
  chartId: string;
  dataset: string;
  rows: ChartRow[];
}

/**
 * Result charts a run keeps as artifacts, built in core (`core/report/artifactSections.ts`): the
 * evaluation of a `kind: eval` run (ROC, precision–recall, calibration, confusion matrix) or the series
 * of a `kind: monitor` run over time (with the sentences of failed checks). Sent once the run has ended.
 */
export interface DashboardReportSection {
  /** `evaluation` or `monitor`. */
  id: string;
  title: string;
  /** Sentences shown above the charts. */
  lines: string[];
  charts: ChartModel[];
}

/** The end of `output.log`. */
export interface DashboardLogTail {
  lines: string[];
  /** True when earlier lines exist that are not shown. */
  truncated: boolean;
}

/** Everything the view shows; sent once per `webview/ready`. */
export interface DashboardSnapshot {
  header: DashboardHeader;
  params: DashboardParam[];
  /**
   * One chart per metric group (a metric with its train/validation partners), built by core's
   * `metricCharts`; every series in `data` has at most {@link MAX_POINTS_PER_SERIES} points.
   */
  charts: ChartModel[];
  /** Metrics with one point and no curve to share a chart with, in series order (see {@link DashboardResult}). */
  results: DashboardResult[];
  series: DashboardSeriesInfo[];
  log: DashboardLogTail;
  /** Problems met while reading the run (bad metric lines etc.), each naming file and line. */
  warnings: string[];
  /** Result charts from the run's artifacts (empty while it runs, or when it keeps none). */
  reports: DashboardReportSection[];
}

/** A change since the last message; absent fields are unchanged. */
export interface DashboardUpdate {
  header?: DashboardHeader;
  params?: DashboardParam[];
  /** Charts added or whose spec changed (a new member in a group); replace the chart of the same id. */
  charts?: ChartModel[];
  /** New rows of charts whose spec did not change. */
  data?: DashboardChartData[];
  /**
   * The whole list of result cards, sent when it changed (a metric recorded once appeared, or got a
   * second point and moved to a chart in `charts`).
   */
  results?: DashboardResult[];
  /** Point counts of the metrics that changed. */
  series?: DashboardSeriesInfo[];
  /** Lines appended to the log tail; the view keeps the last {@link LOG_TAIL_LINES}. */
  logAppend?: string[];
  /** True when the metrics file was rewritten: drop every chart not in `charts`. */
  reset?: boolean;
  /** New problems met while reading. */
  warnings?: string[];
  /** The whole list of result sections, sent when it changed (the run ended). */
  reports?: DashboardReportSection[];
}

/** Messages from the extension host to the dashboard view. */
export interface DashboardHostMessages {
  'dashboard/snapshot': DashboardSnapshot;
  'dashboard/update': DashboardUpdate;
}

/** Messages from the dashboard view to the extension host. */
export interface DashboardViewMessages extends PageViewMessages {
  /** The user asked to see the full output of the run. */
  'dashboard/showOutput': { runId: string };
  /** The charts of a snapshot are drawn: how many, the most points of one series, ms since the script started. */
  'dashboard/rendered': DashboardRendered;
}

/** What the view drew for a snapshot (logged by the host; the editor tests wait for it). */
export interface DashboardRendered {
  charts: number;
  /** Largest number of points of one series the view holds. */
  maxPoints: number;
  /** Milliseconds from the view script's start to the charts being drawn. */
  ms: number;
}

export type DashboardHostMessage = MessageOf<DashboardHostMessages>;
export type DashboardViewMessage = MessageOf<DashboardViewMessages>;

/** Most points sent per series; longer series are downsampled (LTTB) on the host. */
export const MAX_POINTS_PER_SERIES = 2000;

/** Lines of `output.log` kept in the view. */
export const LOG_TAIL_LINES = 200;

/** Longest `webview/error` message accepted from the view, in characters (the same for every view). */
export { MAX_VIEW_ERROR_LENGTH } from './messages';

/**
 * The validators of the dashboard's own messages, one per type of {@link DashboardViewMessages} (the page
 * messages are checked in `messages.ts`): a new message type does not compile until it is validated here.
 */
const dashboardValidators: PayloadValidators<Omit<DashboardViewMessages, keyof PageViewMessages>> = {
  'dashboard/showOutput': (p) =>
    typeof p.runId === 'string' && /^[\w.-]{1,100}$/.test(p.runId)
      ? { runId: p.runId }
      : `"dashboard/showOutput" needs payload.runId, a run id`,
  'dashboard/rendered': (p) => {
    const { charts, maxPoints, ms } = p;
    const ok = [charts, maxPoints, ms].every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0);
    return ok
      ? { charts: charts as number, maxPoints: maxPoints as number, ms: ms as number }
      : `"dashboard/rendered" needs numbers charts, maxPoints and ms >= 0`;
  },
};

/**
 * Validates a message received from the (untrusted) view. Returns the typed message, or a string
 * saying what is wrong with it.
 */
export function parseDashboardViewMessage(value: unknown): DashboardViewMessage | string {
  return parseViewMessageOf<DashboardViewMessages>(value, dashboardValidators);
}
