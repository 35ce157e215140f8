/**
 * One tag's state within a TensorBoard run while its events are decoded: the plugin its metadata
 * named, its layout for the decoder's fast path, and the points decoded since the reader last
 * collected them, held as typed-array columns (no object per point).
 */
import type { EventLayout } from './eventLayout';

/** One tag's state within a run. */
export interface TagSeries {
  readonly name: string;
  /** Plugin named by the tag's metadata ('' until one is seen). */
  plugin: string;
  /** `plugin === 'scalars'`, kept as a flag for the per-point path. */
  scalars: boolean;
  /** Layout of the tag's last single-value event, for the fast path (null until one is seen). */
  layout: EventLayout | null;
  /** Full decodes of same-length events that did not match {@link layout}. */
  layoutMisses: number;
  /**
   * Points decoded since the reader last collected them, columnar: entries `[0, count)` of
   * `steps`, `values` and `times` (wall time, Unix ms). The arrays grow by doubling; the reader
   * hands them out on collection and gives the tag fresh ones.
   */
  steps: Float64Array;
  values: Float64Array;
  times: Float64Array;
  count: number;
  /** Points dropped since the last collection (negative step). */
  dropped: number;
  /** Step of the first dropped point since the last collection. */
  firstDroppedStep: number;
}

/** Capacity of a new tag's columns. */
export const INITIAL_COLUMN_LENGTH = 256;

/** Fresh, empty columns of capacity `length`. */
export function emptyColumns(length: number): Pick<TagSeries, 'steps' | 'values' | 'times' | 'count'> {
  return {
    steps: new Float64Array(length),
    values: new Float64Array(length),
    times: new Float64Array(length),
    count: 0,
  };
}

/** A new tag's state: no plugin, no layout, empty columns. */
export function newTagSeries(name: string): TagSeries {
  return {
    name,
    plugin: '',
    scalars: false,
    layout: null,
    layoutMisses: 0,
    ...emptyColumns(INITIAL_COLUMN_LENGTH),
    dropped: 0,
    firstDroppedStep: 0,
  };
}

/** Doubles the capacity of a tag's columns, keeping their points. */
export function growColumns(series: TagSeries): void {
  const length = series.steps.length * 2;
  const steps = new Float64Array(length);
  const values = new Float64Array(length);
  const times = new Float64Array(length);
  steps.set(series.steps);
  values.set(series.values);
  times.set(series.times);
  series.steps = steps;
  series.values = values;
  series.times = times;
}
