/** `xlens runs`: lists runs, newest first, as a table or JSON. */
import { UsageError } from '../usage';
import type { ImportedRun } from '../../core/metrics/discovery/importedRun';
import { scanImportedRuns } from '../namedRuns';
import { checkCounts } from '../../core/checks/evaluate';
import { nestImportedRuns } from '../../core/metrics/mlflow/nesting';
import { keyMetricsText, lastValues } from '../../core/runs/keyMetrics';
import { reconcileRuns } from '../../core/runs/reconcile';
import { warnTo, withReconciled } from '../runText';
import { listIndexedRuns } from '../../core/runs/runsIndex';
import { RunStore } from '../../core/runs/store';
import { isFinalStatus, type RunRecord } from '../../core/runs/types';
import { ExitCode, type CliCommand, type CliContext } from '../command';
import { textTable } from '../../core/base/textTable';
import { MISSING, shortSha } from '../../shared/formatting';
import { metricsText, runDuration } from '../runText';
import { parseCommandArgs, positiveInt, workspaceRoot } from '../workspace';
import { inertLines } from '../terminalText';
import { runsCsv } from '../../core/compare/table';
import { filterFields, matchesFilter } from '../../core/compare/filter';
import { loadImportedStepValues } from '../../core/compare/stepValues';
import { readSource } from '../../core/metrics/discovery/discovery';
import { importedRunRecord } from '../../core/runs/importedRecord';
import { allColumns, runsTableText, selectRuns, shownColumns, type TableOptions } from '../runsTable';

const usage = `Usage: xlens runs [--task <task>] [--filter <expression>] [--sort <fields>] [--columns <fields>]
                  [--limit N] [--csv | --json] [--imported]

Lists runs of this workspace, newest first: id, task, status, commit, dirty (uncommitted changes were
snapshotted), duration, checks (passed/total ✔, or failed/total ✖), where a run came from (FROM:
"pulled: <remote>" for runs brought by \`xlens pull\`, shown when any listed run was pulled) and key
metrics (last values). Runs found in other tools' logs (TensorBoard, MLflow, DVCLive and CSV logs in
the workspace and in the tasks' metrics: sources) follow in a second table, at most --limit of them
(--filter applies to them too, e.g. 'source == MLflow').
Runs are listed through the runs index (.xlens/cache/runs-index.json; run.json is read for new or
changed runs only).

Fields (for --columns, --sort and --filter): run attributes (id, task, status, started, duration,
commit, branch, dirty), params as params.<key>, metrics by name with an optional :min, :max, :best,
:last (the default) or :@<step> (the value at that step), e.g. val_loss:min, loss:@100.
A name in quotes is all of it the name, its aggregate after the closing quote: a metric logged as
loss:min is "loss:min", its max "loss:min":max (loss:min is the min of loss); CSV headers write it so.
In --columns and --sort, fields are separated by commas; quote a name holding a comma (or starting
with a quote or a space) in " or ', with \\ before a quote inside: --columns 'id,"f1,macro":max',
--sort='-"f1,macro"' (in --filter, quote it the same way: '"f1,macro" > 0.5', as a name with spaces
or ( ) < > = ! ~: '"train loss" < 0.3').

Options:
  --task <task>   only runs of this task (imported runs: those of its metrics: sources)
  --filter <e>    only runs matching the expression, e.g. 'val_accuracy > 0.9 and params.lr <= 0.01',
                  'status == failed', 'duration > 5m', 'not dirty == true', or text to search for
                  (and, or, not, parentheses; operators > >= < <= == != ~ (contains) !~)
  --sort <fields> comma-separated fields, descending with a trailing " desc" or a leading -, e.g.
                  --sort 'val_accuracy desc,duration' or --sort=-val_accuracy,duration
  --columns <f>   the columns to show, e.g. id,task,params.lr,val_accuracy:max (default: id, task,
                  status, commit, duration, the params that differ, key metrics, and the fields sorted
                  or filtered by)
  --csv           the runs as CSV (every attribute, param and metric unless --columns), for a
                  spreadsheet or pandas
  --limit N       at most N runs of this workspace and at most N imported runs (default 20, with
                  --csv every run; with --filter or --sort, N of the matching runs in that order)
  --imported      with --json: add the imported runs (see below); in the table: say so even when
                  there are none
  --json          the run records (run.json) as a JSON array; with --imported an object
                  {"runs": [run records], "imported": [imported runs], "importedTotal": N}`;

