/**
 * `xlens eval <predictions>`: classification or regression metrics and curves of a predictions file
 * from any model, as scikit-learn computes them, as a table, JSON and/or a standalone HTML report.
 */
import { UsageError } from '../usage';
import { resolve } from 'node:path';
import { UserInputError } from '../../core/base/errors';
import { evaluateFile } from '../../core/eval/evaluateFile';
import { formatEvaluation, thinnedEvaluation } from '../../core/eval/present';
import { renderEvaluationReportHtml } from '../../core/report/evalReport';
import { splitNameList } from '../../core/compare/nameList';
import { ExitCode, type CliCommand, type CliContext } from '../command';
import { checkReportOutputs, writeReportOutputs } from '../reportOutputs';
import { inertLines } from '../terminalText';
import { parseCommandArgs } from '../workspace';

const usage = `Usage: xlens eval <predictions> [options]

Evaluates a predictions file (CSV, TSV, JSON Lines, Parquet, Arrow IPC) from any model: the true label,
the predicted label and/or class probabilities (or one score column of a binary problem). Prints the
classification report (precision, recall, F1 and support per class; macro, weighted and micro
averages), accuracy, balanced accuracy, Matthews correlation, Cohen's kappa, ROC AUC, average
precision, log loss, Brier score, the best-F1 threshold and the confusion matrix; or, for regression,
MAE, MSE, RMSE, R², MAPE, median absolute error, max error and explained variance. Every number is
defined as scikit-learn's function of the same name (see README, "Evaluation").

Options:
  --target <column>     true labels (default: a column named y, y_true, target, label, actual, ...)
  --pred <column>       predicted labels (default: pred, y_pred, prediction, predicted, ...; without
                        one, labels are the most probable class)
  --proba <p>           probabilities: a prefix (proba_ gives proba_<class> per class), one column
                        (the positive class's probability or score), or columns a,b,c (quote a
                        name holding a comma in " or ': --proba '"p, no","p, yes"')
                        (default: proba_*, prob_*, probability_*, p_*, score_*, or one proba/score column)
  --pos-label <class>   positive class of a binary problem (default: the greater label, e.g. 1)
  --problem <kind>      classification or regression (default: from the columns)
  --bins <n>            bins of the calibration curve (default 10)
  --quantile-bins       calibration bins holding equal numbers of rows (default: uniform widths)
  --drop-missing        leave out rows with a missing value (default: refuse the file, naming the row)
  --json <file>         write the evaluation as JSON ("-" prints it instead of the table); curves
                        are thinned to at most 1,000 points
  --html <file>         write a standalone HTML report with charts (works offline); missing folders
                        are created; never written over the input or inside .xlens/
  --force               with --html: replace an existing file that is not an xlens report

Exit codes: 0 evaluated, 2 bad input (a missing column or value, labels of different kinds, a class
without a probability column, an unknown --pos-label), named by file, row and column.`;

function text(value: string | boolean | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** `--proba`: a prefix, one column or columns a,b,c; a name holding a comma is quoted: `"p, yes"`. */
function probaList(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : splitNameList(value, '--proba');
}

function positiveInteger(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new UserInputError(`${flag} ${value}: give a whole number from 1 to 1000, e.g. ${flag} 10.`);
  }
  return n;
}

export const evalCommand: CliCommand = {
  name: 'eval',
  usage,
  async run(ctx: CliContext): Promise<ExitCode> {
    const { values, positionals } = parseCommandArgs('eval', ctx.args, {
      target: { type: 'string' },
      pred: { type: 'string' },
      proba: { type: 'string' },
      'pos-label': { type: 'string' },
      problem: { type: 'string' },
      bins: { type: 'string' },
      'quantile-bins': { type: 'boolean' },
      'drop-missing': { type: 'boolean' },
      json: { type: 'string' },
      html: { type: 'string' },
      force: { type: 'boolean' },
    });
    if (positionals.length !== 1) {
      throw new UsageError(
        `needs one predictions file (got ${positionals.length})`,
        'e.g. xlens eval predictions.csv',
      );
    }
    const problem = text(values.problem);
    if (problem !== undefined && problem !== 'classification' && problem !== 'regression') {
      throw new UserInputError(`--problem ${problem}: give classification or regression.`);
    }
    const file = positionals[0];
    const inputs = [resolve(ctx.cwd, file)];
    const outputs = checkReportOutputs(
      ctx.cwd,
      { json: text(values.json), html: text(values.html), force: values.force === true },
      inputs,
      { json: 'evaluation.json', html: 'evaluation.html' },
    );
    const result = await evaluateFile(resolve(ctx.cwd, file), {
      displayName: file,
      target: text(values.target),
      pred: text(values.pred),
      proba: probaList(text(values.proba)),
      posLabel: text(values['pos-label']),
      problem,
      calibrationBins: positiveInteger('--bins', text(values.bins)),
      calibrationStrategy: values['quantile-bins'] === true ? 'quantile' : 'uniform',
      dropMissing: values['drop-missing'] === true,
      signal: ctx.signal,
    });
    for (const line of [...result.said, ...result.warnings.map((w) => `warning: ${w}`)]) {
      ctx.stderr.write(inertLines(`xlens eval: ${line}\n`));
    }
    await writeReportOutputs(ctx, outputs, {
      table: () => formatEvaluation(result.evaluation),
      json: { ...result, evaluation: thinnedEvaluation(result.evaluation) },
      html: () => renderEvaluationReportHtml(result),
    });
    return ExitCode.ok;
  },
};
