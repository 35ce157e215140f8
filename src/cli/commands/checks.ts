/** `xlens checks [<run>]`: evaluates a run's checks again (or ad hoc ones) and prints each result. */
import { UsageError } from '../usage';
import { UserInputError } from '../../core/base/errors';
import { parseBaseline } from '../../core/checks/baseline';
import {
  checkCounts,
  checkResultText,
  checksSummaryText,
  evaluateRunChecks,
} from '../../core/checks/evaluate';
import { CheckSyntaxError, parseCheck } from '../../core/checks/grammar';
import { reconcileRuns } from '../../core/runs/reconcile';
import { RunStore } from '../../core/runs/store';
import { ExitCode, type CliCommand, type CliContext } from '../command';
import { warnTo, withReconciled } from '../runText';
import { inertLines } from '../terminalText';
import { parseCommandArgs, workspaceRoot } from '../workspace';

const usage = `Usage: xlens checks [<run>] [--check "<check>" ...] [--baseline <ref>] [--json]

Evaluates the checks of a run again, against its metrics and its baseline run as the store holds them
now, and prints each one (passed or failed, with the value, threshold and reason). Without --check, the
checks the run recorded when it started (the task's \`checks:\` and \`baseline:\` then); with --check,
those instead, e.g. to try a check on earlier runs. The run's record is not changed. <run> is a full id,
a unique prefix, \`latest\` (the default) or \`latest:<task>\`.

Options:
  --check "<check>"  a check to evaluate (repeatable), e.g. --check "eval/roc_auc >= 0.9"
  --baseline <ref>   the run \`baseline\` stands for: latest, latest:<task>, latest:<task>@<branch>
                     or a run id (default: the run's own \`baseline:\`)
  --json             the results as a JSON array (the \`checks\` shape of run.json)

Exit codes: 0 every check passed, 3 a check failed, 2 bad input (no such run, a check that does not
parse, a run without checks and no --check).`;

export const checksCommand: CliCommand = {
  name: 'checks',
  usage,
  async run(ctx: CliContext): Promise<ExitCode> {
    const { values, positionals } = parseCommandArgs('checks', ctx.args, {
      check: { type: 'string', multiple: true },
      baseline: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length > 1) {
      throw new UsageError(`one run at a time (got ${positionals.join(', ')})`, 'name one run');
    }
    const adHoc = (values.check as string[] | undefined) ?? [];
    for (const check of adHoc) {
      try {
        parseCheck(check);
      } catch (error) {
        const at = error instanceof CheckSyntaxError ? ` (at character ${error.offset + 1})` : '';
        throw new UserInputError(`--check ${JSON.stringify(check)}: ${(error as Error).message}${at}.`);
      }
    }
    const root = workspaceRoot(ctx);
    const store = new RunStore(root);
    const reconciled = await reconcileRuns(store, { warn: warnTo(ctx) });
    const found = await store.resolve(positionals[0] ?? 'latest');
    const run = withReconciled([found], reconciled)[0];
    const baseline = (values.baseline as string | undefined) ?? run.checkConfig?.baseline;
    if (baseline !== undefined) {
      parseBaseline(baseline, run.task); // a bad --baseline is bad input
    }
    const checks = adHoc.length > 0 ? adHoc : (run.checkConfig?.checks ?? []);
    if (checks.length === 0) {
      throw new UserInputError(
        `run ${run.id} (task "${run.task}") recorded no checks; give some with --check "<metric> >= <number>", or declare \`checks:\` for the task in xlens.yaml.`,
      );
    }
    const results =
      (await evaluateRunChecks(store, {
        ...run,
        checkConfig: { checks, ...(baseline !== undefined ? { baseline } : {}) },
      })) ?? [];
    store.dispose();
    if (values.json === true) {
      ctx.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    } else {
      const lines = [`run ${run.id} (${run.task}) · ${checksSummaryText({ checks: results })}`];
      lines.push(...results.map((r) => `  ${checkResultText(r)}`));
      ctx.stdout.write(inertLines(`${lines.join('\n')}\n`));
    }
    return checkCounts({ checks: results }).failed > 0 ? ExitCode.checkFailed : ExitCode.ok;
  },
};
