/**
 * `xlens drift <reference> <current>`: per-column drift tests and the dataset verdict, as a table,
 * JSON and/or a standalone HTML report. Drift found is still exit 0; bad input is exit 2, and so is data
 * where no column could be tested (after the report is printed and written).
 */
import { UsageError } from '../usage';
import { resolve } from 'node:path';
import { CLI_HINTS, runDrift } from '../../core/drift/engine';
import { formatDriftReport } from '../../core/drift/textReport';
import { applyDriftFlags, type DriftFlags } from '../../core/drift/options';
import { defaultDriftOptions } from '../../core/drift/rules';
import { renderDriftReportHtml } from '../../core/report/driftReport';
import { ExitCode, type CliCommand, type CliContext } from '../command';
import { checkReportOutputs, writeReportOutputs } from '../reportOutputs';
import { parseCommandArgs } from '../workspace';

const usage = `Usage: xlens drift <reference> <current> [options]

Compares the columns of two data files (CSV, TSV, JSON Lines, Parquet, Arrow IPC) and prints, per
column, the test, its statistic, p-value or distance, threshold and verdict (drifted columns first),
then the dataset verdict. Default tests follow Evidently's table (see README, "Drift").

Options:
  --columns a,b,c        test only these columns (default: every column in both files); quote a
                         name holding a comma in " or ' (\\ before a quote inside it):
                         --columns 'age,"income, usd"'
  --method <m>           use method m for every column: ks, chisquare, z, wasserstein, jensenshannon, psi
  --method <col>=<m>     use method m for one column (repeatable)
  --threshold <t>        threshold for every column (p-value level or distance)
  --threshold <col>=<t>  threshold for one column (repeatable)
  --type <col>=<type>    read a column as numerical (numbers; ISO dates as Unix ms), categorical,
                         datetime or text (repeatable); values that do not fit are listed by line
  --drift-share <s>      dataset drift when drifted/tested columns >= s (default 0.5)
  --max-rows <n>         sample each file to at most n rows (seeded; reported)
  --seed <n>             seed of the sampler (default 42)
  --json <file>          write the report as JSON ("-" prints it instead of the table)
  --html <file>          write a standalone HTML report (works offline)
                         (missing folders of <file> are created; checked before the comparison).
                         --json and --html never write over the two inputs or inside .xlens/; an
                         existing --html file is replaced only when it is a report written by xlens
  --force                with --html: replace an existing file that is not an xlens report

Exit codes: 0 the comparison ran (drift or not), 2 bad input, including data where no column could
be tested (the report is still printed and written, with the reason for each column).`;

function list(value: string | boolean | string[] | undefined): string[] | undefined {
  if (value === undefined || typeof value === 'boolean') {
    return undefined;
  }
  return Array.isArray(value) ? value : [value];
}

function text(value: string | boolean | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export const driftCommand: CliCommand = {
  name: 'drift',
  usage,
  async run(ctx: CliContext): Promise<ExitCode> {
    const { values, positionals } = parseCommandArgs('drift', ctx.args, {
      columns: { type: 'string' },
      method: { type: 'string', multiple: true },
      threshold: { type: 'string', multiple: true },
      type: { type: 'string', multiple: true },
      'drift-share': { type: 'string' },
      'max-rows': { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'string' },
      html: { type: 'string' },
      force: { type: 'boolean' },
    });
    if (positionals.length !== 2) {
      throw new UsageError(
        `needs two files, the reference and the current data (got ${positionals.length})`,
        'e.g. xlens drift data/2012.csv data/2015.csv',
      );
    }
    const flags: DriftFlags = {
      columns: text(values.columns),
      method: list(values.method),
      threshold: list(values.threshold),
      type: list(values.type),
      driftShare: text(values['drift-share']),
      maxRows: text(values['max-rows']),
      seed: text(values.seed),
    };
    const options = applyDriftFlags(defaultDriftOptions(), flags);
    const [reference, current] = positionals as [string, string];
    // Output files are checked before the (possibly long) comparison.
    const inputs = [resolve(ctx.cwd, reference), resolve(ctx.cwd, current)];
    const outputs = checkReportOutputs(
      ctx.cwd,
      { json: text(values.json), html: text(values.html), force: values.force === true },
      inputs,
      { json: 'drift.json', html: 'drift.html' },
    );
    const report = await runDrift({
      reference: resolve(ctx.cwd, reference),
      current: resolve(ctx.cwd, current),
      referenceName: reference,
      currentName: current,
      options,
      hints: CLI_HINTS,
      signal: ctx.signal,
    });
    await writeReportOutputs(ctx, outputs, {
      table: () => formatDriftReport(report),
      json: report,
      html: () => renderDriftReportHtml(report),
    });
    if (report.dataset.columns === 0) {
      // Nothing could be compared: not a verdict of "no drift". Bad input, like an unreadable file.
      ctx.stderr.write(
        'xlens drift: no column could be tested, so there is no verdict; fix the reasons listed under "not tested".\n',
      );
      return ExitCode.badInput;
    }
    return ExitCode.ok;
  },
};
