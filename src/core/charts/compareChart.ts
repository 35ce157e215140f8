/**
 * The compare view's chart of one metric across any number of runs (or groups of runs): per run a
 * min–max band (the downsampled buckets' extremes, so spikes stay visible), the smoothed line, and the
 * raw line faded behind it when smoothed; x as step, time since the run's first point, or wall time;
 * linear or log y; a y range that can leave outliers out; hovering a line or its legend entry
 * highlights that run.
 */
import type { TopLevelSpec } from 'vega-lite';
import { columnRows, type ChartColumns, type ChartModel, type ChartRow } from '../../protocol/charts';
import { MetricColumns, type SeriesInput } from '../metrics/metricColumns';
import type { MetricPoint } from '../metrics/series';
import { VEGA_LITE_SCHEMA } from './lineChart';
import { clippedDomain, minMaxBuckets, smoothEma, type BandPoint } from './seriesTransforms';
import { vegaText } from './vegaText';
import { dict } from '../../shared/dict';

/**
 * `count` distinct colours, one per compared run, the same in every chart of the view (hues spaced by
 * the golden angle from blue, at a saturation and lightness readable on light and dark themes), so the
 * view's one legend names every run however many there are.
 * @returns CSS `hsl()` colours.
 */
export function runColors(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `hsl(${Math.round((210 + i * 137.508) % 360)}, 65%, 52%)`);
}

/** The vega-lite parameter a view sets to a series label to highlight that series (null: none). */
export const FOCUS_PARAM = 'focus';

/** Name of the compare chart's dataset; rows are {@link CompareRow}s. */
export const COMPARE_DATASET = 'runs';

/** What the x axis shows. */
export type CompareXAxis = 'step' | 'relative' | 'wall';

/** Options of {@link compareChart}. */
export interface CompareChartOptions {
  id: string;
  /** x: step (default), seconds since the series' first point, or wall-clock time. */
  x?: CompareXAxis;
  /** y scale (default linear). On a log scale values ≤ 0 are left out and counted in `omitted`. */
  yScale?: 'linear' | 'log';
  /** Smoothing weight in [0, 1) (TensorBoard's debiased EMA); 0 (default) draws the raw values. */
  smoothing?: number;
  /** Leave values outside the 5th–95th percentile out of the y range (default false). */
  clipOutliers?: boolean;
  /** Buckets (points) per series after downsampling (default 2000). */
  maxPoints?: number;
  height?: number;
  /** A colour per series, in the series' order (default {@link runColors}). */
  colors?: readonly string[];
}

/** A row of the compare dataset: one bucket of one series. */
export interface CompareRow extends ChartRow {
  /** Step, seconds since the first point, or Unix ms, by the x option. */
  x: number;
  /** The drawn (smoothed when smoothing) value. */
  value: number;
  /** The unsmoothed bucket mean. */
  raw: number;
  min: number;
  max: number;
  series: string;
  step: number;
}

/**
 * The compare dataset column by column, as the host sends it (a 100-run chart has 20,000 rows): each
 * run's label once, `x` only where it is not the step, `raw` only where it is not the drawn value.
 */
class CompareColumns {
  private readonly numbers = {
    x: [] as number[],
    value: [] as number[],
    raw: [] as number[],
    min: [] as number[],
    max: [] as number[],
    step: [] as number[],
  };
  private readonly series: [string, number][] = [];
  private xIsStep = true;
  private rawIsValue = true;

  push(label: string, x: number, value: number, band: BandPoint): void {
    const n = this.numbers;
    n.x.push(x);
    n.value.push(value);
    n.raw.push(band.value);
    n.min.push(band.min);
    n.max.push(band.max);
    n.step.push(band.step);
    this.xIsStep &&= x === band.step;
    this.rawIsValue &&= Object.is(value, band.value);
    const last = this.series[this.series.length - 1];
    if (last?.[0] === label) {
      last[1]++;
    } else {
      this.series.push([label, 1]);
    }
  }

  done(): ChartColumns {
    const { x, raw, ...always } = this.numbers;
    const same: Record<string, string> = dict();
    const numbers: Record<string, number[]> = dict();
    Object.assign(numbers, always);
    if (this.xIsStep) {
      same.x = 'step';
    } else {
      numbers.x = x;
    }
    if (this.rawIsValue) {
      same.raw = 'value';
    } else {
      numbers.raw = raw;
    }
    const texts: Record<string, [string, number][]> = dict();
    texts.series = this.series;
    return { length: always.value.length, numbers, texts, same };
  }
}

