/**
 * `kind: tfjs-train`: loads the CSV, splits it with the task's seed, fits the preprocessing on the
 * training rows, trains the dense model with per-epoch metrics (step = epoch number, starting at 1),
 * optional early stopping, saves the model and evaluates it on the validation rows.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { UserInputError } from '../base/errors';
import type { TfjsTrainTask } from '../config/types';
import type { BackendInfo } from './backend';
import { type Evaluation, evaluationMetrics } from './evaluation';
import {
  type JobContext,
  artifactsDir,
  formatValues,
  mergeInfo,
  writeJsonArtifact,
  writeMetrics,
} from './job';
import { EarlyStopping } from './earlyStopping';
import { buildModel, saveModel } from './denseModel';
import { evaluateModel, inputTensor, targetTensor } from './predict';
import { badCellWarnings, checkColumns, inferTarget } from './columns';
import { type Preprocessing, encodeRows, fitPreprocessing } from './preprocess';
import { splitRows } from './random';
import { readTable, tableToCsv } from './table';
import { dict } from '../../shared/dict';

/** Summary of a training run, also merged into `info.json`. */
export interface TrainSummary {
  epochsRun: number;
  bestEpoch: number;
  stoppedEarly: boolean;
  /** Mean wall time of one epoch (training + validation pass), seconds. */
  meanEpochSeconds: number;
  /** Row counts; `droppedBadTarget` counts rows whose numeric target was not a number. */
  rows: {
    train: number;
    validation: number;
    holdout: number;
    droppedUnlabelled: number;
    droppedBadTarget: number;
  };
  /** Warnings printed during the run (bad cells, tiny validation split, identifier-like columns). */
  warnings: string[];
  evaluation: Evaluation;
}

/** A categorical feature with more categories than this is probably an identifier: warn. */
const MANY_CATEGORIES = 100;

/** A validation split smaller than this gets a warning: its metrics are mostly noise. */
const MIN_VALIDATION_ROWS = 10;

/** Per-epoch metric names as written (classification / regression). */
const LOG_NAMES: Record<string, string> = { acc: 'accuracy', val_acc: 'val_accuracy' };

/**
 * Checks the numeric settings a hand-written task.json could get wrong (xlens.yaml is validated earlier).
 * @throws UserInputError naming the field and the allowed range.
 */
export function checkTrainTask(task: TfjsTrainTask): void {
  const fail = (field: string, rule: string, value: unknown): never => {
    throw new UserInputError(`task "${task.name}": ${field} ${rule}, got ${JSON.stringify(value)}.`);
  };
  if (typeof task.dataFile !== 'string' || task.dataFile === '') {
    fail('data', 'must name a CSV file', task.dataFile);
  }
  if (typeof task.target !== 'string' || task.target === '') {
    fail('target', 'must name a column', task.target);
  }
  if (!Number.isInteger(task.epochs) || task.epochs < 1) {
    fail('epochs', 'must be a whole number ≥ 1', task.epochs);
  }
  if (!Number.isInteger(task.batchSize) || task.batchSize < 1) {
    fail('batch_size', 'must be a whole number ≥ 1', task.batchSize);
  }
  if (!(task.validationSplit >= 0 && task.validationSplit < 1)) {
    fail('validation_split', 'must be in [0, 1)', task.validationSplit);
  }
  if (task.holdoutSplit !== undefined && !(task.holdoutSplit >= 0 && task.holdoutSplit < 1)) {
    fail('holdout_split', 'must be in [0, 1)', task.holdoutSplit);
  }
  if (!Number.isFinite(task.seed)) {
    fail('seed', 'must be a number', task.seed);
  }
  const early = task.earlyStopping;
  if (early) {
    if (!Number.isInteger(early.patience) || early.patience < 0) {
      fail('early_stopping.patience', 'must be a whole number ≥ 0', early.patience);
    }
    if ((early.monitor ?? 'val_loss').startsWith('val_') && task.validationSplit === 0) {
      fail(
        'early_stopping',
        'watches a validation metric, so validation_split must be > 0',
        task.validationSplit,
      );
    }
  }
}

/** Renames TensorFlow.js' epoch logs to our metric names; regression errors go back to target units. */
function epochValues(logs: tfl.Logs, prep: Preprocessing): Record<string, number> {
  const values: Record<string, number> = dict();
  const std = prep.target.problem === 'regression' ? prep.target.std : 1;
  for (const [key, raw] of Object.entries(logs)) {
    const value = Number(raw);
    if (prep.target.problem === 'regression') {
      const prefix = key.startsWith('val_') ? 'val_' : '';
      const base = key.slice(prefix.length);
      if (base === 'loss') {
        // Loss is the mean squared error of the standardised target; report it as such and in target units.
        values[key] = value;
        values[`${prefix}mse`] = value * std * std;
      } else if (base === 'mae') {
        values[key] = value * std;
      }
    } else {
      values[LOG_NAMES[key] ?? key] = value;
    }
  }
  return values;
}

