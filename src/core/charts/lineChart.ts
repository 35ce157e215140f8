/**
 * The one line-chart spec behind metric charts (train/validation overlaid) and run comparisons (one metric,
 * several runs): x = step, y = value, one coloured line per series, a hover rule with a tooltip listing
 * every series at the nearest step.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ChartModel, ChartRow } from '../../protocol/charts';
import type { MetricPoint } from '../metrics/series';
import { DEFAULT_MAX_POINTS, downsampleSeries } from './downsample';
import { vegaText } from './vegaText';

/** vega-lite schema the specs are written against (the installed major version). */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Name of the dataset of a line chart; rows are {@link LineRow}s. */
export const LINE_DATASET = 'points';

/** Series of at most this many points are drawn with a dot at each point. */
const SHOW_POINTS_UP_TO = 60;

/** A row of the line dataset. */
export interface LineRow extends ChartRow {
  step: number;
  value: number;
  /** Legend label of the series (metric name or run label). */
  series: string;
  /** `s<index>` of the series in the chart: a field name safe for the tooltip's pivot, whatever the label. */
  key: string;
}

/** One line. */
export interface LineSeries {
  /** Legend label; plain text (shown as text, never as markup). Must be unique within the chart. */
  label: string;
  points: readonly MetricPoint[];
}

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  /** Chart id, unique in a page. */
  id: string;
  title: string;
  /** Axis titles. Default x: `step`; y: the title. */
  xTitle?: string;
  yTitle?: string;
  /** Points per series above which the series is downsampled with LTTB. Default 2000. */
  maxPoints?: number;
  /** Chart height in px; the width follows the container. Default 220. */
  height?: number;
}

/**
 * Rows of a line chart's dataset, each series downsampled to at most `maxPoints` points. Hosts that stream
 * live updates rebuild these rows and swap the dataset of the rendered chart.
 */
export function lineRows(series: readonly LineSeries[], maxPoints: number = DEFAULT_MAX_POINTS): LineRow[] {
  const rows: LineRow[] = [];
  series.forEach((s, index) => {
    const key = `s${index}`;
    for (const p of downsampleSeries(s.points, maxPoints)) {
      rows.push({ step: p.step, value: p.value, series: s.label, key });
    }
  });
  return rows;
}

/**
 * Builds a line chart: layers `line` (one per series, coloured by label), `point` (the nearest step's
 * points, shown on hover) and `rule` (a vertical rule at the hovered step, tooltip with every series'
 * value there). The spec holds no colours; the view's theme config supplies them.
 */
export function lineChart(series: readonly LineSeries[], options: LineChartOptions): ChartModel {
  const labels = series.map((s) => s.label);
  if (new Set(labels).size !== labels.length) {
    throw new Error(`lineChart ${options.id}: series labels must be unique, got ${JSON.stringify(labels)}`);
  }
  const xTitle = options.xTitle ?? 'step';
  const longest = Math.max(0, ...series.map((s) => s.points.length));
  const spec: TopLevelSpec = {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: vegaText(options.title), anchor: 'start' },
    width: 'container',
    height: options.height ?? 220,
    autosize: { type: 'fit-x', contains: 'padding' },
    data: { name: LINE_DATASET },
    encoding: {
      // Steps are whole numbers: integer ticks only, never 0.5 or 40.000000.
      x: { field: 'step', type: 'quantitative', title: xTitle, axis: { format: ',d', tickMinStep: 1 } },
    },
    layer: [
      {
        // Short series (an evaluation's single value, a few epochs) also show their points.
        mark: {
          type: 'line',
          strokeWidth: 1.5,
          clip: true,
          point: longest <= SHOW_POINTS_UP_TO ? { size: 18 } : false,
        },
        encoding: {
          y: {
            field: 'value',
            type: 'quantitative',
            title: vegaText(options.yTitle ?? options.title),
            scale: { zero: false },
          },
          color: {
            field: 'series',
            type: 'nominal',
            scale: { domain: labels },
            legend: { orient: 'bottom', title: null, labelLimit: 400 },
          },
        },
      },
      {
        mark: { type: 'point', filled: true, size: 40, clip: true },
        encoding: {
          y: { field: 'value', type: 'quantitative' },
          color: { field: 'series', type: 'nominal', scale: { domain: labels } },
          opacity: { condition: { param: 'hover', empty: false, value: 1 }, value: 0 },
        },
      },
      {
        transform: [{ pivot: 'key', value: 'value', groupby: ['step'] }],
        mark: { type: 'rule', strokeWidth: 1 },
        encoding: {
          opacity: { condition: { param: 'hover', empty: false, value: 0.5 }, value: 0 },
          tooltip: [
            { field: 'step', type: 'quantitative', title: xTitle },
            ...series.map((s, index) => ({
              field: `s${index}`,
              type: 'quantitative' as const,
              title: s.label,
              format: '.6~g',
            })),
          ],
        },
        params: [
          {
            name: 'hover',
            select: {
              type: 'point',
              fields: ['step'],
              nearest: true,
              on: 'pointerover',
              clear: 'pointerout',
            },
          },
        ],
      },
    ],
  };
  return {
    id: options.id,
    title: options.title,
    spec,
    data: { [LINE_DATASET]: lineRows(series, options.maxPoints) },
  };
}
