/**
 * The compare view's charts of params against a metric, one mark per run: parallel coordinates (one
 * vertical axis per param, then the metric; each run a line across them, coloured by its metric value)
 * and a scatter of one param against the metric. Parallel coordinates follow Inselberg's construction
 * (A. Inselberg, "The plane with parallel coordinates", The Visual Computer 1, 1985), with each axis
 * scaled to its own range as MLflow's, Aim's and W&B's parallel-coordinates views do.
 *
 * Names from data (params, metrics, run labels) are values of the rows, never field names of the spec,
 * so `__proto__` or markup in a name stays text; titles go through {@link vegaText}.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ChartModel, ChartRow } from '../../protocol/charts';
import { ownValue } from '../../shared/dict';
import type { ParamValue } from '../runs/types';
import { VEGA_LITE_SCHEMA } from './lineChart';
import { vegaCategory, vegaText } from './vegaText';

/** One run as the param charts see it. */
export interface ParamChartRun {
  /** The run's label, unique among the runs (the compare view's legend label). */
  label: string;
  /** The run's params (a null-prototype dictionary or any record: only own keys are read). */
  params: Readonly<Record<string, ParamValue>>;
  /** The run's value of the chart's metric; `null` when it has none (the run is left out). */
  value: number | null;
}

/** Name of the parallel-coordinates dataset: rows `{run, axis, y, text, metric}`, one per run and axis. */
export const PARALLEL_DATASET = 'lines';
/** Name of the parallel-coordinates axes dataset: rows `{axis, top, bottom}`, the axes' range labels. */
export const PARALLEL_AXES_DATASET = 'axes';
/** Name of the scatter dataset: rows `{run, x, metric}` (x a number, or text for a categorical param). */
export const SCATTER_DATASET = 'points';

/** One axis of the parallel coordinates: its values as positions in [0, 1] and their texts. */
interface Axis {
  name: string;
  position(value: ParamValue | undefined): number | null;
  bottom: string;
  top: string;
}

function valueText(value: ParamValue | undefined): string {
  return value === undefined ? '(none)' : typeof value === 'string' ? value : JSON.stringify(value);
}

function shortNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toPrecision(4).replace(/\.?0+(e|$)/, '$1');
}

/**
 * An axis over `values`: numeric when every present value is a number (linear from min to max, or the
 * middle when all are equal), else categorical (the distinct texts sorted, spaced evenly; a run without
 * the param is the category `(none)`).
 */
function axisOf(name: string, values: readonly (ParamValue | undefined)[]): Axis {
  const present = values.filter((v) => v !== undefined);
  if (present.length > 0 && present.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    const numbers = present as number[];
    const min = Math.min(...numbers);
    const max = Math.max(...numbers);
    return {
      name,
      position: (v) => (typeof v !== 'number' ? null : max === min ? 0.5 : (v - min) / (max - min)),
      bottom: shortNumber(min),
      top: max === min ? '' : shortNumber(max),
    };
  }
  const categories = [...new Set(values.map(valueText))].sort();
  const index = new Map(categories.map((c, i) => [c, i]));
  return {
    name,
    position: (v) => {
      const i = index.get(valueText(v))!;
      return categories.length === 1 ? 0.5 : i / (categories.length - 1);
    },
    bottom: categories[0] ?? '',
    top: categories.length > 1 ? categories[categories.length - 1] : '',
  };
}

/**
 * Parallel coordinates of `params` and then `metric`: each run with a value of the metric is a line
 * through one vertical axis per param and a last axis for the metric, coloured by that value. Each axis
 * spans its own range (labels at its bottom and top); a categorical param spaces its sorted values evenly.
 * @param params the param names of the axes, in order (e.g. the params that differ among the runs).
 * @param runs the runs; those whose `value` is null are left out.
 * @returns the chart; its datasets are {@link PARALLEL_DATASET} and {@link PARALLEL_AXES_DATASET}.
 */
