/** `xlens reproduce <run>`: re-runs a run from its recorded code, data and params, and compares. */
import { UsageError } from '../usage';
import { textTable } from '../../core/base/textTable';
import type { MetricComparison } from '../../core/reproduce/comparison';
import { reproduceRun } from '../../core/reproduce/reproduce';
import { reconcileRuns } from '../../core/runs/reconcile';
import { RunStore } from '../../core/runs/store';
import { ExitCode, type CliCommand, type CliContext } from '../command';
import { OutputRelay } from '../outputRelay';
import { warnTo } from '../runText';
import { inertLines, inertText } from '../terminalText';
import { parseCommandArgs, workspaceRoot } from '../workspace';
import { parseOverrides } from './run';

const usage = `Usage: xlens reproduce <run> [--set key=value ...] [--allow-data-change] [--quiet] [--json]

Runs <run>'s task again from the run's own code (its git snapshot, or its commit when the tree was
clean), checked out into a temporary git worktree, so your working tree, index, stash and branch are
left exactly as they are. The recorded params are used (change some with --set); the new run is
recorded with reproducedFrom: <run>, outputs the task writes land in the new run's
artifacts/outputs/, and each metric's last value is compared with the original's.

Before running, each input recorded under data: is fingerprinted again (inputs that git does not
hold, such as ignored data sets, are read from the workspace); a changed or missing input stops the
reproduction (exit 2) with the recorded and current sha256 of each.

Options:
  --set key=value       change a param (repeatable)
  --allow-data-change   run even when inputs changed (they are listed)
  --quiet, -q           do not print the task's output (it is saved to output.log)
  --json                print {"original", "reproduced", "comparison", "dataChanges"} at the end

Exit code: 0 the reproduction succeeded, 1 it failed or was cancelled, 2 bad input (no such run,
code not in this repository, changed data).`;

function comparisonTable(rows: readonly MetricComparison[]): string {
  const cell = (v: number | null): string => (v === null ? '–' : String(v));
  return textTable(
    ['metric', 'original', 'reproduced', 'difference'],
    rows.map((r) => [
      inertText(r.name),
      cell(r.original),
      cell(r.reproduced),
      r.identical ? '0 (identical)' : cell(r.difference),
    ]),
  );
}

export const reproduceCommand: CliCommand = {
  name: 'reproduce',
  usage,
  async run(ctx: CliContext): Promise<ExitCode> {
    const { values, positionals } = parseCommandArgs('reproduce', ctx.args, {
      set: { type: 'string', multiple: true },
      'allow-data-change': { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
      json: { type: 'boolean' },
    });
    if (positionals.length !== 1) {
      throw new UsageError(
        `needs one run (got ${positionals.length})`,
        'e.g. xlens reproduce latest:train; xlens runs lists them',
      );
    }
    const overrides = parseOverrides((values.set as string[] | undefined) ?? []);
    const root = workspaceRoot(ctx);
    const store = new RunStore(root);
    try {
      await reconcileRuns(store, { warn: warnTo(ctx) });
      const original = await store.resolve(positionals[0]);
      const quiet = values.quiet === true || values.json === true;
      const relay = new OutputRelay();
      const result = await reproduceRun(root, store, original, {
        overrides,
        allowDataChange: values['allow-data-change'] === true,
        signal: ctx.signal,
        onRunner: (runner) =>
          runner.onOutput((o) => {
            if (!quiet) {
              const stream = o.stream === 'stdout' ? ctx.stdout : ctx.stderr;
              stream.write(relay.admit(stream, o.text));
            }
          }),
        onStarted: (id) => {
          if (!quiet) {
            ctx.stdout.write(inertLines(`▶ reproducing ${original.id} (${original.task}) as run ${id}\n`));
          }
        },
      });
      for (const stream of [ctx.stdout, ctx.stderr]) {
        stream.write(relay.finish(stream));
      }
      if (values.json === true) {
        const { original: o, record, comparison, dataChanges } = result;
        ctx.stdout.write(
          `${JSON.stringify({ original: o.id, reproduced: record.id, status: record.status, comparison, dataChanges }, null, 2)}\n`,
        );
      } else {
        for (const c of result.dataChanges) {
          ctx.stderr.write(
            inertLines(
              `xlens: warning: ${c.path} changed: recorded sha256 ${c.recorded}, now ${c.current ?? 'missing'}\n`,
            ),
          );
        }
        const same = result.comparison.filter((c) => c.identical).length;
        ctx.stdout.write(
          inertLines(
            `${result.record.status === 'succeeded' ? '✔' : '✖'} reproduction ${result.record.id} ${result.record.status}\n` +
              `${comparisonTable(result.comparison)}\n` +
              `${same} of ${result.comparison.length} metrics identical\n  ${result.runDir}\n`,
          ),
        );
      }
      return result.record.status === 'succeeded' ? ExitCode.ok : ExitCode.failed;
    } finally {
      store.dispose();
    }
  },
};
