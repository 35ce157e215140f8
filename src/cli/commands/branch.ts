/** `xlens branch <run> <name>`: a branch at a run's code. */
import { UsageError } from '../usage';
import { createRunBranch } from '../../core/git/runCode';
import { RunStore } from '../../core/runs/store';
import { shortSha } from '../../shared/formatting';
import { ExitCode, type CliCommand, type CliContext } from '../command';
import { inertLines } from '../terminalText';
import { parseCommandArgs, workspaceRoot } from '../workspace';

const usage = `Usage: xlens branch <run> <name>

Creates branch <name> at <run>'s code: its snapshot commit when it started from uncommitted changes
(a commit on top of the run's commit holding them), else its commit. The current branch and the
working tree are not changed; \`git switch <name>\` goes there. An existing branch is never moved.

Exit code: 0 created, 2 bad input (no such run, invalid or existing branch name).`;

export const branchCommand: CliCommand = {
  name: 'branch',
  usage,
  async run(ctx: CliContext): Promise<ExitCode> {
    const { positionals } = parseCommandArgs('branch', ctx.args, {});
    if (positionals.length !== 2) {
      throw new UsageError('needs a run and a new branch', 'e.g. xlens branch latest:train try-lr');
    }
    const root = workspaceRoot(ctx);
    const store = new RunStore(root);
    try {
      const run = await store.resolve(positionals[0]);
      const at = await createRunBranch(root, run, positionals[1]);
      ctx.stdout.write(
        inertLines(`created branch ${positionals[1]} at ${shortSha(at)}, the code of run ${run.id}\n`),
      );
      return ExitCode.ok;
    } finally {
      store.dispose();
    }
  },
};
