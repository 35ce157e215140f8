/** `xlens run <task>`: runs a task of xlens.yaml as a tracked run, streaming its output. */
import { UsageError } from '../usage';
import { UserInputError } from '../../core/base/errors';
import { parseParamOverride } from '../../core/config/params';
import { checkCounts, checkResultText, checksSummaryText } from '../../core/checks/evaluate';
import { TaskRunner } from '../../core/runner/taskRunner';
import { enqueueRun } from '../../core/queue/localQueue';
import { reconcileRuns } from '../../core/runs/reconcile';
import { RunStore } from '../../core/runs/store';
import type { ParamValue, RunRecord } from '../../core/runs/types';
import { ExitCode, type CliCommand, type CliContext } from '../command';
import { shortSha } from '../../shared/formatting';
import { metricsText, runDuration, warnTo } from '../runText';
import { OutputRelay } from '../outputRelay';
import { ProgressLine } from '../progress';
import { loadConfigOrReport, parseCommandArgs, workspaceRoot } from '../workspace';
import { inertLines } from '../terminalText';
import { dict } from '../../shared/dict';

const usage = `Usage: xlens run <task> [--set key=value ...] [--quiet] [--detach] [-- extra arguments]

Runs a task of xlens.yaml and records it under .xlens/runs/<id>/: git commit (and a snapshot of
uncommitted changes), params, data fingerprints, output, metrics and artifacts.

Options:
  --set key=value   override a param for this run (repeatable); recorded with source --set.
                    For kind: tfjs-train also epochs, batch_size, learning_rate, validation_split,
                    holdout_split and seed.
  --quiet, -q       do not print the task's output (it is still saved to output.log)
  --queue           add the run to the workspace's local queue and return (status queued); the
                    queue worker starts it when a slot (and a GPU of \`queue: {gpus}\`) is free.
                    See \`xlens queue\`.
  --detach          for a task with \`executor: slurm\`: return once the job is submitted (the run is
                    then queued); \`xlens runs\` and the Runs view follow it from there
  -- args...        append arguments to a \`run:\` command (shell-quoted)

Ctrl-C (also SIGTERM, or SIGHUP when the terminal closes) cancels the run (SIGTERM to the task,
SIGKILL after 5 s) and records it as cancelled.
Exit codes:
  0  the run succeeded (and so did its checks, if the task declares \`checks:\`)
  1  the run failed or was cancelled
  2  bad input: the config, an argument, a missing input; no run is made
  3  the run succeeded but one of its checks failed (a CI job can gate on it: see the
     README, Checks); \`xlens show <run>\` lists each check with its value and reason`;

const MAX_PRINTED_WARNINGS = 20;

/** Parses `--set key=value` pairs. @throws UserInputError for a pair without `=` or key. */
export function parseOverrides(pairs: string[]): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = dict();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      throw new UserInputError(`--set ${pair}: write --set key=value (e.g. --set lr=0.01).`);
    }
    out[pair.slice(0, eq).trim()] = parseParamOverride(pair.slice(eq + 1));
  }
  return out;
}

function header(record: RunRecord): string {
  const git = record.git;
  const where = git.commit
    ? `commit ${shortSha(git.commit)}${git.branch ? ` on ${git.branch}` : ''}${
        git.dirty ? ` + uncommitted changes (snapshot ${shortSha(git.snapshot)})` : ''
      }`
    : `no git commit (${git.note ?? 'repository has no commits yet'})`;
  const job = record.slurm
    ? ` · Slurm job ${record.slurm.jobId}${record.slurm.nodes ? ` on ${record.slurm.nodes}` : ''}`
    : '';
  return `▶ ${record.task} · run ${record.id}${job} · ${where}\n`;
}

/** `⏳ train · run <id> · Slurm job 12 PENDING (Resources, 2nd in queue)`, or '' for a local run. */
function slurmQueuedText(record: RunRecord): string {
  const job = record.slurm;
  if (!job) {
    return '';
  }
  const why = [
    job.reason,
    job.position !== undefined ? `position ${job.position} in its partition` : undefined,
  ]
    .filter((x) => x !== undefined)
    .join(', ');
  const where = job.partition ? ` in partition ${job.partition}` : '';
  return `⏳ ${record.task} · run ${record.id} · Slurm job ${job.jobId}${where} ${job.state}${why ? ` (${why})` : ''}\n`;
}

function footer(record: RunRecord, runDir: string): string {
  const icon = record.status === 'succeeded' ? '✔' : record.status === 'cancelled' ? '■' : '✖';
  const reason = record.error && record.error !== record.status ? ` (${record.error})` : '';
  const metrics = metricsText(record.metrics, 4);
  const checks = (record.checks ?? []).map((c) => `  ${checkResultText(c)}\n`).join('');
  const summary = checksSummaryText(record);
  return `${icon} ${record.task} ${record.status}${reason} in ${runDuration(record)}${metrics ? ` · ${metrics}` : ''}${summary ? ` · ${summary}` : ''}\n${checks}  ${runDir}\n`;
}

