/**
 * Charts of a monitor report (`core/monitor`): each metric over the windows (x = window start, UTC),
 * with the windows where a check on that metric fails drawn as larger filled points and the check's
 * threshold as a dashed rule; and the share of drifted feature columns per window as bars, with the
 * dataset-drift share as a rule. Specs carry no colours (the view's theme supplies them).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ChartModel, ChartRow } from '../../protocol/charts';
import { ownValue } from '../../shared/dict';
import { metricLabel } from '../monitor/checks';
import type { MonitorReport } from '../monitor/types';
import { VEGA_LITE_SCHEMA } from './lineChart';
import { vegaText } from './vegaText';

/** Dataset names of the charts below. */
export const MONITOR_POINTS = 'points';
export const MONITOR_RULES = 'rules';

function timeAxis(report: MonitorReport) {
  const monthly = report.windowKind === 'calendar' && /mo|y$/.test(report.window);
  return {
    field: 't',
    type: 'temporal' as const,
    title: `window start (${report.window})`,
    scale: { type: 'utc' as const },
    axis: { format: monthly ? '%Y-%m' : '%Y-%m-%d', labelOverlap: true },
  };
}

/** One metric over the windows. */
function metricChart(report: MonitorReport, metric: string, prefix: string): ChartModel {
  const checks = report.checks.filter((c) => c.metric === metric);
  const rows: ChartRow[] = [];
  for (const w of report.windows) {
    const value = ownValue(w.metrics, metric);
    if (value === undefined) {
      continue;
    }
    const failed = checks.some((c) => c.failedWindows.includes(w.index));
    rows.push({
      t: Date.parse(w.start),
      window: w.label,
      value,
      rows: w.rows,
      failed: failed ? 'check failed' : 'ok',
    });
  }
  const rules: ChartRow[] = checks.map((c) => ({ threshold: c.threshold, check: c.check }));
  const title = metricLabel(metric);
  const spec: TopLevelSpec = {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: vegaText(title), anchor: 'start' },
    width: 'container',
    height: 200,
    autosize: { type: 'fit-x', contains: 'padding' },
    layer: [
      {
        data: { name: MONITOR_RULES },
        mark: { type: 'rule', strokeDash: [4, 4], opacity: 0.7 },
        encoding: {
          y: { field: 'threshold', type: 'quantitative' },
          tooltip: [{ field: 'check', title: 'check' }],
        },
      },
      {
        data: { name: MONITOR_POINTS },
        mark: { type: 'line', point: false },
        encoding: {
          x: timeAxis(report),
          y: { field: 'value', type: 'quantitative', title: vegaText(metric), scale: { zero: false } },
        },
      },
      {
        data: { name: MONITOR_POINTS },
        mark: { type: 'point', filled: true },
        encoding: {
          x: timeAxis(report),
          y: { field: 'value', type: 'quantitative' },
          shape: {
            field: 'failed',
            type: 'nominal',
            scale: { domain: ['ok', 'check failed'], range: ['circle', 'diamond'] },
            legend: checks.length > 0 ? { orient: 'bottom', title: null } : null,
          },
          size: { condition: { test: "datum.failed === 'check failed'", value: 120 }, value: 30 },
          tooltip: [
            { field: 'window', title: 'window' },
            { field: 'value', type: 'quantitative', title: metric, format: '.4~g' },
            { field: 'rows', type: 'quantitative', title: 'rows' },
            { field: 'failed', title: 'check' },
          ],
        },
      },
    ],
  };
  return { id: `${prefix}${metric}`, title, spec, data: { [MONITOR_POINTS]: rows, [MONITOR_RULES]: rules } };
}

/** The share of drifted feature columns per window, bars, with the dataset-drift share as a rule. */
function driftChart(report: MonitorReport, prefix: string, driftShare: number): ChartModel {
  const rows: ChartRow[] = report.windows
    .filter((w) => w.drift !== null)
    .map((w) => ({
      t: Date.parse(w.start),
      t2: Date.parse(w.end),
      window: w.label,
      share: w.drift!.share,
      drifted:
        w
          .drift!.columns.filter((c) => c.drifted)
          .map((c) => c.name)
          .join(', ') || '(none)',
      tested: w.drift!.tested,
    }));
  const spec: TopLevelSpec = {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: 'Drifted-column share', anchor: 'start' },
    width: 'container',
    height: 200,
    autosize: { type: 'fit-x', contains: 'padding' },
    layer: [
      {
        data: { name: MONITOR_POINTS },
        mark: { type: 'bar', opacity: 0.8 },
        encoding: {
          x: timeAxis(report),
          x2: { field: 't2' },
          y: {
            field: 'share',
            type: 'quantitative',
            title: 'drifted / tested columns',
            scale: { domain: [0, 1] },
          },
          y2: { datum: 0 },
          tooltip: [
            { field: 'window', title: 'window' },
            { field: 'share', type: 'quantitative', title: 'share', format: '.0%' },
            { field: 'tested', type: 'quantitative', title: 'columns tested' },
            { field: 'drifted', title: 'drifted' },
          ],
        },
      },
      {
        data: { name: MONITOR_RULES },
        mark: { type: 'rule', strokeDash: [4, 4], opacity: 0.7 },
        encoding: { y: { field: 'threshold', type: 'quantitative' } },
      },
    ],
  };
  return {
    id: `${prefix}drift_share`,
    title: 'Drifted-column share',
    spec,
    data: { [MONITOR_POINTS]: rows, [MONITOR_RULES]: [{ threshold: driftShare }] },
  };
}

/**
 * The charts of a report: the drifted-column share first, then every metric (`monitor/rows` last).
 */
export function monitorCharts(report: MonitorReport, prefix = 'monitor:'): ChartModel[] {
  const metrics = report.metricNames.filter((m) => m !== 'monitor/drift_share' && m !== 'monitor/rows');
  const charts: ChartModel[] = [];
  if (report.windows.some((w) => w.drift !== null)) {
    charts.push(driftChart(report, prefix, report.driftShare));
  }
  charts.push(...metrics.map((m) => metricChart(report, m, prefix)));
  if (report.metricNames.includes('monitor/rows')) {
    charts.push(metricChart(report, 'monitor/rows', prefix));
  }
  return charts;
}
