/** Standalone, offline HTML reports of runs and drift results. */
export { renderRunReportHtml, type RunReportOptions } from './runReport';
export { renderDriftReportHtml, type DriftReportOptions } from './driftReport';
export { loadReportBundle, reportBundleCandidates } from './bundle';
