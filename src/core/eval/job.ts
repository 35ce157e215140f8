/**
 * The built-in evaluation job (`kind: eval` tasks), spawned by the task runner as
 * `node dist/evalJob.js <runDir>/task.json`.
 *
 * It evaluates the task's predictions file as `xlens eval` does and writes:
 * - `<runDir>/artifacts/evaluation.json` ({@link FileEvaluation}, curves thinned to 1,000 points) and
 *   `evaluation.html` (standalone report with charts);
 * - one metric line to `XLENS_METRICS_FILE` with the `eval/*` values (`evaluationMetrics`);
 * - the table on stdout, choices and warnings on stderr.
 *
 * Exit code: 0 evaluated; 2 bad input (unreadable file, missing column or value, a class without a
 * probability column, an unknown positive class); 1 anything else.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { jobFailure, readJobTask, runJobFromArgv, writeJobReport } from '../runner/jobTask';
import { evaluateFile } from './evaluateFile';
import { evaluationMetrics, formatEvaluation, thinnedEvaluation } from './present';

/**
 * Runs the job for a task file. Returns the exit code; never throws.
 * @param env the job's environment (XLENS_RUN_DIR, XLENS_METRICS_FILE).
 */
export async function evalJob(
  taskPath: string,
  env: NodeJS.ProcessEnv = process.env,
  out: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream } = process,
  cwd = process.cwd(),
): Promise<number> {
  try {
    const task = readJobTask(taskPath, 'eval');
    const runDir = env.XLENS_RUN_DIR ?? dirname(resolve(taskPath));
    const base = resolve(cwd, task.cwd ?? '.');
    out.stdout.write(`evaluating the predictions in ${task.dataFile}\n`);
    const result = await evaluateFile(resolve(base, task.dataFile), {
      displayName: task.dataFile,
      target: task.target,
      pred: task.pred,
      proba: task.proba,
      posLabel: task.posLabel,
      problem: task.problem,
      calibrationBins: task.calibration?.bins,
      calibrationStrategy: task.calibration?.strategy,
      dropMissing: task.dropMissing === true,
    });
    for (const line of [...result.said, ...result.warnings.map((w) => `warning: ${w}`)]) {
      out.stderr.write(`${line}\n`);
    }
    const artifacts = join(runDir, 'artifacts');
    mkdirSync(artifacts, { recursive: true });
    const saved = { ...result, evaluation: thinnedEvaluation(result.evaluation) };
    writeFileSync(join(artifacts, 'evaluation.json'), `${JSON.stringify(saved, null, 2)}\n`);
    const htmlProblem = await writeJobReport(
      async () => (await import('../report/evalReport')).renderEvaluationReportHtml(result),
      join(artifacts, 'evaluation.html'),
    );
    if (htmlProblem) {
      out.stderr.write(`warning: no HTML report written: ${htmlProblem}\n`);
    }
    const metrics = evaluationMetrics(result.evaluation);
    if (env.XLENS_METRICS_FILE && Object.keys(metrics).length > 0) {
      appendFileSync(
        env.XLENS_METRICS_FILE,
        `${JSON.stringify({ step: 0, time: Date.now(), values: metrics })}\n`,
      );
    }
    out.stdout.write(formatEvaluation(result.evaluation));
    out.stdout.write(
      `wrote artifacts/evaluation.json${htmlProblem ? '' : ' and artifacts/evaluation.html'}\n`,
    );
    return 0;
  } catch (error) {
    return jobFailure(error, out.stderr, 'evaluation job');
  }
}

if (typeof require !== 'undefined' && require.main === module) {
  runJobFromArgv('evalJob', (taskPath) => evalJob(taskPath));
}
