/**
 * The built-in monitoring job (`kind: monitor` tasks), spawned by the task runner as
 * `node dist/monitorJob.js <runDir>/task.json`.
 *
 * It monitors the task's predictions file as `xlens monitor` does and writes:
 * - one metrics line per window with rows to `XLENS_METRICS_FILE`: `step` = the window's index,
 *   `time` = its start (Unix ms), values `monitor/<metric>`, `monitor/drift_share`, `monitor/rows`;
 * - `<runDir>/artifacts/monitor.json` ({@link MonitorReport}) and `monitor.html` (standalone report);
 * - `<runDir>/info.json` with the windows and the sentences of failed checks;
 * - the table on stdout, choices and warnings on stderr.
 *
 * The task's `checks:` are marked per window in the report; the runner also evaluates them at the end
 * of the run against the last window's values (a check's default `last`), so `xlens run` exits 3 when
 * the latest window fails one.
 *
 * Exit code: 0 monitored; 2 bad input (file, time column, window, reference, drift options); 1 anything else.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseDriftOptions } from '../drift/options';
import { jobFailure, readJobTask, runJobFromArgv, writeJobReport } from '../runner/jobTask';
import { monitorFile } from './monitor';
import { formatMonitorReport, monitorMetricLines } from './present';
import { parseReference } from './reference';
import { parseWindow } from './windows';

/**
 * Runs the job for a task file. Returns the exit code; never throws.
 * @param env the job's environment (XLENS_RUN_DIR, XLENS_METRICS_FILE).
 */
export async function monitorJob(
  taskPath: string,
  env: NodeJS.ProcessEnv = process.env,
  out: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream } = process,
  cwd = process.cwd(),
): Promise<number> {
  try {
    const task = readJobTask(taskPath, 'monitor');
    const runDir = env.XLENS_RUN_DIR ?? dirname(resolve(taskPath));
    const base = resolve(cwd, task.cwd ?? '.');
    const where = (key: string) => `tasks.${task.name}.${key}`;
    const drift = parseDriftOptions(task.options, undefined, where('options'), 'xlens.yaml');
    const reference = parseReference(task.reference, where('reference'));
    out.stdout.write(`monitoring ${task.dataFile} per ${task.window} window\n`);
    const report = await monitorFile({
      path: resolve(base, task.dataFile),
      displayName: task.dataFile,
      time: task.time,
      window: parseWindow(task.window, where('window')),
      reference:
        reference.kind === 'file' ? { kind: 'file', path: resolve(base, reference.path) } : reference,
      referenceName: reference.kind === 'file' ? reference.path : undefined,
      features: task.features,
      drift,
      checks: task.checks,
      minRows: task.minRows,
      target: task.target,
      pred: task.pred,
      proba: task.proba,
      posLabel: task.posLabel,
      problem: task.problem,
      dropMissing: task.dropMissing === true,
      names: { time: where('time'), window: where('window'), reference: where('reference') },
    });
    for (const line of report.said) {
      out.stderr.write(`${line}\n`);
    }
    const lines = monitorMetricLines(report);
    if (env.XLENS_METRICS_FILE && lines.length > 0) {
      appendFileSync(env.XLENS_METRICS_FILE, `${lines.join('\n')}\n`);
    }
    const artifacts = join(runDir, 'artifacts');
    mkdirSync(artifacts, { recursive: true });
    writeFileSync(join(artifacts, 'monitor.json'), `${JSON.stringify(report, null, 2)}\n`);
    const htmlProblem = await writeJobReport(
      async () => (await import('../report/monitorReport')).renderMonitorReportHtml(report),
      join(artifacts, 'monitor.html'),
    );
    if (htmlProblem) {
      out.stderr.write(`warning: no HTML report written: ${htmlProblem}\n`);
    }
    const info = {
      windows: report.windows.length,
      window: report.window,
      failedChecks: report.checks.flatMap((c) => (c.sentence ? [c.sentence] : [])),
    };
    writeFileSync(join(runDir, 'info.json'), `${JSON.stringify(info, null, 2)}\n`);
    out.stdout.write(formatMonitorReport(report));
    out.stdout.write(`wrote artifacts/monitor.json${htmlProblem ? '' : ' and artifacts/monitor.html'}\n`);
    return 0;
  } catch (error) {
    return jobFailure(error, out.stderr, 'monitor job');
  }
}

if (typeof require !== 'undefined' && require.main === module) {
  runJobFromArgv('monitorJob', (taskPath) => monitorJob(taskPath));
}
