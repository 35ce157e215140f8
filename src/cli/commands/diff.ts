/** `xlens diff <a> <b> [--patch]`: what changed between two runs: params, data inputs and code. */
import { UsageError } from '../usage';
import { UserInputError } from '../../core/base/errors';
import { compareRuns } from '../../core/compare/comparison';
import { diffCommits } from '../../core/git/gitContext';
import { reconcileRuns } from '../../core/runs/reconcile';
import { RunStore } from '../../core/runs/store';
import type { RunRecord } from '../../core/runs/types';
import { MISSING, shortSha } from '../../shared/formatting';
import { ExitCode, type CliCommand, type CliContext } from '../command';
import { findNamedRuns } from '../namedRuns';
import { warnTo } from '../runText';
import { inertLines } from '../terminalText';
import { parseCommandArgs, workspaceRoot } from '../workspace';

const usage = `Usage: xlens diff <run a> <run b> [--patch]

What changed from run a to run b: params (changed, added, removed), data inputs (same, changed,
missing: by content hash) and code (git diff --stat between the runs' code: each run's snapshot of
uncommitted changes, or its commit when the tree was clean). Runs are named by id, unique prefix,
latest or latest:<task>; a run another tool logged (an imported run \`xlens runs\` lists) by its name, id or
key. An imported run has params but no data fingerprints and no snapshot of its code: for it, the diff
shows the params and says what it lacks.

Options:
  --patch   the code's full patch instead of the list of changed files`;

/** The commit holding a run's code: its snapshot when the tree was dirty, else its commit. */
export function runCodeCommit(run: RunRecord): string | null {
  return run.git.snapshot ?? run.git.commit;
}

/**
 * A param value as the diff prints it: text as it is, other values as JSON. Text is quoted (as JSON)
 * when it holds a control character or a line break, or when `other` prints alike, so a change of type
 * reads `3 → "3"` instead of `3 → 3`.
 */
function valueText(value: unknown, other?: unknown): string {
  const plain = (v: unknown): string =>
    v === undefined ? MISSING : typeof v === 'string' ? v : JSON.stringify(v);
  const text = plain(value);
  // eslint-disable-next-line no-control-regex -- control characters are what is looked for
  const unclear = /[\u0000-\u001f\u007f-\u009f]/.test(text) || (other !== undefined && plain(other) === text);
  return typeof value === 'string' && unclear ? JSON.stringify(value) : text;
}

/** `<id> is a run imported from <tool>'s logs: it has`, the start of what an imported run lacks. */
function lacks(run: RunRecord): string {
  return `${run.id} is a run imported from ${run.imported?.label ?? 'another tool'}'s logs: it has`;
}

/** The commit another tool recorded for an imported run, for the user to compare by hand. */
function codeNote(run: RunRecord): string {
  return run.git.commit
    ? ` (${run.imported?.label ?? 'its tool'} recorded commit ${shortSha(run.git.commit)}, without uncommitted changes)`
    : ' or commit';
}

export const diffCommand: CliCommand = {
  name: 'diff',
  usage,
  async run(ctx: CliContext): Promise<ExitCode> {
    const { values, positionals } = parseCommandArgs('diff', ctx.args, { patch: { type: 'boolean' } });
    if (positionals.length !== 2) {
      throw new UsageError(
        `needs two runs (got ${positionals.length})`,
        'e.g. xlens diff 20261206T0912 latest:train',
      );
    }
    const root = workspaceRoot(ctx);
    const store = new RunStore(root);
    const reconciled = await reconcileRuns(store, { warn: warnTo(ctx) });
    const runs = (await findNamedRuns(store, positionals, reconciled, ctx)).map((n) => n.record);
    const [a, b] = runs;
    const comparison = compareRuns(runs, { metrics: [] });
    const out: string[] = [`${a.id} (${a.task}) → ${b.id} (${b.task})`, ''];
    const params = comparison.params.filter((p) => p.differs);
    out.push(params.length === 0 ? 'Params: the same.' : 'Params:');
    for (const p of params) {
      const [before, after] = p.values;
      out.push(
        before === undefined
          ? `  + ${p.name}: ${valueText(after)}`
          : after === undefined
            ? `  - ${p.name}: ${valueText(before)}`
            : `  ~ ${p.name}: ${valueText(before, after)} → ${valueText(after, before)}`,
      );
    }
    out.push('');
    const importedOne = [a, b].find((run) => run.imported !== undefined);
    if (importedOne) {
      out.push(`Data: ${lacks(importedOne)} no data fingerprints recorded; no data to compare.`);
    } else if (comparison.data.length === 0) {
      out.push('Data: no inputs recorded.');
    } else {
      out.push(comparison.data.every((d) => !d.differs) ? 'Data: the same.' : 'Data:');
      for (const input of comparison.data.filter((d) => d.differs)) {
        const [before, after] = input.runs;
        out.push(
          !after
            ? `  - ${input.path}: missing in ${b.id}`
            : !before
              ? `  + ${input.path}: only in ${b.id}`
              : `  ~ ${input.path}: changed (${before.sha256.slice(0, 12)} → ${after.sha256.slice(0, 12)})`,
        );
      }
    }
    out.push('');
    const from = runCodeCommit(a);
    const to = runCodeCommit(b);
    if (importedOne) {
      out.push(
        `Code: ${lacks(importedOne)} no snapshot of its code${codeNote(importedOne)}; no code to compare.`,
      );
    } else if (!from || !to) {
      out.push(`Code: ${!from ? a.id : b.id} was not recorded in a git repository; no code to compare.`);
    } else if (from === to) {
      out.push(`Code: the same (${shortSha(from)}).`);
    } else {
      const form = values.patch === true ? 'patch' : 'stat';
      let text: string;
      try {
        text = await diffCommits(root, from, to, form);
      } catch (error) {
        if (!(error instanceof UserInputError)) {
          throw error;
        }
        // The params and data changes are still worth seeing when the code is gone (a commit rebased
        // away, a run from another clone): print them, then the reason, and exit 2.
        out.push('Code: cannot be compared (see below).');
        ctx.stdout.write(inertLines(`${out.join('\n')}\n`));
        ctx.stderr.write(inertLines(`xlens: ${error.message}\n`));
        return ExitCode.badInput;
      }
      const side = (run: RunRecord, sha: string): string =>
        `${shortSha(sha)}${run.git.snapshot ? ` (snapshot of uncommitted changes on ${shortSha(run.git.commit)})` : ''}`;
      // The stat's lines indented alike (git's output is trimmed as a whole); a patch as git wrote it.
      const body =
        text.trim() === ''
          ? '  the same files'
          : form === 'stat'
            ? text
                .trimEnd()
                .split('\n')
                .map((line) => `  ${line.trimStart()}`)
                .join('\n')
            : text.trimEnd();
      out.push(`Code: ${side(a, from)} → ${side(b, to)}`, body);
    }
    // A patch keeps its tabs (indentation, Makefiles, TSV); other control characters are shown escaped.
    ctx.stdout.write(inertLines(`${out.join('\n')}\n`, { keepTabs: true }));
    return ExitCode.ok;
  },
};
