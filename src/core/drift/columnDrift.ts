/**
 * Drift of one column: picks the test (see `rules.ts`), runs it on the non-missing values, and builds
 * the summaries and the shared-bin histogram of the report. Numeric columns are sorted once; every
 * numeric statistic then walks the sorted arrays.
 */
import { formatNumber } from '../../shared/formatting';
import type { Column, DictionaryColumn, NumericColumn } from '../data/types';
import { resolveRule, SCORE_KINDS, isDrift, type ResolvedRule } from './rules';
import {
  distinctSorted,
  histogramSorted,
  sturgesEdges,
  unionDistinctCount,
  valueBinsSorted,
  VALUE_BINS_MAX_UNIQUE,
} from './stats/binning';
import { chiSquareTest } from './stats/chiSquare';
import { jensenShannonDistance, populationStabilityIndex } from './stats/divergence';
import { ksTwoSample } from './stats/ks';
import { normedWasserstein } from './stats/wasserstein';
import { twoProportionZTest } from './stats/zTest';
import { numberArray, shared } from './compact';
import { categoricalSummary, numericSummary } from './summary';
import type { ColumnDrift, DriftOptions, SharedHistogram, SkippedColumn } from './types';

/** Categories drawn in a histogram before the rest are folded into one bin. */
export const MAX_HISTOGRAM_CATEGORIES = 30;

interface TestOutcome {
  statistic: number;
  pValue?: number;
  dof?: number;
}

/** Largest value range sorted by counting (a 4M-entry Int32Array of counts, 16 MB). */
const COUNTING_SORT_MAX_RANGE = 1 << 22;

/**
 * Non-missing values of a numeric column, ascending. Integer columns whose range is small (counts,
 * delays, ages, years: common in tabular data) are sorted by counting in O(n + range); the rest by
 * the typed-array sort.
 */
export function sortedValues(values: Float64Array): Float64Array {
  let n = 0;
  let min = Infinity;
  let max = -Infinity;
  let integers = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === v) {
      n++;
      if (v < min) {
        min = v;
      }
      if (v > max) {
        max = v;
      }
      if (integers && Math.floor(v) !== v) {
        integers = false;
      }
    }
  }
  const out = new Float64Array(n);
  if (integers && n > 1024 && max - min < COUNTING_SORT_MAX_RANGE && max - min < 4 * n) {
    const counts = new Int32Array(max - min + 1);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === v) {
        counts[v - min]++;
      }
    }
    let k = 0;
    for (let d = 0; d < counts.length; d++) {
      const value = d + min;
      for (let c = counts[d]; c > 0; c--) {
        out[k++] = value;
      }
    }
    return out;
  }
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === v) {
      out[k++] = v;
    }
  }
  return out.sort();
}

function finishColumn(
  name: string,
  type: Column['type'],
  rule: ResolvedRule,
  outcome: TestOutcome,
  psi: number,
  parts: Pick<ColumnDrift, 'reference' | 'current' | 'histogram'>,
): ColumnDrift {
  const scoreKind = SCORE_KINDS[rule.method];
  const score = scoreKind === 'p_value' ? outcome.pValue! : outcome.statistic;
  const refRows = parts.reference.rows;
  const curRows = parts.current.rows;
  const result: ColumnDrift = {
    name,
    type,
    method: rule.method,
    scoreKind,
    methodSource: rule.methodSource,
    thresholdSource: rule.thresholdSource,
    reason: shared(rule.reason),
    statistic: Number.isFinite(outcome.statistic) ? outcome.statistic : null,
    threshold: rule.threshold,
    drifted: isDrift(scoreKind, score, rule.threshold),
    missingShare: {
      reference: refRows ? parts.reference.missing / refRows : 0,
      current: curRows ? parts.current.missing / curRows : 0,
    },
    ...parts,
    psi: Number.isFinite(psi) ? psi : null,
  };
  if (scoreKind === 'p_value') {
    result.pValue = outcome.pValue;
  } else {
    result.distance = outcome.statistic;
  }
  if (outcome.dof !== undefined) {
    result.dof = outcome.dof;
  }
  if (!Number.isFinite(outcome.statistic)) {
    result.note = `The statistic is infinite: the current data has ${newValues(parts.histogram)} the reference never has.`;
  }
  return result;
}

