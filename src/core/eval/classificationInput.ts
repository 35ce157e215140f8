/**
 * The column arrays a classification evaluation reads, and the predicted labels implied by
 * probabilities when a file has none.
 */

/** Input of `evaluateClassification`. All arrays have one entry per row. */
export interface ClassificationInput {
  /** Every class name, sorted as scikit-learn sorts labels (`labels.ts`); indices below point here. */
  labels: readonly string[];
  /** True class of each row (index into `labels`). */
  actual: ArrayLike<number>;
  /** Predicted class of each row; when absent, derived from `probabilities` (see below). */
  predicted?: ArrayLike<number>;
  /**
   * Probability columns: `columns[j][i]` is the probability of class `classes[j]` (index into
   * `labels`, ascending) for row i. A binary problem may give a single column: the probability (or any
   * score) of the class `positive`.
   */
  probabilities?: { classes: number[]; columns: ArrayLike<number>[] };
  /** Positive class of a binary problem (index into `labels`); default the last of the two classes. */
  positive?: number;
  /** Bins of the calibration curve (default 10). */
  calibrationBins?: number;
  /** Bin edges of the calibration curve (default uniform). */
  calibrationStrategy?: 'uniform' | 'quantile';
}

/**
 * Predicted classes from probabilities: the column with the highest value (the first on ties, as
 * `np.argmax` and scikit-learn's `predict` pick); for a single column of the positive class's
 * probability p, the positive class when p > 0.5 (the argmax of [1 − p, p]), else the other class.
 * @throws RangeError when there are no probabilities, or a single score column is not a probability,
 *   or a single column leaves the other class unknown.
 */
export function probabilityDerivedPredictions(input: ClassificationInput): Int32Array {
  const probabilities = input.probabilities;
  if (!probabilities || probabilities.columns.length === 0) {
    throw new RangeError('no predicted labels and no probabilities to derive them from');
  }
  const { classes, columns } = probabilities;
  const n = input.actual.length;
  const out = new Int32Array(n);
  if (columns.length === 1) {
    const positive = input.positive ?? classes[0];
    const others = input.labels.map((_, c) => c).filter((c) => c !== positive);
    if (others.length !== 1) {
      throw new RangeError(
        `a single score column needs exactly two classes to tell the other class (found ${input.labels.length})`,
      );
    }
    const score = columns[0];
    for (let i = 0; i < n; i++) {
      if (!(score[i] >= 0 && score[i] <= 1)) {
        throw new RangeError(
          `row ${i}: the score ${score[i]} is not a probability, so predicted labels cannot be derived from it`,
        );
      }
      out[i] = score[i] > 0.5 ? positive : others[0];
    }
    return out;
  }
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < columns.length; j++) {
      if (columns[j][i] > columns[best][i]) {
        best = j;
      }
    }
    out[i] = classes[best];
  }
  return out;
}
