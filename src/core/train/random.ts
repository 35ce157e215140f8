/**
 * Seeded randomness for the built-in trainer: a small deterministic PRNG, shuffles and the
 * train/validation/holdout split. Same seed and same row count give the same split on every machine.
 */

import { mulberry32, type Random } from '../base/random';

export { mulberry32, type Random };

/** Fisher–Yates shuffle in place; returns the same array. */
export function shuffleInPlace<T>(items: T[], random: Random): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = items[i];
    items[i] = items[j];
    items[j] = swap;
  }
  return items;
}

/** Row indices of each part of a split, in shuffled order. */
export interface RowSplit {
  train: number[];
  validation: number[];
  holdout: number[];
}

/**
 * Shuffles row indices `0..rowCount-1` with `mulberry32(seed)` and cuts them into holdout (first
 * `round(rowCount × holdoutShare)` rows), validation (the next `round(remaining × validationShare)`,
 * i.e. a share of the rows left after the holdout, like Keras' `validation_split`) and training (the rest).
 * @throws RangeError when a share is outside [0, 1) or the training part would be empty.
 */
export function splitRows(
  rowCount: number,
  validationShare: number,
  holdoutShare: number,
  seed: number,
): RowSplit {
  for (const [name, share] of [
    ['validation_split', validationShare],
    ['holdout_split', holdoutShare],
  ] as const) {
    if (!(share >= 0 && share < 1)) {
      throw new RangeError(`${name} must be in [0, 1), got ${share}`);
    }
  }
  const order = shuffleInPlace(
    Array.from({ length: rowCount }, (_, i) => i),
    mulberry32(seed),
  );
  const holdoutCount = Math.round(rowCount * holdoutShare);
  const validationCount = Math.round((rowCount - holdoutCount) * validationShare);
  if (holdoutCount + validationCount >= rowCount) {
    throw new RangeError(
      `validation_split ${validationShare} and holdout_split ${holdoutShare} leave no training rows out of ${rowCount}`,
    );
  }
  return {
    holdout: order.slice(0, holdoutCount),
    validation: order.slice(holdoutCount, holdoutCount + validationCount),
    train: order.slice(holdoutCount + validationCount),
  };
}
