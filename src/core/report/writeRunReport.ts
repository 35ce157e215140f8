/**
 * Writes the HTML report of a stored run: reads its `metrics.jsonl` through the run store, renders and
 * writes the file. Used by `xlens show <run> --html <file>`.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { MetricLine } from '../metrics/jsonl';
import type { MetricPoint } from '../metrics/series';
import type { MonitorReport } from '../monitor/types';
import type { RunStore } from '../runs/store';
import type { RunRecord } from '../runs/types';
import { renderRunReportHtml, type RunReportOptions } from './runReport';

/**
 * Series of a run's metric lines: metric name → points in step order (lines written out of order, e.g.
 * after a resumed run, are sorted stably by step).
 */
export function seriesFromLines(lines: readonly MetricLine[]): Map<string, MetricPoint[]> {
  const series = new Map<string, MetricPoint[]>();
  for (const line of lines) {
    for (const [name, value] of Object.entries(line.values)) {
      const points = series.get(name) ?? [];
      points.push(
        line.time === undefined ? { step: line.step, value } : { step: line.step, value, time: line.time },
      );
      series.set(name, points);
    }
  }
  for (const points of series.values()) {
    points.sort((a, b) => a.step - b.step);
  }
  return series;
}

/**
 * The run's `artifacts/evaluation.json` (written by the built-in trainer), or undefined when it is
 * absent or not JSON: the report then simply has no evaluation section.
 */
async function readEvaluation(artifacts: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(join(artifacts, 'evaluation.json'), 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** The run's `artifacts/monitor.json` when it holds a monitor report (windows and checks), else undefined. */
async function readMonitor(artifacts: string): Promise<MonitorReport | undefined> {
  try {
    const value = JSON.parse(await readFile(join(artifacts, 'monitor.json'), 'utf8')) as MonitorReport;
    return Array.isArray(value?.windows) && Array.isArray(value.checks) && Array.isArray(value.metricNames)
      ? value
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Renders the report of `run` with the series of its `metrics.jsonl` (and its `artifacts/evaluation.json`,
 * when present) and writes it to `outFile` (parent folders are created). Damaged metric lines are skipped, as everywhere; the run's own warnings list them.
 * @returns the number of bytes written.
 * @throws Error when the report bundle is missing (run `npm run build`), or the file cannot be written.
 */
export async function writeRunReport(
  store: RunStore,
  run: RunRecord,
  outFile: string,
  options: RunReportOptions = {},
): Promise<number> {
  const { lines } = await store.readMetrics(run.id);
  const evaluation = options.evaluation ?? (await readEvaluation(join(store.runDir(run.id), 'artifacts')));
  const monitor = options.monitor ?? (await readMonitor(join(store.runDir(run.id), 'artifacts')));
  const html = renderRunReportHtml(run, seriesFromLines(lines), {
    ...options,
    ...(evaluation === undefined ? {} : { evaluation }),
    ...(monitor === undefined ? {} : { monitor }),
  });
  await mkdir(dirname(outFile), { recursive: true });
  await writeFile(outFile, html, 'utf8');
  return Buffer.byteLength(html);
}
