/**
 * Chart specs of a drift report: per column, reference and current distributions overlaid on the shared
 * bins of the report (numeric: bars over the bin edges; categorical: grouped bars), and a summary of every
 * column's score against its threshold. Built from the report's aggregates only; no raw rows exist here.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ChartModel, ChartRow } from '../../protocol/charts';
import { formatNumber } from '../../shared/formatting';
import { columnScore, columnVerdictText, sortColumns } from '../drift/presentation';
import type { ColumnDrift, DriftReport } from '../drift/types';
import { VEGA_LITE_SCHEMA } from './lineChart';
import { vegaCategory, vegaText } from './vegaText';

/** Dataset name of the drift charts. */
export const DRIFT_DATASET = 'bins';

/** Legend labels of the two datasets. */
export const DATASET_LABELS = ['reference', 'current'] as const;

/** Chart id of a column's distribution chart: `drift:column:<index in report.columns>`. */
export function driftColumnChartId(index: number): string {
  return `drift:column:${index}`;
}

/** Chart id of the summary chart. */
export const DRIFT_SUMMARY_CHART_ID = 'drift:summary';

function share(count: number, total: number): number {
  return total > 0 ? count / total : 0;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/**
 * Overlaid distributions of one column. Heights are shares of each dataset's binned (non-missing) values,
 * so datasets of different sizes compare; the tooltip gives counts too.
 * - numeric histogram: one bar per bin and dataset spanning `[edges[i], edges[i+1]]`, both datasets drawn
 *   semi-transparent over each other;
 * - categorical histogram: bars grouped per category (x offset by dataset), categories in report order.
 */
export function driftColumnChart(
  column: ColumnDrift,
  index: number,
  options: { height?: number } = {},
): ChartModel {
  const h = column.histogram;
  const totals = { reference: sum(h.reference), current: sum(h.current) };
  const height = options.height ?? 180;
  const color = {
    field: 'dataset',
    type: 'nominal' as const,
    scale: { domain: [...DATASET_LABELS] },
    legend: { orient: 'bottom' as const, title: null },
  };
  const countTooltip = [
    { field: 'dataset', type: 'nominal' as const, title: 'dataset' },
    { field: 'count', type: 'quantitative' as const, title: 'count', format: ',d' },
    { field: 'share', type: 'quantitative' as const, title: 'share', format: '.2%' },
  ];
  const rows: ChartRow[] = [];
  let spec: TopLevelSpec;
  if (h.kind === 'numeric') {
    const instants = column.valueUnit === 'unix-ms';
    for (const dataset of DATASET_LABELS) {
      h[dataset].forEach((count, i) => {
        rows.push({
          dataset,
          start: h.edges[i],
          end: h.edges[i + 1],
          count,
          share: share(count, totals[dataset]),
        });
      });
    }
    spec = {
      $schema: VEGA_LITE_SCHEMA,
      title: { text: vegaText(column.name), anchor: 'start' },
      width: 'container',
      height,
      autosize: { type: 'fit-x', contains: 'padding' },
      data: { name: DRIFT_DATASET },
      mark: { type: 'bar', opacity: 0.55, binSpacing: 0 },
      encoding: {
        // Instants (Unix ms) on a time axis; ranged bars (x to x2) since binned fields are quantitative.
        x: instants
          ? {
              field: 'start',
              type: 'temporal',
              title: vegaText(column.name),
              axis: { tickCount: 8, labelOverlap: true },
            }
          : {
              field: 'start',
              type: 'quantitative',
              bin: { binned: true },
              title: vegaText(column.name),
              scale: { zero: false },
              axis: { tickCount: 8, labelOverlap: true },
            },
        x2: { field: 'end' },
        y: {
          field: 'share',
          type: 'quantitative',
          title: 'share of values',
          axis: { format: '.0%' },
          stack: null,
        },
        // Ranged bars on a time axis need their base: without it vega-lite draws a flat segment.
        ...(instants ? { y2: { datum: 0 } } : {}),
        color,
        tooltip: [
          instants
            ? { field: 'start', type: 'temporal', title: 'from', format: '%Y-%m-%d %H:%M' }
            : { field: 'start', type: 'quantitative', title: 'from', format: '.6~g' },
          instants
            ? { field: 'end', type: 'temporal', title: 'to', format: '%Y-%m-%d %H:%M' }
            : { field: 'end', type: 'quantitative', title: 'to', format: '.6~g' },
          ...countTooltip,
        ],
      },
    };
  } else {
    const labels =
      h.folded > 0 && h.otherLabel !== undefined
        ? [...h.categories.slice(0, -1), h.otherLabel]
        : h.categories;
    for (const dataset of DATASET_LABELS) {
      h[dataset].forEach((count, i) => {
        // `order` sorts the categories: a sort array would put category names into vega expressions.
        rows.push({
          dataset,
          category: vegaCategory(labels[i] ?? String(i)),
          order: i,
          count,
          share: share(count, totals[dataset]),
        });
      });
    }
    spec = {
      $schema: VEGA_LITE_SCHEMA,
      title: { text: vegaText(column.name), anchor: 'start' },
      width: 'container',
      height,
      autosize: { type: 'fit-x', contains: 'padding' },
      data: { name: DRIFT_DATASET },
      mark: { type: 'bar' },
      encoding: {
        x: {
          field: 'category',
          type: 'nominal',
          title: vegaText(column.name),
          sort: { field: 'order', op: 'min' },
          axis: { labelAngle: labels.length > 6 ? -40 : 0, labelLimit: 120 },
        },
        xOffset: { field: 'dataset', sort: [...DATASET_LABELS] },
        y: { field: 'share', type: 'quantitative', title: 'share of values', axis: { format: '.0%' } },
        color,
        tooltip: [{ field: 'category', type: 'nominal', title: 'category' }, ...countTooltip],
      },
    };
  }
  return { id: driftColumnChartId(index), title: column.name, spec, data: { [DRIFT_DATASET]: rows } };
}

const P_VALUE_PANEL = 'p-value, log scale (drift when below the threshold)';
const DISTANCE_PANEL = 'distance (drift at or above the threshold)';
/** Smallest p-value drawn; smaller ones (down to 0) sit at this floor of the log axis. */
export const P_VALUE_FLOOR = 1e-16;

/** Verdict labels used for colour in the summary. */
export const VERDICT_LABELS = [columnVerdictText(false), columnVerdictText(true)];

/**
 * Summary of the columns' scores against their thresholds: per column (in the table's order: drifted
 * columns first, strongest drift first) a tick at the
 * threshold and a line from it to a dot at the score, coloured by verdict. One panel per score kind, since
 * p-values (drift below the threshold; log axis, floored at {@link P_VALUE_FLOOR}: smaller ones are drawn
 * at the floor as a left-pointing triangle labelled with their value) and distances (drift at or above it)
 * do not share a scale. Columns whose score is not finite show only their threshold.
 * Returns `null` when the report tested no column.
 */
export function driftSummaryChart(report: DriftReport): ChartModel | null {
  if (report.columns.length === 0) {
    return null;
  }
  const ordered = sortColumns(report.columns);
  const rows: ChartRow[] = ordered.map((c, order) => {
    const finite = columnScore(c);
    // A log axis cannot show 0: tiny p-values are drawn at the axis floor as a triangle pointing off the
    // scale, labelled with their value (the tooltip gives it too).
    const clipped = c.scoreKind === 'p_value' && finite !== null && finite < P_VALUE_FLOOR;
    return {
      column: c.name,
      // Sorts the rows (a sort array of names would put column names into vega expressions).
      order,
      kind: c.scoreKind === 'p_value' ? P_VALUE_PANEL : DISTANCE_PANEL,
      score: finite,
      shown: finite === null ? null : clipped ? P_VALUE_FLOOR : finite,
      clipped,
      label: clipped ? `p = ${formatNumber(finite, 2)}` : '',
      threshold: c.threshold,
      method: c.method,
      verdict: columnVerdictText(c.drifted),
    };
  });
  const kinds = [...new Set(rows.map((r) => r.kind as string))];
  const rowHeight = 18;
  const panel = (kind: string): Extract<TopLevelSpec, { layer: unknown }>['layer'] => {
    const pValues = kind === P_VALUE_PANEL;
    const x = {
      field: 'shown',
      type: 'quantitative' as const,
      title: kind,
      scale: pValues ? { type: 'log' as const } : { zero: true },
      axis: pValues ? { format: '~g', labelOverlap: true } : {},
    };
    const verdictColor = {
      field: 'verdict',
      type: 'nominal' as const,
      scale: { domain: [...VERDICT_LABELS] },
      legend: { orient: 'bottom' as const, title: null },
    };
    return [
      {
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: { x, x2: { field: 'threshold' }, color: verdictColor },
      },
      {
        mark: { type: 'point', filled: true, size: 90, opacity: 1 },
        encoding: {
          x,
          color: verdictColor,
          shape: { condition: { test: 'datum.clipped', value: 'triangle-left' }, value: 'circle' },
        },
      },
      {
        transform: [{ filter: 'datum.clipped' }],
        mark: { type: 'text', align: 'left', baseline: 'middle', dx: 9, dy: -6, fontSize: 10 },
        encoding: { x, text: { field: 'label' } },
      },
      {
        mark: { type: 'tick', thickness: 2, bandSize: rowHeight },
        encoding: { x: { field: 'threshold', type: 'quantitative' } },
      },
    ];
  };
  const layered = (kind: string) => ({
    transform: [{ filter: { field: 'kind', equal: kind } }],
    height: { step: rowHeight },
    width: 'container' as const,
    encoding: {
      y: {
        field: 'column',
        type: 'nominal' as const,
        sort: { field: 'order', op: 'min' },
        title: null,
        axis: { labelLimit: 200 },
      },
      tooltip: [
        { field: 'column', type: 'nominal' as const, title: 'column' },
        { field: 'method', type: 'nominal' as const, title: 'method' },
        { field: 'score', type: 'quantitative' as const, title: 'score', format: '.4~g' },
        { field: 'threshold', type: 'quantitative' as const, title: 'threshold', format: '.4~g' },
        { field: 'verdict', type: 'nominal' as const, title: 'verdict' },
      ],
    },
    layer: panel(kind),
  });
  const spec: TopLevelSpec = {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: 'Drift score per column', anchor: 'start' },
    data: { name: DRIFT_DATASET },
    autosize: { type: 'fit-x', contains: 'padding' },
    vconcat: kinds.map(layered),
    resolve: { scale: { y: 'independent', x: 'independent' } },
  };
  return {
    id: DRIFT_SUMMARY_CHART_ID,
    title: 'Drift score per column',
    spec,
    data: { [DRIFT_DATASET]: rows },
  };
}