/** The rows of a chart built by {@link compareChart} (its dataset decoded from columns). */
export function compareRows(model: ChartModel): CompareRow[] {
  const columns = model.columns?.[COMPARE_DATASET];
  return (columns ? columnRows(columns) : (model.data[COMPARE_DATASET] ?? [])) as CompareRow[];
}

/** One line of the chart: a run, or a group of runs. */
export interface CompareSeries {
  /** Legend label, unique in the chart; plain text. */
  label: string;
  /** The run's points in step order, as objects or columns (ignored when `bands` is given). */
  points: SeriesInput;
  /** Already downsampled bands, e.g. a group's mean and min–max across its runs (`groupBands`). */
  bands?: readonly BandPoint[];
}

/** What {@link compareChart} returns beside the model: what it left out, for the view to say. */
export interface CompareChartResult {
  model: ChartModel;
  /** Values left out (≤ 0 on a log scale), per series label. */
  omitted: Map<string, number>;
  /** Series without wall times when x is `relative` or `wall` (drawn by step instead). */
  untimed: string[];
}

function xOf(band: BandPoint, axis: CompareXAxis, start: number | undefined): number | undefined {
  if (axis === 'step') {
    return band.step;
  }
  if (band.time === undefined || start === undefined) {
    return undefined;
  }
  return axis === 'wall' ? band.time : (band.time - start) / 1000;
}

/** The points of `series` whose value is > 0 (what a log scale draws), in the same form. */
function positive(series: SeriesInput): SeriesInput {
  return series instanceof MetricColumns ? series.positive() : series.filter((p) => p.value > 0);
}

/** The first wall time of `series` (Unix ms); columns have none. */
function firstTime(series: SeriesInput): number | undefined {
  return series instanceof MetricColumns ? undefined : series.find((p) => p.time !== undefined)?.time;
}

/**
 * Builds the chart of `metric` for `series`.
 * @throws Error when two series share a label (the legend needs unique labels).
 */
