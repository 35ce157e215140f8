/**
 * `kind: tfjs-eval`: applies a saved model folder (model.json, weights.bin, preprocessing.json) to a
 * CSV and writes the same report as training's final evaluation: `artifacts/evaluation.json` and the
 * `eval/*` metrics at step 0; with `predictions: true` also `artifacts/predictions.csv` (the rows with
 * the model's `pred` and `proba_<class>` columns, a predictions file for `kind: eval` and `kind: monitor`).
 */
import { writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { UserInputError } from '../base/errors';
import type { TfjsEvalTask } from '../config/types';
import { type Evaluation, evaluationMetrics } from './evaluation';
import {
  type JobContext,
  artifactsDir,
  formatValues,
  mergeInfo,
  writeJsonArtifact,
  writeMetrics,
} from './job';
import { loadModel } from './denseModel';
import { evaluateOutput, modelOutput, predictionsCsv } from './predict';
import { encodeRows, labelledRows } from './preprocess';
import { badCells, badCellWarnings, checkColumns, unseenCategoryWarnings } from './columns';
import { readTable, toNumber } from './table';

/**
 * Runs a tfjs-eval task in this process.
 * @throws UserInputError when the model folder or data file is missing, or the data does not match
 *   the model's columns or classes.
 */
export async function runEval(task: TfjsEvalTask, ctx: JobContext): Promise<Evaluation> {
  if (typeof task.model !== 'string' || task.model === '') {
    throw new UserInputError(`task "${task.name}": "model" must name a model folder.`);
  }
  if (task.model.includes('${')) {
    throw new UserInputError(
      `task "${task.name}": model path "${task.model}" still contains a placeholder; the referenced task has no run yet.`,
    );
  }
  const modelDir = isAbsolute(task.model) ? task.model : resolve(ctx.root, task.model);
  const { model, preprocessing } = await loadModel(modelDir, task.model);
  const table = readTable(resolve(ctx.root, task.dataFile), task.dataFile);
  const target = preprocessing.target.name;
  checkColumns(table, { target: [target], feature: preprocessing.features.map((f) => f.name) });
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    console.log(`warning: ${message}`);
    mergeInfo(ctx, { warnings });
  };
  const labelled = labelledRows(table, target);
  const targetCol = table.columns.indexOf(target);
  const rows =
    preprocessing.target.problem === 'regression'
      ? labelled.filter((i) => toNumber(table.rows[i][targetCol]) !== undefined)
      : labelled;
  if (rows.length < labelled.length) {
    const dropped = labelled.filter((i) => toNumber(table.rows[i][targetCol]) === undefined);
    badCellWarnings(
      task.dataFile,
      badCells(table, targetCol, dropped),
      'row dropped (fix the value or leave it empty)',
    ).forEach(warn);
  }
  if (rows.length === 0) {
    throw new UserInputError(`${task.dataFile}: no row has a usable value for "${target}".`, {
      file: task.dataFile,
    });
  }
  const encoded = encodeRows(preprocessing, table, rows);
  badCellWarnings(
    task.dataFile,
    encoded.stray,
    'treated as missing (fix the value or leave it empty)',
  ).forEach(warn);
  unseenCategoryWarnings(task.dataFile, encoded.unseen).forEach(warn);
  const output = await modelOutput(model, preprocessing, encoded);
  model.dispose();
  const evaluation = evaluateOutput(preprocessing, encoded, output);
  if (task.predictions === true) {
    writeFileSync(
      join(artifactsDir(ctx), 'predictions.csv'),
      predictionsCsv(table, rows, preprocessing, output),
    );
    console.log(`wrote artifacts/predictions.csv (${rows.length} rows with pred and proba_<class> columns)`);
  }
  writeJsonArtifact(ctx, 'evaluation.json', {
    data: task.dataFile,
    model: modelDir,
    split: 'evaluation',
    ...evaluation,
  });
  const values = evaluationMetrics(evaluation, 'eval/');
  const undefinedMetrics = writeMetrics(ctx, 0, values);
  if (undefinedMetrics.length > 0) {
    warn(
      `${undefinedMetrics.join(', ')} undefined (recorded as null in evaluation.json, left out of the metrics): ` +
        'R² needs at least 2 rows whose target values differ.',
    );
  }
  console.log(`evaluated ${rows.length} rows of ${task.dataFile}: ${formatValues(values)}`);
  if (table.rows.length > labelled.length) {
    console.log(`skipped ${table.rows.length - labelled.length} rows whose ${target} is missing`);
  }
  mergeInfo(ctx, { model: modelDir, rows: rows.length });
  return evaluation;
}