export const runsCommand: CliCommand = {
  name: 'runs',
  usage,
  async run(ctx: CliContext): Promise<ExitCode> {
    const { values } = parseCommandArgs('runs', ctx.args, {
      task: { type: 'string' },
      limit: { type: 'string', short: 'n' },
      json: { type: 'boolean' },
      imported: { type: 'boolean' },
      columns: { type: 'string' },
      sort: { type: 'string' },
      filter: { type: 'string' },
      csv: { type: 'boolean' },
    });
    if (values.csv === true && values.json === true) {
      throw new UsageError('--csv and --json are alternatives', 'give one');
    }
    // An export is complete unless a limit is asked for; the table shows the newest 20.
    const limit = positiveInt(
      'limit',
      values.limit as string | undefined,
      values.csv === true ? Infinity : 20,
    );
    const root = workspaceRoot(ctx);
    const store = new RunStore(root);
    const task = values.task as string | undefined;
    const table: TableOptions = {
      ...(values.columns !== undefined ? { columns: values.columns as string } : {}),
      ...(values.sort !== undefined ? { sort: values.sort as string } : {}),
      ...(values.filter !== undefined ? { filter: values.filter as string } : {}),
    };
    // Filtering and sorting look at every run; the limit applies to what they keep.
    const whole = table.sort !== undefined || table.filter !== undefined;
    // Every run through the runs index (one file and a stat per run, not every run.json), and runs
    // whose supervisor died shown final, also when the workspace cannot be written.
    const listed = await listIndexedRuns(store);
    const unfinished = listed.runs.filter((r) => !isFinalStatus(r.status)).map((r) => r.id);
    const reconciled =
      unfinished.length > 0 ? await reconcileRuns(store, { warn: warnTo(ctx), ids: unfinished }) : [];
    const ofTask = withReconciled(listed.runs, reconciled).filter(
      (r) => task === undefined || r.task === task,
    );
    const json = values.json === true;
    const listImported = values.imported === true;
    // Imported runs are listed after ours (not in CSV, and in JSON only with --imported); a filter
    // applies to them too, so their names count as fields.
    const found =
      values.csv !== true && (!json || listImported)
        ? (await scanImportedRuns(store, ctx.signal)).runs
        : undefined;
    const ofTaskImported = found?.filter((r) => task === undefined || r.task === task);
    const importedRecords = table.filter !== undefined ? (ofTaskImported ?? []).map(importedRunRecord) : [];
    const selection = await selectRuns(
      store,
      whole ? ofTask : ofTask.slice(0, limit),
      table,
      // Names are looked up among every run of the task, also those the limit leaves out.
      whole ? importedRecords : [...importedRecords, ...ofTask],
    );
    const filter = selection.filter;
    // A `name:@<step>` field of the filter reads the imported runs' logs (once per source, only then).
    const importedStepValue = filter
      ? await loadImportedStepValues(importedRecords, filterFields(filter), (source) =>
          readSource(source, ctx.signal),
        )
      : undefined;
    const imported = filter
      ? ofTaskImported?.filter((_, i) =>
          matchesFilter(importedRecords[i], filter, { stepValue: importedStepValue }),
        )
      : ofTaskImported;
    const runs = selection.runs.slice(0, limit);
    // Runs left out by --limit are said (on stderr, so a CSV stays a CSV): a cut table or export must
    // not pass for the whole store.
    const total = whole ? selection.runs.length : ofTask.length;
    if (runs.length < total && values.json !== true) {
      ctx.stderr.write(`xlens: ${runs.length} of ${total} runs shown; --limit ${total} shows them all.\n`);
    }
    const problems = listed.problems;
    for (const problem of problems) {
      ctx.stderr.write(inertLines(`xlens: warning: skipped run folder ${problem.id}: ${problem.message}\n`));
    }
    // The table lists imported runs after ours (within --limit); JSON keeps its array shape unless
    // --imported asks for them.
    if (values.csv === true) {
      const csv = runsCsv(runs, selection.columns ?? allColumns(runs), selection.stepValue);
      // Redirected, the CSV is the data byte for byte; on a terminal, names from the workspace stay inert.
      ctx.stdout.write(ctx.stdout.isTTY === true ? inertLines(csv, { keepTabs: true }) : csv);
      return ExitCode.ok;
    }
    if (json) {
      const body = imported
        ? { runs, imported: imported.slice(0, limit), importedTotal: imported.length }
        : runs;
      ctx.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
      return ExitCode.ok;
    }
    if (runs.length === 0) {
      ctx.stdout.write(
        table.filter !== undefined && ofTask.length > 0
          ? `No run matches the filter (${ofTask.length} runs looked at).\n`
          : task
            ? inertLines(`No runs of task "${task}" yet.\n`)
            : 'No runs yet. Start one with `xlens run <task>`.\n',
      );
    } else if (table.columns !== undefined || whole) {
      ctx.stdout.write(inertLines(`${runsTableText(runs, shownColumns(selection), selection.stepValue)}\n`));
    } else {
      printRuns(ctx, runs);
    }
    // Imported runs follow as a second table (within --limit); with --imported, also when there are none.
    if (imported && (listImported || imported.length > 0)) {
      printImported(ctx, imported, limit);
    }
    return ExitCode.ok;
  },
};

