/** Predictions of a trained model on encoded rows, turned into an evaluation report. */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type Evaluation, evaluateClassification, evaluateRegression } from './evaluation';
import type { EncodedRows, Preprocessing } from './preprocess';

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

/**
 * Runs the model on the rows and scores the predictions against their targets: the arg-max class
 * for classification, the de-standardised value for regression (target units).
 */
export async function evaluateModel(
  model: tfl.LayersModel,
  prep: Preprocessing,
  rows: EncodedRows,
): Promise<Evaluation> {
  const x = inputTensor(rows);
  try {
    const output = model.predict(x, { batchSize: 1024 }) as tf.Tensor;
    try {
      if (prep.target.problem === 'classification') {
        const predicted = await tf.tidy(() => tf.argMax(output, 1)).data();
        const k = prep.target.classes.length;
        const flat = await output.data();
        const n = flat.length / k;
        // The softmax output, one column per class, for log loss, ROC and precision–recall.
        const columns = Array.from({ length: k }, (_, c) =>
          Float64Array.from({ length: n }, (_, i) => flat[i * k + c]),
        );
        return evaluateClassification(prep.target.classes, Int32Array.from(rows.y), predicted, columns);
      }
      const { mean, std } = prep.target;
      const scaled = await output.data();
      const predicted = Float64Array.from(scaled, (v) => v * std + mean);
      const actual = Float64Array.from(rows.rawTarget, Number);
      return evaluateRegression(actual, predicted);
    } finally {
      output.dispose();
    }
  } finally {
    x.dispose();
  }
}
