/** `xlens gc`: deletes old runs (folders and refs), never running or starred ones. */
import { UsageError } from '../usage';
import { UserInputError } from '../../core/base/errors';
import { parseDuration } from '../../core/config/duration';
import { executeGc, planGc } from '../../core/runs/gc';
import { reconcileRuns } from '../../core/runs/reconcile';
import { RunStore } from '../../core/runs/store';
import { formatBytes } from '../../shared/formatting';
import { ExitCode, type CliCommand, type CliContext } from '../command';
import { warnTo } from '../runText';
import { inertLines } from '../terminalText';
import { parseCommandArgs, workspaceRoot } from '../workspace';

const usage = `Usage: xlens gc [--keep N] [--older-than 30d] [--dry-run]

Deletes old runs of this workspace: each run's folder under .xlens/runs/ and its refs
refs/xlens/runs/<id> (code snapshot) and refs/xlens/records/<id> (shared record), so \`git gc\` can
reclaim their objects. With --keep N the N newest runs stay; with --older-than only runs created
before that age go (units ms, s, m, h, d: 30d, 12h); with both, a run must satisfy both to go.
Runs still running and starred runs (annotations.json) are never deleted. Prints each run deleted
and the space freed (the run folders' sizes).

Options:
  --keep N            keep the N newest runs (N >= 0)
  --older-than AGE    delete only runs older than AGE
  --dry-run           print what would be deleted, delete nothing

Exit code: 0 done, 2 bad input.`;

export const gcCommand: CliCommand = {
  name: 'gc',
  usage,
  async run(ctx: CliContext): Promise<ExitCode> {
    const { values, positionals } = parseCommandArgs('gc', ctx.args, {
      keep: { type: 'string' },
      'older-than': { type: 'string' },
      'dry-run': { type: 'boolean' },
    });
    if (positionals.length > 0) {
      throw new UsageError(
        `xlens gc takes no runs (got ${positionals.join(' ')})`,
        'to delete given runs, use xlens rm',
      );
    }
    let keep: number | undefined;
    if (values.keep !== undefined) {
      keep = Number(values.keep);
      if (!Number.isInteger(keep) || keep < 0) {
        throw new UserInputError(`--keep must be a whole number >= 0, not "${String(values.keep)}".`);
      }
    }
    let olderThanMs: number | undefined;
    if (values['older-than'] !== undefined) {
      olderThanMs = parseDuration(values['older-than'] as string);
      if (olderThanMs === undefined) {
        throw new UserInputError(
          `--older-than: "${String(values['older-than'])}" is not an age; write e.g. 30d, 12h or 90m.`,
        );
      }
    }
    if (keep === undefined && olderThanMs === undefined) {
      throw new UsageError('no runs chosen to delete', 'give --keep N, --older-than 30d, or both');
    }
    const dryRun = values['dry-run'] === true;
    const store = new RunStore(workspaceRoot(ctx));
    try {
      await reconcileRuns(store, { warn: warnTo(ctx) });
      const plan = await planGc(store, { keep, olderThanMs });
      for (const { run, reason } of plan.spared) {
        ctx.stdout.write(inertLines(`kept ${run.id} (${run.task}): ${reason}\n`));
      }
      for (const { run, bytes } of plan.remove) {
        ctx.stdout.write(
          inertLines(
            `${dryRun ? 'would delete' : 'deleted'} ${run.id} (${run.task}, ${run.status}, ${run.createdAt}, ${formatBytes(bytes)})\n`,
          ),
        );
      }
      if (!dryRun) {
        await executeGc(store, plan);
      }
      const n = plan.remove.length;
      ctx.stdout.write(
        `${dryRun ? 'would delete' : 'deleted'} ${n} run${n === 1 ? '' : 's'}, ${dryRun ? 'freeing' : 'freed'} ${formatBytes(plan.bytes)} (${plan.bytes} bytes)\n`,
      );
      return ExitCode.ok;
    } finally {
      store.dispose();
    }
  },
};
