/** `xlens runs`: lists runs, newest first, as a table or JSON. */
import { discoverImportedRuns, type ImportedRun } from '../../core/metrics/discovery';
import { keyMetricsText, lastValues } from '../../core/runs/keyMetrics';
import { RunStore } from '../../core/runs/store';
import type { RunRecord } from '../../core/runs/types';
import { ExitCode, type CliCommand, type CliContext } from '../command';
import { metricsText, runDuration, shortCommit, table } from '../format';
import { parseCommandArgs, positiveInt, workspaceRoot } from '../workspace';

const usage = `Usage: xlens runs [--task <task>] [--limit N] [--imported] [--json]

Lists runs of this workspace, newest first: id, task, status, commit, dirty (uncommitted changes were
snapshotted), duration and key metrics (last values); then the imported runs: those found in
TensorBoard, MLflow, DVCLive and CSV logs in the workspace and in the tasks' metrics: sources.

Options:
  --task <task>   only runs of this task
  --limit N       at most N runs (default 20)
  --imported      with --json: an object {runs, imported} that includes the imported runs
  --json          the run records (run.json) as a JSON array`;

export const runsCommand: CliCommand = {
  name: 'runs',
  summary: 'list runs, newest first (--json for scripts)',
  usage,
  async run(ctx: CliContext): Promise<ExitCode> {
    const { values } = parseCommandArgs('runs', ctx.args, {
      task: { type: 'string' },
      limit: { type: 'string', short: 'n' },
      json: { type: 'boolean' },
      imported: { type: 'boolean' },
    });
    const limit = positiveInt('limit', values.limit as string | undefined, 20);
    const root = workspaceRoot(ctx);
    const store = new RunStore(root);
    await store.reconcile();
    const task = values.task as string | undefined;
    const { runs, problems } = await store.list({ limit, ...(task !== undefined ? { task } : {}) });
    for (const problem of problems) {
      ctx.stderr.write(`xlens: warning: skipped run folder ${problem.id}: ${problem.message}\n`);
    }
    // The table always shows imported runs; JSON keeps its array shape unless --imported asks for them.
    const json = values.json === true;
    const imported =
      !json || values.imported === true
        ? (await discoverImportedRuns(root, { signal: ctx.signal })).runs
        : undefined;
    if (json) {
      ctx.stdout.write(`${JSON.stringify(imported ? { runs, imported } : runs, null, 2)}\n`);
      return ExitCode.ok;
    }
    if (runs.length === 0) {
      ctx.stdout.write(
        task ? `No runs of task "${task}" yet.\n` : 'No runs yet. Start one with `xlens run <task>`.\n',
      );
    } else {
      printRuns(ctx, runs);
    }
    if (imported && (imported.length > 0 || values.imported === true)) {
      printImported(ctx, imported);
    }
    return ExitCode.ok;
  },
};

function printRuns(ctx: CliContext, runs: RunRecord[]): void {
  const rows = runs.map((r) => [
    r.id,
    r.task,
    r.status,
    shortCommit(r.git.commit),
    r.git.dirty ? 'yes' : r.git.commit ? 'no' : '–',
    runDuration(r),
    metricsText(r.metrics, 3),
  ]);
  ctx.stdout.write(`${table(['ID', 'TASK', 'STATUS', 'COMMIT', 'DIRTY', 'DURATION', 'METRICS'], rows)}\n`);
}

/** The imported runs as a table after our own runs. */
function printImported(ctx: CliContext, imported: ImportedRun[]): void {
  if (imported.length === 0) {
    ctx.stdout.write('\nNo imported runs (TensorBoard, MLflow, DVCLive, CSV logs) in this workspace.\n');
    return;
  }
  const rows = imported.map((r) => [
    r.format,
    r.name,
    r.status ?? '–',
    shortCommit(r.gitCommit),
    r.relativePath,
    keyMetricsText(lastValues(r.metrics.filter((m) => m.points > 0)), { limit: 3, style: 'assign' }),
  ]);
  ctx.stdout.write(
    `\nImported runs (${imported.length}):\n${table(['FORMAT', 'NAME', 'STATUS', 'COMMIT', 'PATH', 'METRICS'], rows)}\n`,
  );
}
