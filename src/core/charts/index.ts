/** Chart specs built in core and drawn by every browser view (dashboard, drift view, HTML reports). */
export { DEFAULT_MAX_POINTS, downsampleSeries } from './downsample';
export {
  groupMetrics,
  parseMetricName,
  type MetricGroup,
  type MetricGroupMember,
  type MetricRole,
} from './metricGroups';
export { LINE_DATASET, lineChart, lineRows, type LineRow, type LineSeries } from './lineChart';
export {
  metricChartId,
  metricCharts,
  metricGroupRows,
  runComparisonChart,
  type ComparedRun,
  type MetricChartOptions,
} from './metricCharts';
export {
  DRIFT_DATASET,
  DRIFT_SUMMARY_CHART_ID,
  driftColumnChart,
  driftColumnChartId,
  driftSummaryChart,
} from './driftCharts';
