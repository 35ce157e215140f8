/**
 * A compare chart drawn in two steps with the same result as in one: first the few rows that fix its
 * layout, then the rest. A chart that fits its container's width (vega's `fit-x` autosize) is laid out
 * once to measure its axes and then laid out and encoded again at the fitted width; drawn first from
 * rows that give every scale the domain the whole dataset gives it, that second pass costs next to
 * nothing, and the other rows are then encoded once, at the final width (a 20,000-row chart was
 * encoded twice before).
 */
import type { ChartRow } from '../../src/protocol/charts';

/** Fields of the compare dataset whose values make a scale's domain (x, and every y layer's field). */
const DOMAIN_FIELDS = ['x', 'value', 'raw', 'min', 'max'] as const;

/**
 * Splits `rows` (the compare dataset, series after series) into `first`: each series' first row, so
 * that the series appear in the same order as in `rows` (the order lines are drawn in), and for every
 * field of {@link DOMAIN_FIELDS} the rows of its smallest and largest finite value and of its smallest
 * value > 0 (a log scale's lower end); and `rest`, every other row. Both keep the order of `rows`.
 * Drawn from `first` then given `rest`, a chart's scales (and so its axes and layout) end as they
 * would from `rows` at once: domains are unions of the fields' extremes, which `first` holds.
 */
export function splitFirstRows(rows: readonly ChartRow[]): { first: ChartRow[]; rest: ChartRow[] } {
  const chosen = new Set<number>();
  let previous: unknown = undefined;
  rows.forEach((row, i) => {
    if (i === 0 || row.series !== previous) {
      chosen.add(i);
    }
    previous = row.series;
  });
  for (const field of DOMAIN_FIELDS) {
    let low = -1;
    let high = -1;
    let lowPositive = -1;
    rows.forEach((row, i) => {
      const value = row[field];
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return;
      }
      if (low < 0 || value < (rows[low][field] as number)) {
        low = i;
      }
      if (high < 0 || value > (rows[high][field] as number)) {
        high = i;
      }
      if (value > 0 && (lowPositive < 0 || value < (rows[lowPositive][field] as number))) {
        lowPositive = i;
      }
    });
    for (const i of [low, high, lowPositive]) {
      if (i >= 0) {
        chosen.add(i);
      }
    }
  }
  const first: ChartRow[] = [];
  const rest: ChartRow[] = [];
  rows.forEach((row, i) => (chosen.has(i) ? first : rest).push(row));
  return { first, rest };
}
