/** Predictions of a trained model on encoded rows: the outputs, an evaluation report, a predictions file. */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type Evaluation, evaluateClassification, evaluateRegression } from './evaluation';
import { stringify } from 'csv-stringify/sync';
import type { EncodedRows, Preprocessing } from './preprocess';
import type { Table } from './table';

/** Encoded rows as an input tensor `[rows, inputs]` (the caller disposes it). */
export function inputTensor(rows: EncodedRows): tf.Tensor2D {
  return tf.tensor2d(rows.x, [rows.rowCount, rows.inputCount]);
}

/** Training targets: one-hot `[rows, classes]` or `[rows, 1]` standardised values. */
export function targetTensor(rows: EncodedRows, prep: Preprocessing): tf.Tensor2D {
  if (prep.target.problem === 'classification') {
    const classCount = prep.target.classes.length;
    return tf.tidy(
      () => tf.cast(tf.oneHot(tf.tensor1d(rows.y, 'int32'), classCount), 'float32') as tf.Tensor2D,
    );
  }
  return tf.tensor2d(rows.y, [rows.rowCount, 1]);
}

/** What the model says of each row: a class and the softmax probabilities, or a value. */
export type ModelOutput =
  | { problem: 'classification'; predicted: Int32Array; probabilities: Float64Array[] }
  | { problem: 'regression'; predicted: Float64Array };

/**
 * Runs the model on the rows: the arg-max class (the first on ties) and the softmax output, one column
 * per class of `prep.target.classes`, for classification; the de-standardised value (target units) for
 * regression.
 */
export async function modelOutput(
  model: tfl.LayersModel,
  prep: Preprocessing,
  rows: EncodedRows,
): Promise<ModelOutput> {
  const x = inputTensor(rows);
  try {
    const output = model.predict(x, { batchSize: 1024 }) as tf.Tensor;
    try {
      if (prep.target.problem === 'classification') {
        const predicted = Int32Array.from(await tf.tidy(() => tf.argMax(output, 1)).data());
        const k = prep.target.classes.length;
        const flat = await output.data();
        const n = flat.length / k;
        const probabilities = Array.from({ length: k }, (_, c) =>
          Float64Array.from({ length: n }, (_, i) => flat[i * k + c]),
        );
        return { problem: 'classification', predicted, probabilities };
      }
      const { mean, std } = prep.target;
      const scaled = await output.data();
      return { problem: 'regression', predicted: Float64Array.from(scaled, (v) => v * std + mean) };
    } finally {
      output.dispose();
    }
  } finally {
    x.dispose();
  }
}

/**
 * Runs the model on the rows and scores the predictions against their targets (see {@link modelOutput});
 * the softmax output gives log loss, ROC and precision–recall.
 */
export async function evaluateModel(
  model: tfl.LayersModel,
  prep: Preprocessing,
  rows: EncodedRows,
): Promise<Evaluation> {
  return evaluateOutput(prep, rows, await modelOutput(model, prep, rows));
}

/** Scores a model's output on the rows against their targets (see {@link evaluateModel}). */
export function evaluateOutput(prep: Preprocessing, rows: EncodedRows, output: ModelOutput): Evaluation {
  if (output.problem === 'classification' && prep.target.problem === 'classification') {
    return evaluateClassification(
      prep.target.classes,
      Int32Array.from(rows.y),
      output.predicted,
      output.probabilities,
    );
  }
  return evaluateRegression(Float64Array.from(rows.rawTarget, Number), output.predicted);
}

/**
 * The rows of `table` with the model's predictions added, as CSV (a predictions file for `xlens eval`
 * and `xlens monitor`): every column of the file, then `pred` (the predicted class or value) and for
 * classification `proba_<class>` per class (the softmax output, in the model's class order). A column
 * of the file with one of these names is named `<name>_model` instead.
 */
export function predictionsCsv(
  table: Table,
  rows: readonly number[],
  prep: Preprocessing,
  output: ModelOutput,
): string {
  const added =
    output.problem === 'classification' && prep.target.problem === 'classification'
      ? ['pred', ...prep.target.classes.map((c) => `proba_${c}`)]
      : ['pred'];
  const header = [
    ...table.columns,
    ...added.map((name) => (table.columns.includes(name) ? `${name}_model` : name)),
  ];
  const records = rows.map((rowIndex, r) => {
    const cells = [...table.rows[rowIndex]];
    if (output.problem === 'classification' && prep.target.problem === 'classification') {
      cells.push(prep.target.classes[output.predicted[r]], ...output.probabilities.map((p) => String(p[r])));
    } else {
      cells.push(String(output.predicted[r]));
    }
    return cells;
  });
  return stringify([header, ...records]);
}
