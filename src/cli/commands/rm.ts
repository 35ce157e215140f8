/** `xlens rm <run>...`: deletes runs of this workspace (folder and git snapshot ref). */
import { UsageError } from '../usage';
import { UserInputError } from '../../core/base/errors';
import { isAlive } from '../../core/base/process';
import { reconcileRuns } from '../../core/runs/reconcile';
import { RunStore } from '../../core/runs/store';
import type { RunRecord } from '../../core/runs/types';
import { ExitCode, type CliCommand, type CliContext } from '../command';
import { warnTo, withReconciled } from '../runText';
import { parseCommandArgs, workspaceRoot } from '../workspace';

const usage = `Usage: xlens rm <run>... [--force] [--json]

Deletes runs of this workspace: each run's folder under .xlens/runs/ (record, metrics, output, artifacts)
and its git snapshot ref refs/xlens/runs/<id>, so \`git gc\` can reclaim the snapshot's objects once
nothing else refers to them. Files the run wrote into the workspace (outputs:) are left alone. <run> is
as in \`xlens show\`: a full id, a unique prefix of one or of its random part, \`latest\` or
\`latest:<task>\`. Every <run> is resolved before anything is deleted; imported runs (other tools'
logs) are never deleted.

Options:
  --force   also delete a run that is still running (its task keeps running; cancel it first to stop it)
  --json    print {"deleted": [{id, task, status, snapshot}]} instead of one line per run

Exit codes: 0 deleted, 2 bad input (no such run, a run still running without --force).`;

export const rmCommand: CliCommand = {
  name: 'rm',
  usage,
  async run(ctx: CliContext): Promise<ExitCode> {
    const { values, positionals } = parseCommandArgs('rm', ctx.args, {
      force: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    if (positionals.length === 0) {
      throw new UsageError(
        'no runs named',
        'e.g. xlens rm latest or xlens rm 20261124T090612Z-7f3a09c2; xlens runs lists them',
      );
    }
    const store = new RunStore(workspaceRoot(ctx));
    // Runs whose supervisor died are finalised, so "running" means running.
    const reconciled = await reconcileRuns(store, { warn: warnTo(ctx) });
    const runs = new Map<string, RunRecord>();
    for (const ref of positionals) {
      const [run] = withReconciled([await store.resolve(ref)], reconciled);
      runs.set(run.id, run);
    }
    if (values.force !== true) {
      const running = [...runs.values()].filter(
        (r) => (r.status === 'running' || r.status === 'queued') && (r.pid === undefined || isAlive(r.pid)),
      );
      if (running.length > 0) {
        throw new UserInputError(
          `${running.map((r) => `${r.id} (${r.task})`).join(', ')} ${running.length === 1 ? 'is' : 'are'} ` +
            'still running; cancel it first (Ctrl-C where it runs, or Cancel Run in the editor), or add --force to delete it anyway.',
        );
      }
    }
    const deleted: { id: string; task: string; status: string; snapshot: string | null }[] = [];
    for (const run of runs.values()) {
      await store.delete(run.id);
      deleted.push({ id: run.id, task: run.task, status: run.status, snapshot: run.git.snapshot });
      if (values.json !== true) {
        const ref = run.git.snapshot ? ` and its snapshot ref refs/xlens/runs/${run.id}` : '';
        ctx.stdout.write(`deleted ${run.id} (${run.task}, ${run.status})${ref}\n`);
      }
    }
    if (values.json === true) {
      ctx.stdout.write(`${JSON.stringify({ deleted }, null, 2)}\n`);
    }
    return ExitCode.ok;
  },
};