export function compareChart(
  metric: string,
  series: readonly CompareSeries[],
  options: CompareChartOptions,
): CompareChartResult {
  const labels = series.map((s) => s.label);
  if (new Set(labels).size !== labels.length) {
    throw new Error(`compareChart ${options.id}: series labels must be unique`);
  }
  const axis = options.x ?? 'step';
  const log = options.yScale === 'log';
  const smoothing = options.smoothing ?? 0;
  const columns = new CompareColumns();
  const omitted = new Map<string, number>();
  const untimed: string[] = [];
  const drawn: MetricPoint[][] = [];
  for (const s of series) {
    const given = s.bands ?? s.points;
    const usable = log ? positive(s.points) : s.points;
    const bands = s.bands
      ? log
        ? s.bands.filter((b) => b.min > 0)
        : s.bands
      : minMaxBuckets(usable, options.maxPoints ?? 2000);
    const kept = s.bands ? bands.length : usable.length;
    if (kept < given.length) {
      omitted.set(s.label, given.length - kept);
    }
    const smoothed = smoothEma(bands, smoothing);
    const timed = axis !== 'step' && bands.length > 0 && bands.every((b) => b.time !== undefined);
    if (axis !== 'step' && bands.length > 0 && !timed) {
      untimed.push(s.label);
    }
    // Looked up only for a time axis (a series without times would be scanned to its end).
    const start = timed ? firstTime(usable) : undefined;
    bands.forEach((band, i) => {
      const x = timed ? xOf(band, axis, start) : band.step;
      if (x !== undefined) {
        columns.push(s.label, x, smoothed[i].value, band);
      }
    });
    drawn.push(bands.map((b) => ({ step: b.step, value: b.value })));
  }
  const domain = options.clipOutliers === true ? clippedDomain(drawn) : undefined;
  const xTitle =
    axis === 'step' || untimed.length === series.length
      ? 'step'
      : axis === 'wall'
        ? 'time'
        : 'seconds since start';
  const xType = axis === 'wall' && untimed.length < series.length ? 'temporal' : 'quantitative';
  const scale = { ...(log ? { type: 'log' as const } : { zero: false }), ...(domain ? { domain } : {}) };
  // One legend for the whole view (the view draws it with these colours): none per chart.
  const color = {
    field: 'series',
    type: 'nominal' as const,
    scale: { domain: labels, range: options.colors ?? runColors(labels.length) },
    legend: null,
  };
  // Shown at full strength: the hovered line's series and the series focused from the view's legend.
  const highlight = {
    test: {
      and: [
        { param: 'highlight', empty: true },
        `${FOCUS_PARAM} === null || datum.series === ${FOCUS_PARAM}`,
      ],
    },
  };
  const tooltip = [
    { field: 'series', type: 'nominal' as const, title: 'run' },
    { field: 'step', type: 'quantitative' as const, title: 'step' },
    { field: 'value', type: 'quantitative' as const, title: vegaText(metric), format: '.6~g' },
    { field: 'min', type: 'quantitative' as const, title: 'min', format: '.6~g' },
    { field: 'max', type: 'quantitative' as const, title: 'max', format: '.6~g' },
  ];
  // A run with one point (a final evaluation metric) has no line: it is drawn as a dot. Whole, even at the
  // plot's edge (a run's last step, the best value); cut there only when outliers are clipped off the y range.
  const dots = drawn.some((d) => d.length === 1)
    ? [
        {
          transform: [
            { joinaggregate: [{ op: 'count' as const, as: 'points' }], groupby: ['series'] },
            { filter: 'datum.points === 1' },
          ],
          mark: { type: 'point' as const, filled: true, size: 48, clip: domain !== undefined },
          encoding: {
            y: { field: 'value', type: 'quantitative' as const, scale },
            opacity: { condition: { ...highlight, value: 1 }, value: 0.15 },
            tooltip,
          },
        },
      ]
    : [];
  // The bands and lines carry no per-point ARIA description (a sentence formatted for every one of
  // thousands of rows, which a screen reader never reads out of a path): the figure is labelled by its
  // metric, and the tooltip gives the values.
  const spec: TopLevelSpec = {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: vegaText(metric), anchor: 'start' },
    width: 'container',
    height: options.height ?? 240,
    autosize: { type: 'fit-x', contains: 'padding' },
    // The host sends numbers: no per-row parsing (each row would go through the expression interpreter).
    data: { name: COMPARE_DATASET, format: { parse: null } },
    params: [{ name: FOCUS_PARAM, value: null }],
    encoding: {
      x: {
        field: 'x',
        type: xType,
        title: xTitle,
        ...(xType === 'quantitative' && axis === 'step' ? { axis: { format: ',d', tickMinStep: 1 } } : {}),
      },
      color,
    },
    layer: [
      {
        mark: { type: 'area', clip: true, aria: false },
        encoding: {
          y: { field: 'min', type: 'quantitative', scale, title: vegaText(metric) },
          y2: { field: 'max' },
          opacity: { condition: { ...highlight, value: 0.14 }, value: 0.03 },
        },
      },
      ...(smoothing > 0
        ? [
            {
              mark: { type: 'line' as const, strokeWidth: 1, clip: true, aria: false },
              encoding: {
                y: { field: 'raw', type: 'quantitative' as const, scale },
                opacity: { condition: { ...highlight, value: 0.25 }, value: 0.05 },
              },
            },
          ]
        : []),
      {
        mark: { type: 'line', strokeWidth: 1.75, clip: true, aria: false },
        params: [
          {
            name: 'highlight',
            select: { type: 'point', fields: ['series'], on: 'pointerover', clear: 'pointerout' },
          },
        ],
        encoding: {
          y: { field: 'value', type: 'quantitative', scale },
          opacity: { condition: { ...highlight, value: 1 }, value: 0.15 },
          // A line is picked as a whole (vega hands its first point to the tooltip), so its tooltip
          // names the run only: values per point would show the first step's wherever the pointer is,
          // and would be formatted for each of the chart's thousands of rows.
          tooltip: { field: 'series', type: 'nominal' as const, title: 'run' },
        },
      },
      ...dots,
    ],
  };
  return {
    model: { id: options.id, title: metric, spec, data: {}, columns: { [COMPARE_DATASET]: columns.done() } },
    omitted,
    untimed,
  };
}
