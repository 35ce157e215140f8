/**
 * The JSON block embedded in a standalone HTML report (`<script type="application/json"
 * id="xlens-report-data">`), read by the report bundle (`webviews/report/main.ts`). The tables and text of
 * a report are static HTML; this block carries only what the script draws. Types only.
 */
import type { ChartModel } from './charts';

/** Element id of the embedded JSON block. */
export const REPORT_DATA_ELEMENT_ID = 'xlens-report-data';

/** Which report the page is. */
export type ReportKind = 'run' | 'drift' | 'compare' | 'eval' | 'monitor';

/** The embedded payload. Each chart is drawn into the element `[data-chart="<id>"]`. */
export interface ReportPayload {
  /** Format version of this payload. */
  schema: 1;
  kind: ReportKind;
  charts: ChartModel[];
}
