/**
 * The built-in drift job (`kind: drift` tasks), spawned by the task runner as
 * `node dist/driftJob.js <runDir>/task.json` with cwd = the workspace root.
 *
 * It compares the task's reference and current files and writes:
 * - `<runDir>/artifacts/drift-report.json` (the `DriftReport`) and `drift-report.html` (standalone);
 * - one metric line to `XLENS_METRICS_FILE`: `drift/share`, `drift/drifted_columns`,
 *   `drift/dataset_drift` (0/1) and `drift/<column>` (each tested column's statistic);
 * - `<runDir>/info.json` with the verdict, merged into run.json by the runner;
 * - the per-column table on stdout.
 *
 * Exit code: 0 when the comparison ran, whether or not drift was found (drift is a result, not a
 * failure); 2 for bad input (unreadable file, missing column, invalid option, or data where no column
 * could be tested: the report is still written, with each column's reason); 1 for anything else.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { writeJsonFile } from '../base/jsonOutput';
import { jobFailure, readJobTask, runJobFromArgv, writeJobReport } from '../runner/jobTask';
import { runDrift } from './engine';
import { formatDriftReport } from './textReport';
import { parseDriftOptions } from './options';
import type { DriftReport } from './types';

/** The metric values of a report (finite numbers only), as written to the metrics file. */
export function driftMetrics(report: DriftReport): Record<string, number> {
  if (report.dataset.columns === 0) {
    // No column tested: no verdict, so no dataset metrics (a 0 would read as "no drift").
    return {};
  }
  const values: Record<string, number> = {
    'drift/share': report.dataset.share,
    'drift/drifted_columns': report.dataset.drifted,
    'drift/dataset_drift': report.dataset.driftDetected ? 1 : 0,
  };
  for (const column of report.columns) {
    if (column.statistic !== null && Number.isFinite(column.statistic)) {
      values[`drift/${column.name}`] = column.statistic;
    }
  }
  return values;
}

/**
 * Runs the job for a task file. Returns the exit code; never throws.
 * @param env the job's environment (XLENS_RUN_DIR, XLENS_METRICS_FILE).
 */
export async function driftJob(
  taskPath: string,
  env: NodeJS.ProcessEnv = process.env,
  out: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream } = process,
  cwd = process.cwd(),
): Promise<number> {
  try {
    const task = readJobTask(taskPath, 'drift');
    const runDir = env.XLENS_RUN_DIR ?? dirname(resolve(taskPath));
    const options = parseDriftOptions(task.options, task.columns, `tasks.${task.name}.options`, 'xlens.yaml');
    const base = resolve(cwd, task.cwd ?? '.');
    out.stdout.write(`comparing ${task.reference} (reference) with ${task.current} (current)\n`);
    const report = await runDrift({
      reference: resolve(base, task.reference),
      current: resolve(base, task.current),
      referenceName: task.reference,
      currentName: task.current,
      options,
    });
    const artifacts = join(runDir, 'artifacts');
    mkdirSync(artifacts, { recursive: true });
    await writeJsonFile(join(artifacts, 'drift-report.json'), report);
    const htmlProblem = await writeJobReport(
      async () => (await import('../report/driftReport')).renderDriftReportHtml(report),
      join(artifacts, 'drift-report.html'),
    );
    if (htmlProblem) {
      out.stderr.write(`warning: no HTML report written: ${htmlProblem}\n`);
    }
    const metrics = driftMetrics(report);
    if (env.XLENS_METRICS_FILE && Object.keys(metrics).length > 0) {
      const line = { step: 0, time: Date.now(), values: metrics };
      appendFileSync(env.XLENS_METRICS_FILE, `${JSON.stringify(line)}\n`);
    }
    const tested = report.dataset.columns > 0;
    const info = {
      datasetDrift: tested ? report.dataset.driftDetected : null,
      driftedColumns: report.dataset.drifted,
      testedColumns: report.dataset.columns,
      driftShare: report.dataset.share,
    };
    writeFileSync(join(runDir, 'info.json'), `${JSON.stringify(info, null, 2)}\n`);
    out.stdout.write(formatDriftReport(report));
    out.stdout.write(
      `wrote artifacts/drift-report.json${htmlProblem ? '' : ' and artifacts/drift-report.html'}\n`,
    );
    if (!tested) {
      out.stderr.write(
        'no column could be tested, so there is no verdict; fix the reasons listed under "not tested" in the task\'s data or options.\n',
      );
      return 2;
    }
    return 0;
  } catch (error) {
    return jobFailure(error, out.stderr, 'drift job');
  }
}

if (typeof require !== 'undefined' && require.main === module) {
  runJobFromArgv('driftJob', (taskPath) => driftJob(taskPath));
}
