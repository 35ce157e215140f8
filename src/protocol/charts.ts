/**
 * A chart as the host sends it to a browser view (run dashboard, drift view, standalone HTML report):
 * a vega-lite spec built in `src/core/charts/` plus the named datasets it reads. The spec never embeds
 * its rows, so a view can swap or extend a dataset (live metrics) without rebuilding the spec.
 * Types and the decoder of column-wise datasets; the browser side renders it with
 * `webviews/shared/chart.ts`.
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
  /**
   * Named datasets sent column by column (large ones: the compare view's 20,000 rows per chart), read
   * as rows with {@link columnRows}; a name is in `data` or here, not both.
   */
  columns?: Record<string, ChartColumns>;
}

/**
 * A dataset column by column: each field's name once instead of once per row, and a text field that
 * repeats (a run's label on each of its rows) once per run of equal values. Decoded by {@link columnRows}.
 */
export interface ChartColumns {
  /** Rows in the dataset. */
  length: number;
  /** Number fields: field → one value per row (`null` where JSON has no number: NaN, ±Infinity). */
  numbers: Record<string, (number | null)[]>;
  /** Text fields: field → `[value, rows]` pairs in row order, the counts adding up to `length`. */
  texts: Record<string, [string, number][]>;
  /** Fields equal to another field on every row: field → that field (e.g. `x` → `step` on a step axis). */
  same: Record<string, string>;
}

/**
 * The rows of a column-wise dataset, fields in the order numbers, texts, same.
 * @throws Error when a column's length or a text field's counts do not add up to `length`, or a `same`
 *   field names no number or text field.
 */
export function columnRows(columns: ChartColumns): ChartRow[] {
  const { length } = columns;
  const rows: ChartRow[] = Array.from({ length }, () => Object.create(null) as ChartRow);
  for (const [field, values] of Object.entries(columns.numbers)) {
    if (values.length !== length) {
      throw new Error(`column ${field} has ${values.length} values for ${length} rows`);
    }
    for (let i = 0; i < length; i++) {
      rows[i][field] = values[i];
    }
  }
  for (const [field, runs] of Object.entries(columns.texts)) {
    let i = 0;
    for (const [value, count] of runs) {
      if (i + count > length) {
        break;
      }
      for (const end = i + count; i < end; i++) {
        rows[i][field] = value;
      }
    }
    if (i !== length) {
      throw new Error(`column ${field} covers ${i} of ${length} rows`);
    }
  }
  for (const [field, source] of Object.entries(columns.same)) {
    if (!Object.hasOwn(columns.numbers, source) && !Object.hasOwn(columns.texts, source)) {
      throw new Error(`column ${field} repeats ${source}, which the dataset does not have`);
    }
    for (const row of rows) {
      row[field] = row[source];
    }
  }
  return rows;
}
