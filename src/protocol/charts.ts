/**
 * A chart as the host sends it to a browser view (run dashboard, drift view, standalone HTML report):
 * a vega-lite spec built in `src/core/charts/` plus the named datasets it reads. The spec never embeds
 * its rows, so a view can swap or extend a dataset (live metrics) without rebuilding the spec.
 * Types only; the browser side renders it with `webviews/shared/chart.ts`.
 */
import type { TopLevelSpec } from 'vega-lite';

/** One row of a chart dataset: flat fields only (numbers, strings, booleans, null). */
export type ChartRow = Record<string, string | number | boolean | null>;

/** A chart ready to render. */
export interface ChartModel {
  /** Unique within a page or view, stable across updates (e.g. `metric:loss`, `drift:column:3`). */
  id: string;
  /** Human-readable title (also the spec's title); plain text, not HTML. */
  title: string;
  /** vega-lite spec without colours of its own: the view passes a theme config when it renders. */
  spec: TopLevelSpec;
  /** Named datasets the spec reads with `data: { name }`, each a list of rows. */
  data: Record<string, ChartRow[]>;
}
