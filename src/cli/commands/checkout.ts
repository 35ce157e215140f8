/** `xlens checkout <run> [--stash]`: puts a run's code into the working tree. */
import { UsageError } from '../usage';
import { checkoutRunCode } from '../../core/git/runCode';
import { RunStore } from '../../core/runs/store';
import { shortSha } from '../../shared/formatting';
import { ExitCode, type CliCommand, type CliContext } from '../command';
import { inertLines } from '../terminalText';
import { parseCommandArgs, workspaceRoot } from '../workspace';

const usage = `Usage: xlens checkout <run> [--stash]

Puts <run>'s code into the working tree: HEAD is detached at the run's commit and, when the run
started from uncommitted changes, the working tree gets its snapshot (refs/xlens/runs/<id>), so those
changes show as uncommitted again. Go back with \`git switch -\`.

A working tree with uncommitted changes is refused, unless --stash: it runs
\`git stash push --include-untracked -m "xlens: before checking out run <id>"\` first (get the
changes back with \`git stash pop\`). No git hook runs.

Exit code: 0 done, 2 bad input (no such run, uncommitted changes, code not in this repository).`;

export const checkoutCommand: CliCommand = {
  name: 'checkout',
  usage,
  async run(ctx: CliContext): Promise<ExitCode> {
    const { values, positionals } = parseCommandArgs('checkout', ctx.args, { stash: { type: 'boolean' } });
    if (positionals.length !== 1) {
      throw new UsageError(`needs one run (got ${positionals.length})`, 'e.g. xlens checkout latest:train');
    }
    const root = workspaceRoot(ctx);
    const store = new RunStore(root);
    try {
      const run = await store.resolve(positionals[0]);
      const done = await checkoutRunCode(root, run, { stash: values.stash === true });
      if (done.stashed !== undefined) {
        ctx.stdout.write(
          inertLines(`stashed your changes: "${done.stashed}" (git stash pop brings them back)\n`),
        );
      }
      ctx.stdout.write(
        `HEAD is now at ${shortSha(done.commit)} (detached), the code of run ${run.id}` +
          (done.snapshot !== null
            ? ` with its uncommitted changes from snapshot ${shortSha(done.snapshot)}`
            : '') +
          '\n',
      );
      return ExitCode.ok;
    } finally {
      store.dispose();
    }
  },
};