/** `a value (5)` or `values (5, 3)`: categories present in the current data only, for notes. */
function newValues(histogram: SharedHistogram): string {
  if (histogram.kind !== 'categorical') {
    return 'a value';
  }
  const fresh = histogram.categories.filter(
    (label, i) => histogram.reference[i] === 0 && histogram.current[i] > 0 && label !== histogram.otherLabel,
  );
  if (fresh.length === 0) {
    return 'a value';
  }
  const shown = fresh.slice(0, 5).map((v) => JSON.stringify(v));
  return `${fresh.length === 1 ? 'a value' : 'values'} (${shown.join(', ')}${fresh.length > 5 ? ', …' : ''})`;
}

/**
 * Drift of a numeric (or datetime tested as numeric) column.
 * @returns a `SkippedColumn` when one side has no values.
 */
export function numericColumnDrift(
  reference: NumericColumn,
  current: NumericColumn,
  options: DriftOptions,
): ColumnDrift | SkippedColumn {
  const ref = sortedValues(reference.values);
  const cur = sortedValues(current.values);
  if (ref.length === 0 || cur.length === 0) {
    return {
      name: reference.name,
      type: reference.type,
      reason: `all values are missing in the ${ref.length === 0 ? 'reference' : 'current'} data`,
    };
  }
  const distinct = unionDistinctCount(ref, cur);
  const rule = resolveRule(reference.name, 'numerical', ref.length, distinct, options);
  const refDistinct = distinctSorted(ref).values.length;
  const datetime = reference.type === 'datetime';

  // Shared bins: Sturges edges above 20 distinct reference values, value bins otherwise.
  let histogram: SharedHistogram;
  let binRef: Float64Array;
  let binCur: Float64Array;
  const valueBins = refDistinct > VALUE_BINS_MAX_UNIQUE ? undefined : valueBinsSorted(ref, cur);
  if (valueBins) {
    binRef = valueBins.reference;
    binCur = valueBins.current;
    histogram = {
      kind: 'categorical',
      categories: Array.from(valueBins.values, (v) =>
        shared(datetime ? new Date(v).toISOString() : String(v)),
      ),
      reference: numberArray(binRef),
      current: numberArray(binCur),
      folded: 0,
    };
  } else {
    const edges = sturgesEdges(ref, cur);
    binRef = histogramSorted(ref, edges);
    binCur = histogramSorted(cur, edges);
    histogram = {
      kind: 'numeric',
      edges: numberArray(edges),
      reference: numberArray(binRef),
      current: numberArray(binCur),
    };
  }
  const psi = populationStabilityIndex(binRef, binCur, ref.length, cur.length);

  let outcome: TestOutcome;
  switch (rule.method) {
    case 'ks': {
      const ks = ksTwoSample(ref, cur);
      outcome = { statistic: ks.statistic, pValue: ks.pValue };
      break;
    }
    case 'wasserstein':
      outcome = { statistic: normedWasserstein(ref, cur) };
      break;
    case 'chisquare': {
      const bins = valueBins ?? valueBinsSorted(ref, cur);
      const chi = chiSquareTest(bins.reference, bins.current);
      outcome = { statistic: chi.statistic, pValue: chi.pValue, dof: chi.dof };
      break;
    }
    case 'z': {
      const bins = valueBins ?? valueBinsSorted(ref, cur);
      const z = twoProportionZTest(
        ref.length - bins.reference[0],
        ref.length,
        cur.length - bins.current[0],
        cur.length,
      );
      outcome = { statistic: z.statistic, pValue: z.pValue };
      break;
    }
    case 'jensenshannon':
      outcome = { statistic: jensenShannonDistance(binRef, binCur) };
      break;
    case 'psi':
      outcome = { statistic: psi };
      break;
  }
  return finishColumn(reference.name, reference.type, rule, outcome, psi, {
    reference: numericSummary(ref, reference.values.length),
    current: numericSummary(cur, current.values.length),
    histogram,
  });
}

function countCodes(column: DictionaryColumn): Float64Array {
  const counts = new Float64Array(column.dictionary.length);
  const codes = column.codes;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c >= 0) {
      counts[c]++;
    }
  }
  return counts;
}

