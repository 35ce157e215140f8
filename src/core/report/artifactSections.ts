/**
 * The result charts a run keeps as artifacts, for views that show a run (the dashboard): an
 * evaluation (`artifacts/evaluation.json` of a `kind: eval` run: ROC, precision–recall, calibration,
 * threshold and confusion charts of `charts/evalCharts.ts`) and a monitor (`artifacts/monitor.json` of
 * a `kind: monitor` run: each metric and the drifted-column share over the windows, with the sentences
 * of failed checks). Files are read as regular files only, at most {@link MAX_ARTIFACT_BYTES}; a
 * damaged file gives a section with the reason and no charts, never an exception.
 */
import { join } from 'node:path';
import type { ChartModel } from '../../protocol/charts';
import { readRegularFileSync } from '../base/regularFile';
import { evaluationCharts } from '../charts/evalCharts';
import { monitorCharts } from '../charts/monitorCharts';
import type { EvaluationResult } from '../eval/types';
import type { MonitorReport } from '../monitor/types';

/** Larger artifact files are not drawn (the evaluation's curves are thinned to 1,000 points). */
export const MAX_ARTIFACT_BYTES = 20 * 1024 * 1024;

/** One section of result charts. */
export interface ArtifactSection {
  /** `evaluation` or `monitor`: also the prefix of its chart ids (`evaluation:roc`). */
  id: 'evaluation' | 'monitor';
  title: string;
  /** Sentences shown above the charts (failed checks, what was evaluated, or why nothing is drawn). */
  lines: string[];
  charts: ChartModel[];
  /**
   * Metrics of the run that this section charts over time in its own way (a monitor's per-window
   * metrics by date), so a view that shows the run's metrics by step leaves them to the section.
   */
  covers: string[];
}

function readJson(file: string): { value?: unknown; problem?: string } | undefined {
  let bytes: Buffer;
  try {
    bytes = readRegularFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? undefined : { problem: (error as Error).message };
  }
  if (bytes.length > MAX_ARTIFACT_BYTES) {
    return { problem: `${file} is larger than ${MAX_ARTIFACT_BYTES / 1024 / 1024} MiB; not drawn` };
  }
  try {
    return { value: JSON.parse(bytes.toString('utf8')) as unknown };
  } catch (error) {
    return { problem: `${file}: not valid JSON (${(error as Error).message})` };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function evaluationSection(runDir: string): ArtifactSection | undefined {
  const read = readJson(join(runDir, 'artifacts', 'evaluation.json'));
  if (!read) {
    return undefined;
  }
  const section: ArtifactSection = {
    id: 'evaluation',
    title: 'Evaluation',
    lines: [],
    charts: [],
    covers: [],
  };
  const evaluation = isObject(read.value) ? read.value.evaluation : undefined;
  if (read.problem || !isObject(evaluation)) {
    // The built-in trainer's evaluation.json has another shape: its charts are the run report's.
    return read.problem ? { ...section, lines: [read.problem] } : undefined;
  }
  try {
    section.charts = evaluationCharts(evaluation as unknown as EvaluationResult, 'evaluation:');
    const file = isObject(read.value) && typeof read.value.file === 'string' ? read.value.file : undefined;
    const rows = typeof evaluation.rows === 'number' ? evaluation.rows : undefined;
    if (file !== undefined) {
      section.lines.push(
        `${String(evaluation.problem)} of ${file}${rows !== undefined ? ` (${rows} rows)` : ''}`,
      );
    }
  } catch (error) {
    section.lines.push(`artifacts/evaluation.json could not be drawn: ${(error as Error).message}`);
  }
  return section;
}

function monitorSection(runDir: string): ArtifactSection | undefined {
  const read = readJson(join(runDir, 'artifacts', 'monitor.json'));
  if (!read) {
    return undefined;
  }
  const section: ArtifactSection = {
    id: 'monitor',
    title: 'Monitoring over time',
    lines: [],
    charts: [],
    covers: [],
  };
  const report = read.value as MonitorReport | undefined;
  if (read.problem || !isObject(report) || !Array.isArray(report.windows) || !Array.isArray(report.checks)) {
    return { ...section, lines: [read.problem ?? 'artifacts/monitor.json is not a monitor report'] };
  }
  try {
    section.charts = monitorCharts(report, 'monitor:');
    section.covers = Array.isArray(report.metricNames)
      ? report.metricNames.filter((m): m is string => typeof m === 'string')
      : [];
    const failed = report.checks.filter((c) => typeof c.sentence === 'string').map((c) => c.sentence!);
    section.lines.push(
      ...failed,
      `${report.windows.length} windows of ${String(report.window)} by "${String(report.time)}", drift against ${String(report.reference?.name)}`,
    );
  } catch (error) {
    section.lines.push(`artifacts/monitor.json could not be drawn: ${(error as Error).message}`);
  }
  return section;
}

/** The result sections of the run folder `runDir` (none when it keeps no such artifact). */
export function runArtifactSections(runDir: string): ArtifactSection[] {
  return [evaluationSection(runDir), monitorSection(runDir)].filter(
    (s): s is ArtifactSection => s !== undefined,
  );
}
