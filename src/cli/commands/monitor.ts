/**
 * `xlens monitor <predictions> --time <column> --window 1mo|<N>`: per time window, the evaluation
 * metrics and the drift of the feature columns against a reference, as a table, JSON and/or a
 * standalone HTML report with the series charted and failed checks marked.
 */
import { UsageError } from '../usage';
import { resolve } from 'node:path';
import { UserInputError } from '../../core/base/errors';
import { CLI_HINTS } from '../../core/drift/engine';
import { applyDriftFlags } from '../../core/drift/options';
import { defaultDriftOptions } from '../../core/drift/rules';
import { monitorFile } from '../../core/monitor/monitor';
import { formatMonitorReport } from '../../core/monitor/present';
import { parseReference } from '../../core/monitor/reference';
import { parseWindow } from '../../core/monitor/windows';
import { renderMonitorReportHtml } from '../../core/report/monitorReport';
import { splitNameList } from '../../core/compare/nameList';
import { ExitCode, type CliCommand, type CliContext } from '../command';
import { checkReportOutputs, writeReportOutputs } from '../reportOutputs';
import { inertLines } from '../terminalText';
import { parseCommandArgs } from '../workspace';

const usage = `Usage: xlens monitor <predictions> --time <column> --window <window> [options]

Cuts a predictions file (CSV, TSV, JSON Lines, Parquet, Arrow IPC) into time windows and gives, per
window, the evaluation metrics of its rows (as xlens eval computes them) and the drift of the feature
columns against a reference (as xlens drift tests them). Checks mark the windows where they fail
("F1 (macro) fell below 0.8 from 2015-03").

Options:
  --time <column>       column of ISO 8601 dates or date-times (required)
  --window <w>          calendar windows in UTC: 1mo, 3mo, 1y, 1w, 7d, 12h; or N rows: 500 (required)
  --reference <r>       reference of the drift: a data file (e.g. the training data), "first" (the
                        first window; the default) or a span of the file: 2013-01-01..2013-06-30
  --columns a,b,c       feature columns tested for drift (default: every column but the time,
                        labels and probabilities); quote a name holding a comma in " or ' (\\
                        before a quote inside it): --columns 'age,"income, usd"'; the same for --proba
  --method, --threshold, --drift-share, --max-rows, --seed
                        drift options, as for xlens drift
  --check <check>       a check per window, e.g. --check "monitor/f1_macro >= 0.8" (repeatable;
                        metrics: monitor/<eval metric>, monitor/drift_share, monitor/rows)
  --min-rows <n>        warn about windows with fewer rows (default 20)
  --target, --pred, --proba, --pos-label, --problem, --drop-missing
                        the predictions' columns, as for xlens eval
  --json <file>         write the report as JSON ("-" prints it instead of the table)
  --html <file>         write a standalone HTML report with charts (works offline)
  --force               with --html: replace an existing file that is not an xlens report

Exit codes: 0 monitored (failed checks are shown, not an error), 2 bad input (a missing column, a
time that is not a date, a bad window or reference), named by file, row and column.`;

function text(value: string | boolean | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** `--proba`: a prefix, one column or columns a,b,c; a name holding a comma is quoted: `"p, yes"`. */
function probaList(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : splitNameList(value, '--proba');
}

function list(value: string | boolean | string[] | undefined): string[] | undefined {
  if (value === undefined || typeof value === 'boolean') {
    return undefined;
  }
  return Array.isArray(value) ? value : [value];
}

function minRows(value: string | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new UserInputError(`--min-rows ${value}: give a whole number, e.g. --min-rows 20.`);
  }
  return n;
}

export const monitorCommand: CliCommand = {
  name: 'monitor',
  usage,
  async run(ctx: CliContext): Promise<ExitCode> {
    const { values, positionals } = parseCommandArgs('monitor', ctx.args, {
      time: { type: 'string' },
      window: { type: 'string' },
      reference: { type: 'string' },
      columns: { type: 'string' },
      method: { type: 'string', multiple: true },
      threshold: { type: 'string', multiple: true },
      'drift-share': { type: 'string' },
      'max-rows': { type: 'string' },
      seed: { type: 'string' },
      check: { type: 'string', multiple: true },
      'min-rows': { type: 'string' },
      target: { type: 'string' },
      pred: { type: 'string' },
      proba: { type: 'string' },
      'pos-label': { type: 'string' },
      problem: { type: 'string' },
      'drop-missing': { type: 'boolean' },
      json: { type: 'string' },
      html: { type: 'string' },
      force: { type: 'boolean' },
    });
    if (positionals.length !== 1) {
      throw new UsageError(
        `needs one predictions file (got ${positionals.length})`,
        'e.g. xlens monitor predictions.csv --time date --window 1mo',
      );
    }
    const time = text(values.time);
    const windowText = text(values.window);
    if (time === undefined || windowText === undefined) {
      throw new UsageError(
        `needs ${time === undefined ? '--time <column of dates>' : ''}${time === undefined && windowText === undefined ? ' and ' : ''}` +
          `${windowText === undefined ? '--window <1mo|7d|N rows>' : ''}`,
        'e.g. --time date --window 1mo',
      );
    }
    const window = parseWindow(windowText);
    const problem = text(values.problem);
    if (problem !== undefined && problem !== 'classification' && problem !== 'regression') {
      throw new UserInputError(`--problem ${problem}: give classification or regression.`);
    }
    const drift = applyDriftFlags(defaultDriftOptions(), {
      columns: text(values.columns),
      method: list(values.method),
      threshold: list(values.threshold),
      driftShare: text(values['drift-share']),
      maxRows: text(values['max-rows']),
      seed: text(values.seed),
    });
    const file = positionals[0];
    const reference = parseReference(text(values.reference));
    const inputs = [
      resolve(ctx.cwd, file),
      ...(reference.kind === 'file' ? [resolve(ctx.cwd, reference.path)] : []),
    ];
    const outputs = checkReportOutputs(
      ctx.cwd,
      { json: text(values.json), html: text(values.html), force: values.force === true },
      inputs,
      { json: 'monitor.json', html: 'monitor.html' },
    );
    const report = await monitorFile({
      path: resolve(ctx.cwd, file),
      displayName: file,
      time,
      window,
      reference:
        reference.kind === 'file' ? { kind: 'file', path: resolve(ctx.cwd, reference.path) } : reference,
      referenceName: reference.kind === 'file' ? reference.path : undefined,
      features: drift.columns,
      drift: { ...drift, columns: undefined },
      checks: list(values.check),
      minRows: minRows(text(values['min-rows'])),
      target: text(values.target),
      pred: text(values.pred),
      proba: probaList(text(values.proba)),
      posLabel: text(values['pos-label']),
      problem,
      dropMissing: values['drop-missing'] === true,
      hints: CLI_HINTS,
      signal: ctx.signal,
    });
    for (const line of report.said) {
      ctx.stderr.write(inertLines(`xlens monitor: ${line}\n`));
    }
    await writeReportOutputs(ctx, outputs, {
      table: () => formatMonitorReport(report),
      json: report,
      html: () => renderMonitorReportHtml(report),
    });
    return ExitCode.ok;
  },
};
