/**
 * A metric series stored as columns: one growable `Float64Array` of steps and one of values (16 bytes
 * a point, against about 66 for a `{step, value}` object in a JavaScript array), as a followed run
 * keeps its series. A run of 4 metrics × 100,000 steps holds 6.4 MB in buffers the garbage collector
 * never walks, instead of 400,000 objects it walks on every full collection (100 such runs opened in
 * the compare view were 2.6 GB of objects).
 *
 * Consumers that draw downsampled series (the compare view's min–max buckets, `seriesTransforms.ts`)
 * read the columns directly; consumers that want point objects call {@link MetricColumns.points},
 * built on first use and extended when points were appended since.
 */
import type { MetricPoint } from './series';

/** Capacity of a new column, in points. */
const INITIAL_CAPACITY = 16;

/** An append-only metric series as columns (no wall times: the run follower keeps none). */
export class MetricColumns {
  private stepColumn: Float64Array;
  private valueColumn: Float64Array;
  private size = 0;
  private ordered = true;
  private cached: MetricPoint[] | undefined;

  /** @param capacity points to make room for at once (grown by doubling afterwards). */
  constructor(capacity = INITIAL_CAPACITY) {
    this.stepColumn = new Float64Array(Math.max(1, capacity));
    this.valueColumn = new Float64Array(Math.max(1, capacity));
  }

  /** Number of points. */
  get length(): number {
    return this.size;
  }

  /**
   * The steps, in the order appended; only the first {@link length} entries are points (the rest is
   * room to grow). Do not modify; a later append may replace the array.
   */
  get steps(): Float64Array {
    return this.stepColumn;
  }

  /** The values, index for index with {@link steps}; the same rules. */
  get values(): Float64Array {
    return this.valueColumn;
  }

  /**
   * Whether every step is ≥ the one before (no step goes back, none is NaN): what a run that logs in
   * order gives, and what lets the compare view's downsampling skip the bucket index per point.
   */
  get stepsInOrder(): boolean {
    return this.ordered;
  }

  /** Appends one point (`step` an integer ≥ 0, `value` a number; neither is checked). */
  push(step: number, value: number): void {
    if (this.size === this.stepColumn.length) {
      this.resize(this.size * 2);
    }
    if (this.ordered) {
      this.ordered = this.size === 0 ? !Number.isNaN(step) : step >= this.stepColumn[this.size - 1];
    }
    this.stepColumn[this.size] = step;
    this.valueColumn[this.size] = value;
    this.size++;
  }

  /** Appends points `from` to `to` (excluded) of `source`. */
  append(source: MetricColumns, from: number, to: number): void {
    const size = this.size + (to - from);
    if (size > this.stepColumn.length) {
      this.resize(Math.max(size, this.stepColumn.length * 2));
    }
    // In order while each appended step is ≥ the one before it, here or in `source`.
    let previous = this.size === 0 ? -Infinity : this.stepColumn[this.size - 1];
    for (let i = from; this.ordered && i < to; i++) {
      const step = source.stepColumn[i];
      this.ordered = step >= previous;
      previous = step;
    }
    this.stepColumn.set(source.stepColumn.subarray(from, to), this.size);
    this.valueColumn.set(source.valueColumn.subarray(from, to), this.size);
    this.size = size;
  }

  /** Gives back room for more than a quarter again of the points (left by doubling during a long read). */
  trim(): void {
    if (this.stepColumn.length > Math.max(INITIAL_CAPACITY, this.size + (this.size >> 2))) {
      this.resize(Math.max(INITIAL_CAPACITY, this.size));
    }
  }

  /**
   * The points as objects (`{step, value}`), for consumers that need them: built on the first call
   * and extended by the points appended since on later calls (the same array, grown in place, as the
   * follower's arrays were before it kept columns). Do not modify.
   */
  points(): readonly MetricPoint[] {
    const points = (this.cached ??= []);
    for (let i = points.length; i < this.size; i++) {
      points.push({ step: this.stepColumn[i], value: this.valueColumn[i] });
    }
    return points;
  }

  /** A new series of the points whose value is > 0 (what a log scale can draw). */
  positive(): MetricColumns {
    const kept = new MetricColumns(this.size);
    for (let i = 0; i < this.size; i++) {
      if (this.valueColumn[i] > 0) {
        kept.push(this.stepColumn[i], this.valueColumn[i]);
      }
    }
    return kept;
  }

  /** Columns of `points` (their times are not kept). */
  static from(points: readonly MetricPoint[]): MetricColumns {
    const columns = new MetricColumns(points.length);
    for (const p of points) {
      columns.push(p.step, p.value);
    }
    return columns;
  }

  private resize(capacity: number): void {
    const steps = new Float64Array(capacity);
    const values = new Float64Array(capacity);
    steps.set(this.stepColumn.subarray(0, this.size));
    values.set(this.valueColumn.subarray(0, this.size));
    this.stepColumn = steps;
    this.valueColumn = values;
  }
}

/**
 * A series as the compare view's transforms read it: point objects (an imported run's, a test's) or
 * columns (a followed run's). Both give the same charts (a property test checks it).
 */
export type SeriesInput = readonly MetricPoint[] | MetricColumns;

/** The points of `series` as objects ({@link MetricColumns.points} for columns). */
export function seriesPoints(series: SeriesInput): readonly MetricPoint[] {
  return series instanceof MetricColumns ? series.points() : series;
}

/** Step of point `i` of `series`. */
export function stepAt(series: SeriesInput, i: number): number {
  return series instanceof MetricColumns ? series.steps[i] : series[i].step;
}

/**
 * A read-only map of metric name → points over a map of columns, building each series' points on
 * first use ({@link MetricColumns.points}): the shape the dashboard, the editor previews and the task
 * terminal read, while the compare view reads the columns.
 */
export class PointsByName implements ReadonlyMap<string, readonly MetricPoint[]> {
  constructor(private readonly columns: ReadonlyMap<string, MetricColumns>) {}

  get size(): number {
    return this.columns.size;
  }

  get(name: string): readonly MetricPoint[] | undefined {
    return this.columns.get(name)?.points();
  }

  has(name: string): boolean {
    return this.columns.has(name);
  }

  keys(): MapIterator<string> {
    return this.columns.keys();
  }

  *values(): MapIterator<readonly MetricPoint[]> {
    for (const series of this.columns.values()) {
      yield series.points();
    }
  }

  *entries(): MapIterator<[string, readonly MetricPoint[]]> {
    for (const [name, series] of this.columns) {
      yield [name, series.points()];
    }
  }

  [Symbol.iterator](): MapIterator<[string, readonly MetricPoint[]]> {
    return this.entries();
  }

  forEach(
    callback: (
      value: readonly MetricPoint[],
      key: string,
      map: ReadonlyMap<string, readonly MetricPoint[]>,
    ) => void,
    thisArg?: unknown,
  ): void {
    for (const [name, series] of this.columns) {
      callback.call(thisArg, series.points(), name, this);
    }
  }
}
