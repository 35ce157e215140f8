/**
 * The rule by which a column holding a few cells that are not numbers (a stray `n/a`, `?`, `error`)
 * stays numerical, those cells counting as `unparsable` missing values (`columnBuilder.ts`).
 */

/** Largest share of non-number cells (of the non-missing cells) a column may hold and stay numerical. */
export const NON_NUMBER_TOLERANCE = 0.02;

/**
 * Whether `nonNumbers` stray cells next to `numbers` numbers still make a numerical column: at most
 * {@link NON_NUMBER_TOLERANCE} of the non-missing cells, or a single cell among at least 10 numbers.
 */
export function isFewNonNumbers(nonNumbers: number, numbers: number): boolean {
  if (nonNumbers === 0) {
    return true;
  }
  if (numbers < 10) {
    return false;
  }
  return nonNumbers === 1 || nonNumbers <= NON_NUMBER_TOLERANCE * (numbers + nonNumbers);
}
