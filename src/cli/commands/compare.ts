/** `xlens compare <run> <run>...`: params, metric summaries with deltas, and data inputs side by side. */
import { UsageError } from '../usage';
import { writeFile } from 'node:fs/promises';
import { UserInputError } from '../../core/base/errors';
import { textTable } from '../../core/base/textTable';
import { formatNameList, splitNameList } from '../../core/compare/nameList';
import { compareRuns, type ComparedSummary, type RunComparison } from '../../core/compare/comparison';
import { comparedRunLabel, renderCompareReportHtml } from '../../core/report/compareReport';
import { reconcileRuns } from '../../core/runs/reconcile';
import { RunStore } from '../../core/runs/store';
import type { MetricSummary, RunRecord } from '../../core/runs/types';
import { ownValue } from '../../shared/dict';
import { formatDuration, formatNumber, MISSING, shortSha } from '../../shared/formatting';
import { ExitCode, type CliCommand, type CliContext } from '../command';
import { checkOutputPath } from '../outputPath';
import { findNamedRuns } from '../namedRuns';
import { warnTo } from '../runText';
import { inertLines } from '../terminalText';
import { parseCommandArgs, workspaceRoot } from '../workspace';

const usage = `Usage: xlens compare <run> <run>... [--metrics a,b] [--all-params] [--json] [--html <file>]

Compares runs: the params that differ, each metric's last, min, max and best value per run with the
difference to the first run (the baseline), and the data inputs (same, changed or missing against the
baseline). A run is named by its id, a unique prefix of it, latest or latest:<task>; a run another
tool logged (TensorBoard, MLflow, DVCLive, W&B, Keras or Lightning CSV: the imported runs \`xlens runs\`
lists) by its name, id or key as \`xlens runs\` and \`xlens import --json\` show them, or a unique prefix.
Imported runs' figures come from their logs read to the end, as in the editor's compare view.

Options:
  --metrics a,b   only these metrics, in this order (default: all, key metrics first); quote a name
                  holding a comma: --metrics 'loss,"f1,macro"'
  --all-params    list every param, not only those that differ
  --json          the comparison as JSON (params, metrics with deltas, data)
  --html <file>   also write a standalone HTML page with every run's curves overlaid per metric
                  (works offline)
  --force         with --html: replace an existing file that is not an xlens report`;

/**
 * Why a run has no summary of a metric: never logged, or every value logged was non-finite (a training
 * that diverged must not read as one that never logged the metric).
 */
function absentText(summary: MetricSummary | undefined): string {
  const nonFinite = summary?.nonFinite ?? 0;
  return nonFinite > 0 ? `only non-finite values (${nonFinite}: NaN or ±Infinity)` : 'not recorded';
}

/**
 * A param's values as cells: text as it is, other values as JSON; text that prints like another value
 * of the row (`"3"` beside the number 3) is quoted, so a change of type shows.
 */
function paramTexts(values: readonly unknown[]): string[] {
  const plain = values.map((v) =>
    v === undefined ? MISSING : typeof v === 'string' ? v : JSON.stringify(v),
  );
  return values.map((v, i) =>
    typeof v === 'string' && values.some((other, j) => other !== v && plain[j] === plain[i])
      ? JSON.stringify(v)
      : plain[i],
  );
}

function signed(value: number | null): string {
  return value === null ? '' : `${value > 0 ? '+' : ''}${formatNumber(value)}`;
}

