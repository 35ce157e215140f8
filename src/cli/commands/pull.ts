/** `xlens pull [<remote>]`: brings runs shared through a git remote into this workspace. */
import { UsageError } from '../usage';
import { RunStore } from '../../core/runs/store';
import { pullRuns } from '../../core/share/share';
import { ExitCode, type CliCommand, type CliContext } from '../command';
import { inertLines } from '../terminalText';
import { parseCommandArgs, workspaceRoot } from '../workspace';

const usage = `Usage: xlens pull [<remote>]

Fetches the runs shared on a git remote (default origin) with \`xlens push\`: refs/xlens/records/*
and refs/xlens/runs/* (code snapshots). Each run not in this workspace yet is written to
.xlens/runs/<id> with "origin" in its run.json (the remote and the record commit); it is listed by
\`xlens runs\` and the editor beside local runs. A pulled run is read-only: running its task again
(Re-run, \`xlens run\`, \`xlens reproduce\`) makes a new local run. A local run of the same id is
never overwritten. No git hook runs.

Exit code: 0 pulled, 2 bad input (no repository, git refused: its message).`;

export const pullCommand: CliCommand = {
  name: 'pull',
  usage,
  async run(ctx: CliContext): Promise<ExitCode> {
    const { positionals } = parseCommandArgs('pull', ctx.args, {});
    if (positionals.length > 1) {
      throw new UsageError(`one remote at most (got ${positionals.length})`, 'e.g. xlens pull origin');
    }
    const remote = positionals[0] ?? 'origin';
    const store = new RunStore(workspaceRoot(ctx));
    try {
      const result = await pullRuns(store.root, store, remote);
      for (const id of result.added) {
        ctx.stdout.write(`pulled ${id}\n`);
      }
      for (const id of result.updated) {
        ctx.stdout.write(`updated ${id}\n`);
      }
      for (const id of result.keptAnnotations) {
        ctx.stdout.write(`kept the star and note of ${id} set here over the remote's\n`);
      }
      if (result.refused !== undefined) {
        ctx.stderr.write(inertLines(`xlens: warning: ${result.refused}\n`));
      }
      for (const { id, reason } of result.skipped) {
        ctx.stderr.write(inertLines(`xlens: warning: skipped ${id}: ${reason}\n`));
      }
      ctx.stdout.write(
        inertLines(`${result.added.length} new runs, ${result.updated.length} updated from ${remote}\n`),
      );
      return ExitCode.ok;
    } finally {
      store.dispose();
    }
  },
};