/**
 * Runs a tfjs-train task in this process (the trainer child, which seeds `Math.random` around it with
 * `withSeededRandom` so dropout and shuffling repeat too). Writes metrics, `info.json`,
 * `artifacts/model/`, `artifacts/evaluation.json` and, with a holdout split, `artifacts/holdout.csv`.
 * @throws UserInputError for bad data or settings (nothing is trained then).
 */
export async function runTrain(
  task: TfjsTrainTask,
  ctx: JobContext,
  backend: BackendInfo,
): Promise<TrainSummary> {
  checkTrainTask(task);
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    console.log(`warning: ${message}`);
    // Recorded at once so a run that fails later still keeps them.
    mergeInfo(ctx, { warnings });
  };
  const table = readTable(resolve(ctx.root, task.dataFile), task.dataFile);
  const featureNames = task.features ?? table.columns.filter((c) => c !== task.target);
  checkColumns(table, { target: [task.target], feature: featureNames });
  const inferred = inferTarget(table, task.target, task.problem);
  badCellWarnings(task.dataFile, inferred.stray, 'row dropped (fix the value or leave it empty)').forEach(
    warn,
  );
  const labelled = inferred.rows;
  const split = splitRows(labelled.length, task.validationSplit, task.holdoutSplit ?? 0, task.seed);
  const pick = (indices: number[]) => indices.map((i) => labelled[i]);
  const trainRows = pick(split.train);
  const validationRows = pick(split.validation);
  const holdoutRows = pick(split.holdout);
  if (trainRows.length === 0) {
    throw new UserInputError(
      `${task.dataFile}: no training rows are left (${labelled.length} usable rows); add data or lower validation_split/holdout_split.`,
      { file: task.dataFile },
    );
  }
  const prep = fitPreprocessing(
    table,
    { target: task.target, features: featureNames, problem: inferred.problem, warn },
    trainRows,
    labelled,
  );
  if (prep.target.problem === 'classification' && prep.target.classes.length < 2) {
    throw new UserInputError(
      `${task.dataFile}: target "${task.target}" has a single class (${prep.target.classes.join('')}); a classifier needs at least two.`,
      { file: task.dataFile },
    );
  }
  for (const feature of prep.features) {
    if (feature.kind === 'categorical' && feature.categories.length > MANY_CATEGORIES) {
      warn(
        `feature "${feature.name}" has ${feature.categories.length} categories (one input each); ` +
          'if it is an identifier, leave it out of "features".',
      );
    }
  }
  const train = encodeRows(prep, table, trainRows);
  const validation = validationRows.length > 0 ? encodeRows(prep, table, validationRows) : undefined;
  const holdout = holdoutRows.length > 0 ? encodeRows(prep, table, holdoutRows) : undefined;
  const stray = [train, validation, holdout]
    .flatMap((e) => e?.stray ?? [])
    .sort((a, b) => a.line - b.line || a.column.localeCompare(b.column));
  badCellWarnings(task.dataFile, stray, 'treated as missing (fix the value or leave it empty)').forEach(warn);
  const outputs = prep.target.problem === 'classification' ? prep.target.classes.length : 1;
  console.log(
    `data ${task.dataFile}: ${train.rowCount} training, ${validation?.rowCount ?? 0} validation, ` +
      `${holdout?.rowCount ?? 0} holdout rows; ${prep.inputNames.length} inputs; ` +
      (prep.target.problem === 'classification'
        ? `classification of ${task.target} into ${prep.target.classes.join(', ')}`
        : `regression of ${task.target}`) +
      ` (${inferred.reason}); backend ${backend.backend}`,
  );
  if (inferred.missing > 0) {
    console.log(`skipped ${inferred.missing} rows whose ${task.target} is missing`);
  }
  if (task.validationSplit > 0 && (validation?.rowCount ?? 0) < MIN_VALIDATION_ROWS) {
    warn(
      `the validation split has ${validation?.rowCount ?? 0} row${validation?.rowCount === 1 ? '' : 's'}: ` +
        `its metrics mean little below ${MIN_VALIDATION_ROWS} rows; use more data or a larger validation_split.`,
    );
  }

  const model = buildModel(
    task.model.layers,
    task.optimizer,
    prep.inputNames.length,
    prep.target.problem,
    outputs,
    task.seed,
  );
  const x = inputTensor(train);
  const y = targetTensor(train, prep);
  const validationData = validation
    ? ([inputTensor(validation), targetTensor(validation, prep)] as const)
    : undefined;

  const early = task.earlyStopping;
  const monitor = early?.monitor ?? 'val_loss';
  const known = metricNames(prep.target.problem, validation !== undefined);
  if (early && !known.includes(monitor)) {
    throw new UserInputError(
      `early_stopping.monitor "${monitor}" is not a metric of this task; use one of ${known.join(', ')}.`,
    );
  }
  const stopping = early
    ? new EarlyStopping({
        monitor,
        patience: early.patience,
        ...(early.minDelta !== undefined ? { minDelta: early.minDelta } : {}),
        ...(early.mode !== undefined ? { mode: early.mode } : {}),
      })
    : undefined;
  let bestWeights: tf.Tensor[] = [];
  let lastEpoch = 0;
  let stoppedEarly = false;
  const epochSeconds: number[] = [];
  let epochStart = performance.now();
  try {
    await model.fit(x, y, {
      epochs: task.epochs,
      batchSize: task.batchSize,
      shuffle: true,
      verbose: 0,
      ...(validationData ? { validationData: [validationData[0], validationData[1]] } : {}),
      callbacks: {
        onEpochBegin: () => {
          epochStart = performance.now();
          return Promise.resolve();
        },
        onEpochEnd: (epoch, logs) => {
          epochSeconds.push((performance.now() - epochStart) / 1000);
          lastEpoch = epoch + 1;
          const values = orderValues(epochValues(logs ?? {}, prep), known);
          const dropped = writeMetrics(ctx, lastEpoch, values);
          console.log(`epoch ${lastEpoch}/${task.epochs} ${formatValues(values)}`);
          if (dropped.length > 0) {
            console.log(
              `warning: ${dropped.join(', ')} not finite at epoch ${lastEpoch}; try a lower learning rate`,
            );
          }
          const step = stopping?.update(lastEpoch, values[monitor] ?? NaN);
          if (step === 'improved') {
            bestWeights.forEach((w) => w.dispose());
            bestWeights = model.getWeights().map((w) => w.clone());
          } else if (step === 'stop') {
            stoppedEarly = true;
            model.stopTraining = true;
          }
          return Promise.resolve();
        },
      },
    });
  } finally {
    x.dispose();
    y.dispose();
    validationData?.forEach((t) => t.dispose());
  }
  if (stopping && bestWeights.length > 0) {
    model.setWeights(bestWeights);
    bestWeights.forEach((w) => w.dispose());
    console.log(
      `${stoppedEarly ? 'stopped early' : 'finished'}; restored the weights of epoch ${stopping.bestEpoch} (${monitor}=${Number(stopping.best.toPrecision(4))})`,
    );
  }

  const modelDir = join(artifactsDir(ctx), 'model');
  await saveModel(model, prep, modelDir);
  const evaluated = validation ?? train;
  const evaluation = await evaluateModel(model, prep, evaluated);
  const report: Record<string, unknown> = {
    data: task.dataFile,
    split: validation ? 'validation' : 'train',
    ...evaluation,
  };
  const finalValues = evaluationMetrics(evaluation, 'eval/');
  if (holdout) {
    writeFileSync(join(artifactsDir(ctx), 'holdout.csv'), tableToCsv(table, holdoutRows));
    const holdoutEvaluation = await evaluateModel(model, prep, holdout);
    report.holdout = { data: 'artifacts/holdout.csv', split: 'holdout', ...holdoutEvaluation };
    Object.assign(finalValues, evaluationMetrics(holdoutEvaluation, 'holdout/'));
  }
  writeJsonArtifact(ctx, 'evaluation.json', report);
  const undefinedMetrics = writeMetrics(ctx, lastEpoch, finalValues);
  if (undefinedMetrics.length > 0) {
    warn(
      `${undefinedMetrics.join(', ')} undefined (recorded as null in evaluation.json, left out of the metrics): ` +
        'R² needs at least 2 rows whose target values differ.',
    );
  }
  console.log(`evaluation on the ${report.split as string} rows: ${formatValues(finalValues)}`);
  model.dispose();

  const summary: TrainSummary = {
    epochsRun: lastEpoch,
    bestEpoch: stopping ? stopping.bestEpoch : lastEpoch,
    stoppedEarly,
    meanEpochSeconds: epochSeconds.reduce((a, b) => a + b, 0) / Math.max(1, epochSeconds.length),
    rows: {
      train: train.rowCount,
      validation: validation?.rowCount ?? 0,
      holdout: holdout?.rowCount ?? 0,
      droppedUnlabelled: inferred.missing,
      droppedBadTarget: inferred.stray.length,
    },
    evaluation,
    warnings,
  };
  const { evaluation: _omit, warnings: _warnings, ...facts } = summary;
  // Warnings are already in info.json (written as they happen); none means no key at all.
  mergeInfo(ctx, facts);
  return summary;
}

/** The per-epoch metric names of a task (see `epochValues`). */
export function metricNames(problem: 'classification' | 'regression', withValidation: boolean): string[] {
  const base = problem === 'classification' ? ['loss', 'accuracy'] : ['loss', 'mae', 'mse'];
  return withValidation ? [...base, ...base.map((n) => `val_${n}`)] : base;
}

/** Puts the known names first, in their documented order. */
function orderValues(values: Record<string, number>, order: readonly string[]): Record<string, number> {
  const sorted: Record<string, number> = dict();
  for (const name of [...order, ...Object.keys(values)]) {
    if (name in values && !(name in sorted)) {
      sorted[name] = values[name];
    }
  }
  return sorted;
}