/** The comparison as text: runs, params, metrics (one block per metric), data. */
export function comparisonText(
  runs: readonly RunRecord[],
  comparison: RunComparison,
  allParams: boolean,
): string {
  const out: string[] = [];
  // Where each run comes from, when any was imported from another tool's logs.
  const withSource = runs.some((run) => run.imported !== undefined);
  out.push(
    textTable(
      ['', 'RUN', 'TASK', 'STATUS', 'COMMIT', 'DURATION', ...(withSource ? ['SOURCE'] : [])],
      runs.map((run, i) => [
        `#${i + 1}`,
        run.id,
        run.task,
        // An imported run whose tool records no status reads as such, not as succeeded.
        run.imported && run.imported.status === undefined ? MISSING : run.status,
        `${shortSha(run.git.commit)}${run.git.dirty ? ' (dirty)' : ''}`,
        formatDuration(run.durationMs),
        ...(withSource ? [run.imported ? `${run.imported.label} (imported)` : 'xlens'] : []),
      ]),
    ),
  );
  const params = comparison.params.filter((p) => allParams || p.differs);
  const differing = comparison.params.filter((p) => p.differs).length;
  out.push('');
  if (comparison.params.length === 0) {
    out.push('Params: none recorded.');
  } else if (params.length === 0) {
    out.push(`Params: all ${comparison.params.length} the same (--all-params lists them).`);
  } else {
    out.push(
      `Params (${differing} of ${comparison.params.length} differ${allParams ? '' : '; --all-params lists all'}):`,
      textTable(
        ['NAME', ...runs.map((_, i) => `#${i + 1}`)],
        params.map((p) => [`${p.name}${allParams && p.differs ? ' *' : ''}`, ...paramTexts(p.values)]),
      ),
    );
  }
  out.push('');
  if (comparison.metrics.length === 0) {
    out.push('Metrics: none recorded.');
  }
  for (const metric of comparison.metrics) {
    out.push(`${metric.name} (${metric.goal === 'min' ? 'lower' : 'higher'} is better):`);
    const cells = (s: ComparedSummary | null, run: RunRecord): string[] =>
      s
        ? [
            formatNumber(s.last),
            formatNumber(s.min),
            formatNumber(s.max),
            formatNumber(s.best),
            String(s.bestStep),
            signed(s.deltaLast),
            signed(s.deltaBest),
          ]
        : [absentText(ownValue(run.metrics, metric.name)), '', '', '', '', '', ''];
    out.push(
      textTable(
        ['  RUN', 'LAST', 'MIN', 'MAX', 'BEST', 'BEST STEP', 'Δ LAST', 'Δ BEST'],
        metric.runs.map((s, i) => [`  #${i + 1}`, ...cells(s, runs[i])]),
      ),
    );
    // Values left out of a summary are said, so a run that ended in NaN does not pass for a good one.
    runs.forEach((run, i) => {
      const summary = ownValue(run.metrics, metric.name);
      if (summary && summary.count > 0 && (summary.nonFinite ?? 0) > 0) {
        out.push(
          `  #${i + 1}: ${summary.nonFinite} non-finite values (NaN or ±Infinity) left out of these figures`,
        );
      }
    });
    out.push('');
  }
  if (comparison.data.length > 0) {
    out.push(
      'Data:',
      textTable(
        ['PATH', ...runs.map((_, i) => `#${i + 1}`)],
        comparison.data.map((input) => [
          input.path,
          ...input.runs.map((r) => (r ? `${r.sha256.slice(0, 12)} ${r.state}` : 'missing')),
        ]),
      ),
    );
  }
  return `${out.join('\n').trimEnd()}\n`;
}

export const compareCommand: CliCommand = {
  name: 'compare',
  usage,
  async run(ctx: CliContext): Promise<ExitCode> {
    const { values, positionals } = parseCommandArgs('compare', ctx.args, {
      metrics: { type: 'string' },
      'all-params': { type: 'boolean' },
      json: { type: 'boolean' },
      html: { type: 'string' },
      force: { type: 'boolean' },
    });
    if (positionals.length < 2) {
      throw new UsageError(
        `needs at least two runs (got ${positionals.length})`,
        'e.g. xlens compare latest:train 20261206T0912; xlens runs lists them',
      );
    }
    const store = new RunStore(workspaceRoot(ctx));
    const reconciled = await reconcileRuns(store, { warn: warnTo(ctx) });
    const named = await findNamedRuns(store, positionals, reconciled, ctx);
    const runs = named.map((n) => n.record);
    let metrics: string[] | undefined;
    if (typeof values.metrics === 'string') {
      metrics = splitNameList(values.metrics, '--metrics');
      const known = new Set(runs.flatMap((run) => Object.keys(run.metrics)));
      const unknown = metrics.filter((m) => !known.has(m));
      if (unknown.length > 0) {
        throw new UserInputError(
          `--metrics: no compared run has ${unknown.map((m) => JSON.stringify(m)).join(', ')}; the runs have ${formatNameList([...known]) || 'no metrics'}.`,
        );
      }
    }
    const comparison = compareRuns(runs, metrics ? { metrics } : {});
    if (typeof values.html === 'string') {
      const out = checkOutputPath(ctx.cwd, '--html', values.html, 'compare.html', {
        kind: 'html',
        force: values.force === true,
      });
      const series = [];
      for (const run of named) {
        series.push(await run.series());
      }
      await writeFile(out, renderCompareReportHtml(runs, comparison, series));
      ctx.stderr.write(`wrote ${out}\n`);
    }
    if (values.json === true) {
      const labels = runs.map((run, i) => comparedRunLabel(run, i));
      ctx.stdout.write(`${JSON.stringify({ ...comparison, labels }, null, 2)}\n`);
    } else {
      ctx.stdout.write(inertLines(comparisonText(runs, comparison, values['all-params'] === true)));
    }
    return ExitCode.ok;
  },
};
