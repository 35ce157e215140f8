/** "Did you mean …?" suggestions for misspelt keys, task names and params. */

/** Edit distance with adjacent transpositions (optimal string alignment): insert, delete, substitute, swap cost 1. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[i - 2][j - 2] + 1);
      }
      d[i][j] = best;
    }
  }
  return d[a.length][b.length];
}

function normalise(word: string): string {
  return word.toLowerCase().replace(/[-_\s]/g, '');
}

/**
 * The candidate closest to `word`, or `undefined` when none is close: same letters ignoring case and
 * `_`/`-` (so `batchSize` suggests `batch_size`), or an edit distance of at most a third of the length.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const own = normalise(word);
  const lower = word.toLowerCase();
  const bound = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (normalise(candidate) === own) {
      return candidate;
    }
    // The edit distance is at least the difference in length: a candidate that far off cannot be close,
    // and skipping it keeps a long word (a 1 MB name) from costing its length times every candidate's.
    if (Math.abs(candidate.length - word.length) > Math.min(bound, bestDistance)) {
      continue;
    }
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  return bestDistance <= bound ? best : undefined;
}

/** ` Did you mean "x"?` or an empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const match = closest(word, candidates);
  return match === undefined ? '' : ` Did you mean "${match}"?`;
}