/**
 * Drift of a categorical column (categories matched by their text across the two files).
 * @returns a `SkippedColumn` when one side has no values.
 */
export function categoricalColumnDrift(
  reference: DictionaryColumn,
  current: DictionaryColumn,
  options: DriftOptions,
): ColumnDrift | SkippedColumn {
  const refCounts = countCodes(reference);
  const curCounts = countCodes(current);
  // Union of the categories present in either sample.
  const index = new Map<string, number>();
  const labels: string[] = [];
  const addAll = (column: DictionaryColumn, counts: Float64Array): void => {
    column.dictionary.forEach((label, code) => {
      if (counts[code] > 0 && !index.has(label)) {
        index.set(label, labels.length);
        labels.push(label);
      }
    });
  };
  addAll(reference, refCounts);
  addAll(current, curCounts);
  const binRef = new Float64Array(labels.length);
  const binCur = new Float64Array(labels.length);
  reference.dictionary.forEach((label, code) => {
    if (refCounts[code] > 0) {
      binRef[index.get(label)!] += refCounts[code];
    }
  });
  current.dictionary.forEach((label, code) => {
    if (curCounts[code] > 0) {
      binCur[index.get(label)!] += curCounts[code];
    }
  });
  const nRef = reference.codes.length - reference.missing;
  const nCur = current.codes.length - current.missing;
  if (nRef === 0 || nCur === 0) {
    return {
      name: reference.name,
      type: reference.type,
      reason: `all values are missing in the ${nRef === 0 ? 'reference' : 'current'} data`,
    };
  }
  const rule = resolveRule(reference.name, 'categorical', nRef, labels.length, options);
  const psi = populationStabilityIndex(binRef, binCur, nRef, nCur);
  let outcome: TestOutcome;
  switch (rule.method) {
    case 'chisquare': {
      const chi = chiSquareTest(binRef, binCur);
      outcome = { statistic: chi.statistic, pValue: chi.pValue, dof: chi.dof };
      break;
    }
    case 'z': {
      // The first category in sorted order against the rest, as Evidently does.
      let first = 0;
      labels.forEach((label, i) => {
        if (label < labels[first]) {
          first = i;
        }
      });
      const z = twoProportionZTest(nRef - binRef[first], nRef, nCur - binCur[first], nCur);
      outcome = { statistic: z.statistic, pValue: z.pValue };
      break;
    }
    case 'jensenshannon':
      outcome = { statistic: jensenShannonDistance(binRef, binCur) };
      break;
    case 'psi':
      outcome = { statistic: psi };
      break;
    case 'ks':
    case 'wasserstein':
      throw new Error('unreachable: resolveRule rejects numeric-only methods for categorical columns');
  }
  return finishColumn(reference.name, reference.type, rule, outcome, psi, {
    reference: categoricalSummary(labels, binRef, reference.codes.length),
    current: categoricalSummary(labels, binCur, current.codes.length),
    histogram: categoricalHistogram(labels, binRef, binCur),
  });
}

/** Categories by descending total count; beyond the display limit the rest share one bin. */
function categoricalHistogram(labels: string[], ref: Float64Array, cur: Float64Array): SharedHistogram {
  const order = labels.map((_, i) => i);
  order.sort((a, b) => ref[b] + cur[b] - (ref[a] + cur[a]) || (labels[a] < labels[b] ? -1 : 1));
  const shown = order.slice(
    0,
    order.length > MAX_HISTOGRAM_CATEGORIES ? MAX_HISTOGRAM_CATEGORIES - 1 : order.length,
  );
  const rest = order.slice(shown.length);
  const histogram: SharedHistogram = {
    kind: 'categorical',
    categories: shown.map((i) => labels[i]),
    reference: shown.map((i) => ref[i]),
    current: shown.map((i) => cur[i]),
    folded: rest.length,
  };
  if (rest.length > 0) {
    histogram.otherLabel = `(${formatNumber(rest.length)} other)`;
    histogram.categories.push(histogram.otherLabel);
    histogram.reference.push(rest.reduce((s, i) => s + ref[i], 0));
    histogram.current.push(rest.reduce((s, i) => s + cur[i], 0));
  }
  return histogram;
}
