/** `xlens queue`: the workspace's local run queue: list, cancel, and the worker's own entry. */
import { UsageError } from '../usage';
import { UserInputError } from '../../core/base/errors';
import { cancelQueuedRun, liveWorker, startQueueWorker } from '../../core/queue/localQueue';
import { readQueue } from '../../core/queue/queueFiles';
import { runQueueWorker } from '../../core/queue/worker';
import { RunStore } from '../../core/runs/store';
import { isFinalStatus } from '../../core/runs/types';
import { ExitCode, type CliCommand, type CliContext } from '../command';
import { inertLines } from '../terminalText';
import { loadConfigOrReport, parseCommandArgs, workspaceRoot } from '../workspace';

const usage = `Usage: xlens queue [--json]
       xlens queue cancel <run>
       xlens queue worker

The local run queue of this workspace (.xlens/queue/). \`xlens run --queue <task>\` (or Queue Task in
the editor) adds a run with status queued; one worker per workspace starts queued runs in order, at
most \`queue: {concurrency}\` at a time, each with its own GPU of \`queue: {gpus}\` through
CUDA_VISIBLE_DEVICES, and exits when the queue is empty. Runs are recorded exactly as \`xlens run\`.

  xlens queue           list running and pending runs: position, run, task, status, GPU; starts a
                        worker when the queue holds runs and none is running
  xlens queue cancel    remove a pending run (recorded cancelled), or stop a started one
  xlens queue worker    run the worker in this terminal (normally started detached; it leaves at
                        once when another worker holds .xlens/queue/worker.lock). Log:
                        .xlens/queue/worker.log

Exit codes: 0 done; 1 the run to cancel had already ended; 2 bad input (a queue file that is not an
entry is named with the fix; nothing is deleted).`;

export const queueCommand: CliCommand = {
  name: 'queue',
  usage,
  async run(ctx: CliContext): Promise<ExitCode> {
    const { values, positionals } = parseCommandArgs('queue', ctx.args, { json: { type: 'boolean' } });
    const [action, ...rest] = positionals;
    const root = workspaceRoot(ctx);
    if (action === undefined) {
      return list(ctx, root, values.json === true);
    }
    if (action === 'cancel') {
      if (rest.length !== 1) {
        throw new UsageError('queue cancel needs one run', 'e.g. xlens queue cancel <run id>');
      }
      return cancel(ctx, root, rest[0]);
    }
    if (action === 'worker' && rest.length === 0) {
      return work(ctx, root);
    }
    throw new UsageError(
      `unknown action "${action}"`,
      'use xlens queue, xlens queue cancel <run> or xlens queue worker',
    );
  },
};

async function list(ctx: CliContext, root: string, json: boolean): Promise<ExitCode> {
  const { entries, problems } = await readQueue(root);
  const worker = await liveWorker(root);
  let started: number | undefined;
  if (!worker && entries.length > 0) {
    // Pending runs need a worker; entries of started runs left by a worker that died need one to adopt
    // or clear them.
    started = startQueueWorker(root);
  }
  const running = entries.filter((e) => e.state === 'running');
  const pending = entries.filter((e) => e.state === 'pending');
  const rows = [...running, ...pending].map((e, i) => ({
    position: e.state === 'pending' ? i - running.length + 1 : 0,
    run: e.run,
    task: e.task,
    status: e.state === 'pending' ? 'queued' : 'running',
    gpu: e.gpu ?? null,
  }));
  if (json) {
    ctx.stdout.write(JSON.stringify({ runs: rows, worker: worker?.pid ?? started ?? null }, null, 2) + '\n');
  } else {
    ctx.stdout.write(
      worker
        ? `worker pid ${worker.pid}\n`
        : started !== undefined
          ? `worker started (pid ${started})\n`
          : 'no worker running (the queue is empty)\n',
    );
    if (rows.length > 0) {
      const table = [
        ['#', 'RUN', 'TASK', 'STATUS', 'GPU'],
        ...rows.map((r) => [
          r.position === 0 ? '-' : String(r.position),
          r.run,
          r.task,
          r.status,
          r.gpu ?? '',
        ]),
      ];
      const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
      for (const row of table) {
        ctx.stdout.write(
          inertLines(
            row
              .map((cell, c) => cell.padEnd(widths[c]))
              .join('  ')
              .trimEnd() + '\n',
          ),
        );
      }
    }
  }
  for (const problem of problems) {
    ctx.stderr.write(inertLines(`xlens: ${problem.message}\n`));
  }
  return problems.length > 0 ? ExitCode.badInput : ExitCode.ok;
}

async function cancel(ctx: CliContext, root: string, ref: string): Promise<ExitCode> {
  const store = new RunStore(root);
  try {
    const run = await store.resolve(ref);
    if (run.queue === undefined) {
      throw new UserInputError(
        `run ${run.id} was not queued (it was started by \`xlens run\`); stop it where it runs (Ctrl-C, or Cancel Run in the editor).`,
      );
    }
    if (isFinalStatus(run.status)) {
      ctx.stdout.write(inertLines(`run ${run.id} already ended (${run.status})\n`));
      return ExitCode.failed;
    }
    const how = await cancelQueuedRun(store, run);
    ctx.stdout.write(
      inertLines(
        how === 'removed'
          ? `cancelled run ${run.id} (${run.task}): removed from the queue\n`
          : how === 'signalled'
            ? `cancelling run ${run.id} (${run.task}): its supervisor stops the task and records it cancelled\n`
            : `run ${run.id} already ended\n`,
      ),
    );
    return how === 'ended' ? ExitCode.failed : ExitCode.ok;
  } finally {
    store.dispose();
  }
}

async function work(ctx: CliContext, root: string): Promise<ExitCode> {
  const project = await loadConfigOrReport(ctx, root);
  const store = new RunStore(root);
  try {
    const log = (line: string): void => {
      ctx.stdout.write(inertLines(`${new Date().toISOString()} ${line}\n`));
    };
    await runQueueWorker({
      store,
      settings: project.queue ?? { concurrency: 1, gpus: [] },
      signal: ctx.signal,
      log,
    });
    return ExitCode.ok;
  } finally {
    store.dispose();
  }
}