export function parallelCoordinatesChart(
  metric: string,
  params: readonly string[],
  runs: readonly ParamChartRun[],
  options: { id: string; height?: number },
): ChartModel {
  const drawn = runs.filter((r): r is ParamChartRun & { value: number } => r.value !== null);
  // The metric's axis is named after it; a param of the same name keeps its `params.` prefix apart.
  const metricAxis = params.includes(metric) ? `${metric} (metric)` : metric;
  const axes: Axis[] = params.map((p) =>
    axisOf(
      p,
      drawn.map((r) => ownValue(r.params, p)),
    ),
  );
  axes.push({
    ...axisOf(
      metricAxis,
      drawn.map((r) => r.value),
    ),
    position: metricPosition(drawn),
  });
  const lines: ChartRow[] = [];
  for (const run of drawn) {
    axes.forEach((axis, i) => {
      const value = i < params.length ? ownValue(run.params, params[i]) : run.value;
      const y = axis.position(value);
      if (y !== null) {
        lines.push({
          run: run.label,
          axis: vegaCategory(axis.name),
          y,
          text: valueText(value),
          metric: run.value,
        });
      }
    });
  }
  const axisRows: ChartRow[] = axes.map((a) => ({
    axis: vegaCategory(a.name),
    top: a.top,
    bottom: a.bottom,
  }));
  const domain = axes.map((a) => vegaCategory(a.name));
  const x = {
    field: 'axis',
    type: 'nominal' as const,
    scale: { domain },
    sort: null,
    axis: {
      title: null,
      orient: 'bottom' as const,
      labelAngle: 0,
      labelPadding: 16,
      domain: false,
      ticks: false,
    },
  };
  const y = { field: 'y', type: 'quantitative' as const, scale: { domain: [0, 1] }, axis: null };
  const spec: TopLevelSpec = {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: vegaText(`params → ${metric}`), anchor: 'start' },
    width: 'container',
    height: options.height ?? 260,
    autosize: { type: 'fit-x', contains: 'padding' },
    layer: [
      {
        data: { name: PARALLEL_AXES_DATASET },
        mark: { type: 'rule', color: '#888', opacity: 0.6 },
        encoding: {
          x,
          y: { datum: 0, type: 'quantitative', scale: { domain: [0, 1] }, axis: null },
          y2: { datum: 1 },
        },
      },
      {
        data: { name: PARALLEL_DATASET },
        mark: { type: 'line', strokeWidth: 1.5, opacity: 0.8 },
        encoding: {
          x,
          y,
          detail: { field: 'run', type: 'nominal' },
          color: {
            field: 'metric',
            type: 'quantitative',
            scale: { scheme: 'viridis' },
            title: vegaText(metric),
          },
          tooltip: [
            { field: 'run', type: 'nominal', title: 'run' },
            { field: 'axis', type: 'nominal', title: 'axis' },
            { field: 'text', type: 'nominal', title: 'value' },
            { field: 'metric', type: 'quantitative', title: vegaText(metric), format: '.6~g' },
          ],
        },
      },
      {
        data: { name: PARALLEL_AXES_DATASET },
        mark: { type: 'text', dy: -8, fontSize: 10 },
        encoding: {
          x,
          y: { datum: 1, type: 'quantitative', scale: { domain: [0, 1] }, axis: null },
          text: { field: 'top' },
        },
      },
      {
        data: { name: PARALLEL_AXES_DATASET },
        mark: { type: 'text', dy: 10, fontSize: 10 },
        encoding: {
          x,
          y: { datum: 0, type: 'quantitative', scale: { domain: [0, 1] }, axis: null },
          text: { field: 'bottom' },
        },
      },
    ],
  };
  return {
    id: options.id,
    title: `params → ${metric}`,
    spec,
    data: { [PARALLEL_DATASET]: lines, [PARALLEL_AXES_DATASET]: axisRows },
  };
}

function metricPosition(runs: readonly { value: number }[]): (v: ParamValue | undefined) => number | null {
  const values = runs.map((r) => r.value);
  const min = Math.min(...values);
  const max = Math.max(...values);
  return (v) => (typeof v !== 'number' ? null : max === min ? 0.5 : (v - min) / (max - min));
}

/**
 * A scatter of `param` (x) against `metric` (y), one point per run that has a value of the metric,
 * coloured as the view's legend colours the run. A numeric param is a quantitative x; any other (text,
 * booleans, a param some runs lack) is categorical, its values as text.
 * @param colors a colour per run, in `runs`' order (the compare view's run colours).
 * @returns the chart; its dataset is {@link SCATTER_DATASET}.
 */
export function paramScatterChart(
  param: string,
  metric: string,
  runs: readonly ParamChartRun[],
  options: { id: string; colors: readonly string[]; height?: number },
): ChartModel {
  const values = runs.map((r) => ownValue(r.params, param));
  const numeric = values.every((v) => typeof v === 'number' && Number.isFinite(v));
  const rows: ChartRow[] = [];
  runs.forEach((run, i) => {
    if (run.value !== null) {
      const v = values[i];
      rows.push({
        run: run.label,
        x: numeric ? (v as number) : vegaCategory(valueText(v)),
        metric: run.value,
      });
    }
  });
  const spec: TopLevelSpec = {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: vegaText(`${param} → ${metric}`), anchor: 'start' },
    width: 'container',
    height: options.height ?? 240,
    autosize: { type: 'fit-x', contains: 'padding' },
    data: { name: SCATTER_DATASET },
    mark: { type: 'point', filled: true, size: 70 },
    encoding: {
      x: numeric
        ? { field: 'x', type: 'quantitative', scale: { zero: false }, title: vegaText(param) }
        : { field: 'x', type: 'nominal', sort: 'ascending', title: vegaText(param), axis: { labelAngle: 0 } },
      y: { field: 'metric', type: 'quantitative', scale: { zero: false }, title: vegaText(metric) },
      color: {
        field: 'run',
        type: 'nominal',
        scale: { domain: runs.map((r) => r.label), range: [...options.colors] },
        legend: null,
      },
      tooltip: [
        { field: 'run', type: 'nominal', title: 'run' },
        { field: 'x', type: numeric ? 'quantitative' : 'nominal', title: vegaText(param) },
        { field: 'metric', type: 'quantitative', title: vegaText(metric), format: '.6~g' },
      ],
    },
  };
  return { id: options.id, title: `${param} → ${metric}`, spec, data: { [SCATTER_DATASET]: rows } };
}
