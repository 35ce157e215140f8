/**
 * `kind: tfjs-eval`: applies a saved model folder (model.json, weights.bin, preprocessing.json) to a
 * CSV and writes the same report as training's final evaluation: `artifacts/evaluation.json` and the
 * `eval/*` metrics at step 0.
 */
import { isAbsolute, resolve } from 'node:path';
import { UserInputError } from '../base/errors';
import type { TfjsEvalTask } from '../config/types';
import { type Evaluation, evaluationMetrics } from './evaluation';
import { type JobContext, formatValues, mergeInfo, writeJsonArtifact, writeMetrics } from './job';
import { loadModel } from './model';
import { evaluateModel } from './predict';
import { encodeRows, labelledRows } from './preprocess';
import { readTable } from './table';

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
  const rows = labelledRows(table, preprocessing.target.name);
  if (rows.length === 0) {
    throw new UserInputError(
      `${task.dataFile}: no row has a value for "${preprocessing.target.name}".`,
      task.dataFile,
    );
  }
  const encoded = encodeRows(preprocessing, table, rows);
  const evaluation = await evaluateModel(model, preprocessing, encoded);
  model.dispose();
  writeJsonArtifact(ctx, 'evaluation.json', {
    data: task.dataFile,
    model: modelDir,
    split: 'evaluation',
    ...evaluation,
  });
  const values = evaluationMetrics(evaluation, 'eval/');
  writeMetrics(ctx, 0, values);
  console.log(`evaluated ${rows.length} rows of ${task.dataFile}: ${formatValues(values)}`);
  if (table.rows.length > rows.length) {
    console.log(
      `skipped ${table.rows.length - rows.length} rows whose ${preprocessing.target.name} is missing`,
    );
  }
  mergeInfo(ctx, { model: modelDir, rows: rows.length });
  return evaluation;
}