export const runCommand: CliCommand = {
  name: 'run',
  usage,
  async run(ctx: CliContext): Promise<ExitCode> {
    const dashdash = ctx.args.indexOf('--');
    const own = dashdash < 0 ? ctx.args : ctx.args.slice(0, dashdash);
    const extraArgs = dashdash < 0 ? [] : ctx.args.slice(dashdash + 1);
    const { values, positionals } = parseCommandArgs('run', own, {
      set: { type: 'string', multiple: true },
      quiet: { type: 'boolean', short: 'q' },
      queue: { type: 'boolean' },
      // Internal: how a queue worker starts a queued run (src/core/queue/worker.ts).
      queued: { type: 'string' },
      detach: { type: 'boolean' },
    });
    if (positionals.length !== 1) {
      throw positionals.length === 0
        ? new UsageError('no task named', 'e.g. xlens run train; the tasks are listed in xlens.yaml')
        : new UsageError(
            `one task at a time (got ${positionals.join(', ')})`,
            'pass extra arguments after --',
          );
    }
    const taskName = positionals[0];
    const overrides = parseOverrides((values.set as string[] | undefined) ?? []);
    const root = workspaceRoot(ctx);
    const project = await loadConfigOrReport(ctx, root);
    const store = new RunStore(root);
    await reconcileRuns(store, { warn: warnTo(ctx) });
    const runner = new TaskRunner(project, store);
    if (values.queue === true) {
      return queueRun(ctx, runner, taskName, { overrides, extraArgs });
    }
    const queued = typeof values.queued === 'string' ? await queuedRun(store, values.queued) : undefined;
    if (queued === null) {
      ctx.stdout.write(`run ${values.queued as string} is no longer queued; not started\n`);
      store.dispose();
      return ExitCode.failed;
    }
    const quiet = values.quiet === true;
    const kind = project.tasks.get(taskName)?.kind;
    const progress = new ProgressLine(ctx.stdout, kind === 'tfjs-train' ? 'epoch' : 'step');
    let slurmShown = '';
    runner.onDidChangeStatus((record) => {
      if (record.status === 'running') {
        progress.write(ctx.stdout, inertLines(header(record)));
      }
      const job = record.status === 'queued' ? slurmQueuedText(record) : '';
      if (job !== '' && job !== slurmShown) {
        slurmShown = job;
        progress.write(ctx.stdout, inertLines(job));
      }
    });
    // A reader slower than the task (a paused pager) must not make this process hold the output.
    const relay = new OutputRelay();
    runner.onOutput((o) => {
      if (!quiet) {
        const stream = o.stream === 'stdout' ? ctx.stdout : ctx.stderr;
        const text = relay.admit(stream, o.text);
        if (text !== '') {
          progress.write(stream, text);
        }
      }
    });
    runner.onMetric((m) => progress.metric(m.step, m.values));
    let warnings = 0;
    runner.onWarning((w) => {
      // A task writing thousands of bad lines should not bury its own output; run.json counts them all.
      if (++warnings <= MAX_PRINTED_WARNINGS) {
        progress.write(ctx.stderr, inertLines(`xlens: warning: ${w.message}\n`));
      } else if (warnings === MAX_PRINTED_WARNINGS + 1) {
        progress.write(ctx.stderr, 'xlens: further warnings are counted in run.json (xlens show latest)\n');
      }
    });

    const detach = values.detach === true;
    const handle = await runner.start(taskName, {
      overrides,
      signal: ctx.signal,
      extraArgs,
      detach,
      ...(queued
        ? { queued, ...(ctx.env.CUDA_VISIBLE_DEVICES ? { gpu: ctx.env.CUDA_VISIBLE_DEVICES } : {}) }
        : {}),
    });
    if (detach) {
      const record = await handle.done;
      runner.dispose();
      store.dispose();
      if (record.status !== 'queued') {
        ctx.stdout.write(inertLines(footer(record, handle.runDir)));
        return ExitCode.failed;
      }
      ctx.stdout.write(
        inertLines(
          `Detached: follow with \`xlens show ${record.id} --follow\`; \`xlens runs\` shows its state.\n`,
        ),
      );
      return ExitCode.ok;
    }
    progress.start();
    let record: RunRecord;
    try {
      record = await handle.done;
    } finally {
      progress.stop();
      runner.dispose();
      store.dispose();
    }
    for (const stream of [ctx.stdout, ctx.stderr]) {
      const left = relay.finish(stream);
      if (left !== '') {
        stream.write(left);
      }
    }
    ctx.stdout.write(inertLines(footer(record, handle.runDir)));
    if (record.status !== 'succeeded') {
      return ExitCode.failed;
    }
    return checkCounts(record).failed > 0 ? ExitCode.checkFailed : ExitCode.ok;
  },
};

/** `xlens run --queue`: queues the run and says where it stands. */
async function queueRun(
  ctx: CliContext,
  runner: TaskRunner,
  taskName: string,
  options: { overrides: Record<string, ParamValue>; extraArgs: string[] },
): Promise<ExitCode> {
  try {
    const { record, position } = await enqueueRun(runner, taskName, options);
    ctx.stdout.write(
      inertLines(
        `queued ${record.task} · run ${record.id} · position ${position}\n` +
          `  xlens queue lists the queue; xlens queue cancel ${record.id} removes it\n`,
      ),
    );
    return ExitCode.ok;
  } finally {
    runner.dispose();
    runner.store.dispose();
  }
}

/** The queued run a worker asks to start, or null when it is no longer queued (cancelled meanwhile). */
async function queuedRun(store: RunStore, id: string): Promise<RunRecord | null> {
  const record = await store.read(id);
  return record.status === 'queued' && record.queue !== undefined ? record : null;
}