function printRuns(ctx: CliContext, runs: RunRecord[]): void {
  // The CHECKS column only when a listed run has check results (tasks without `checks:` look as before).
  const withChecks = runs.some((r) => (r.checks?.length ?? 0) > 0);
  // The FROM column only when a listed run was pulled from a remote (`xlens pull`).
  const withOrigin = runs.some((r) => r.origin !== undefined);
  const rows = runs.map((r) => [
    r.id,
    r.task,
    statusCell(r),
    shortSha(r.git.commit),
    r.git.dirty ? 'yes' : r.git.commit ? 'no' : MISSING,
    runDuration(r),
    ...(withChecks ? [checksCell(r)] : []),
    ...(withOrigin ? [r.origin ? `pulled: ${r.origin.remote}` : 'local'] : []),
    metricsText(r.metrics, 3),
  ]);
  const headers = ['ID', 'TASK', 'STATUS', 'COMMIT', 'DIRTY', 'DURATION'];
  headers.push(...(withChecks ? ['CHECKS'] : []), ...(withOrigin ? ['FROM'] : []), 'METRICS');
  ctx.stdout.write(inertLines(`${textTable(headers, rows)}\n`));
}

/** The status, and for an active Slurm run its job and Slurm's reason: `queued (Slurm 42: Resources)`. */
function statusCell(run: RunRecord): string {
  const job = run.slurm;
  if (!job || isFinalStatus(run.status)) {
    return run.status;
  }
  const why = run.status === 'queued' ? (job.reason ?? job.state) : (job.nodes ?? job.state);
  return `${run.status} (Slurm ${job.jobId}: ${why})`;
}

/** `3/3 ✔`, `1/3 ✖` (failed of total), or the dash for a run without check results. */
function checksCell(run: RunRecord): string {
  const { passed, failed } = checkCounts(run);
  if (passed + failed === 0) {
    return MISSING;
  }
  return failed === 0 ? `${passed}/${passed} ✔` : `${failed}/${passed + failed} ✖`;
}

/** The imported runs (at most `limit`) as a table after our own runs. */
function printImported(ctx: CliContext, imported: ImportedRun[], limit: number): void {
  if (imported.length === 0) {
    ctx.stdout.write('\nNo imported runs (TensorBoard, MLflow, DVCLive, CSV logs) in this workspace.\n');
    return;
  }
  // Nested MLflow runs follow their parent, indented.
  const shown = nestImportedRuns(imported).ordered().slice(0, limit);
  const rows = shown.map(({ run: r, depth }) => [
    r.format,
    depth > 0 ? `${'  '.repeat(depth - 1)}└ ${r.name}` : r.name,
    r.status ?? MISSING,
    shortSha(r.gitCommit),
    r.relativePath,
    keyMetricsText(lastValues(r.metrics.filter((m) => m.points > 0)), { limit: 3, style: 'assign' }),
  ]);
  const count =
    shown.length < imported.length ? `${shown.length} of ${imported.length}` : `${imported.length}`;
  ctx.stdout.write(
    inertLines(
      `\nImported runs (${count}):\n${textTable(['FORMAT', 'NAME', 'STATUS', 'COMMIT', 'PATH', 'METRICS'], rows)}\n`,
    ),
  );
  if (shown.length < imported.length) {
    ctx.stdout.write(
      `... and ${imported.length - shown.length} more (--limit ${imported.length} lists them all; xlens import <path> for one folder)\n`,
    );
  }
}
