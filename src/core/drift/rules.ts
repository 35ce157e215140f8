/**
 * Which test each column gets, and its threshold: Evidently's default stattest table
 * (https://docs-old.evidentlyai.com/reference/data-drift-algorithm, `_get_default_stattest` in
 * `evidently.legacy.calculations.stattests.registry`), with user overrides on top.
 *
 * | reference rows (non-missing) | column | distinct values (ref ∪ cur) | method | drift when |
 * | --- | --- | --- | --- | --- |
 * | ≤ 1000 | numerical | > 5 | `ks` | p < 0.05 |
 * | ≤ 1000 | numerical | 3–5 | `chisquare` | p < 0.05 |
 * | ≤ 1000 | numerical or categorical | ≤ 2 | `z` | p < 0.05 |
 * | ≤ 1000 | categorical | > 2 | `chisquare` | p < 0.05 |
 * | > 1000 | numerical | > 5 | `wasserstein` (normed) | distance ≥ 0.1 |
 * | > 1000 | numerical | ≤ 5 | `jensenshannon` | distance ≥ 0.1 |
 * | > 1000 | categorical | any | `jensenshannon` | distance ≥ 0.1 |
 *
 * The dataset drifts when drifted / tested columns ≥ 0.5. Datetime and text columns are not tested
 * unless a column rule names a method (datetimes are then tested as numbers).
 */
import { UserInputError } from '../base/errors';
import type { ColumnRule, DriftMethod, DriftOptions, RuleSource, ScoreKind } from './types';
import { dict, ownValue } from '../../shared/dict';

/** Default threshold per method: a significance level for p-value tests, a distance otherwise. */
export const DEFAULT_THRESHOLDS: Readonly<Record<DriftMethod, number>> = {
  ks: 0.05,
  chisquare: 0.05,
  z: 0.05,
  wasserstein: 0.1,
  jensenshannon: 0.1,
  psi: 0.1,
};

export const SCORE_KINDS: Readonly<Record<DriftMethod, ScoreKind>> = {
  ks: 'p_value',
  chisquare: 'p_value',
  z: 'p_value',
  wasserstein: 'distance',
  jensenshannon: 'distance',
  psi: 'distance',
};

/** Methods that need numbers (the others bin values by category). */
export const NUMERIC_ONLY: ReadonlySet<DriftMethod> = new Set(['ks', 'wasserstein']);

export const DEFAULT_DRIFT_SHARE = 0.5;
export const DEFAULT_SMALL_SAMPLE_ROWS = 1000;

/** Options with every default filled in. */
export function defaultDriftOptions(): DriftOptions {
  return {
    perColumn: dict<ColumnRule>(),
    driftShare: DEFAULT_DRIFT_SHARE,
    smallSampleRows: DEFAULT_SMALL_SAMPLE_ROWS,
    maxRows: null,
    seed: 42,
  };
}

/** Whether the score means drift for a method's kind: p < threshold, or distance ≥ threshold. */
export function isDrift(kind: ScoreKind, score: number, threshold: number): boolean {
  return kind === 'p_value' ? score < threshold : score >= threshold;
}

export interface ResolvedRule {
  method: DriftMethod;
  methodSource: RuleSource;
  threshold: number;
  thresholdSource: RuleSource;
  reason: string;
}

/**
 * The method of Evidently's default table for a column.
 * @param kind `numerical` (numbers and datetimes tested as numbers) or `categorical`.
 * @param referenceRows non-missing reference values; `distinct` distinct values of reference ∪ current.
 */
export function defaultMethod(
  kind: 'numerical' | 'categorical',
  referenceRows: number,
  distinct: number,
  smallSampleRows = DEFAULT_SMALL_SAMPLE_ROWS,
): { method: DriftMethod; reason: string } {
  const size =
    referenceRows <= smallSampleRows
      ? `reference has ${referenceRows} values (≤ ${smallSampleRows})`
      : `reference has ${referenceRows} values (> ${smallSampleRows})`;
  const values = `${distinct} distinct value${distinct === 1 ? '' : 's'}`;
  let method: DriftMethod;
  if (referenceRows <= smallSampleRows) {
    if (kind === 'numerical') {
      method = distinct > 5 ? 'ks' : distinct > 2 ? 'chisquare' : 'z';
    } else {
      method = distinct > 2 ? 'chisquare' : 'z';
    }
  } else {
    method = kind === 'numerical' && distinct > 5 ? 'wasserstein' : 'jensenshannon';
  }
  return { method, reason: `${kind}, ${size}, ${values}` };
}

/**
 * The method and threshold for one column: column rule, else global option, else the default table.
 * @throws UserInputError when a numeric-only method (ks, wasserstein) is asked of a categorical column.
 */
export function resolveRule(
  column: string,
  kind: 'numerical' | 'categorical',
  referenceRows: number,
  distinct: number,
  options: DriftOptions,
): ResolvedRule {
  const rule = ownValue(options.perColumn, column) ?? {};
  const fallback = defaultMethod(kind, referenceRows, distinct, options.smallSampleRows);
  let method = fallback.method;
  let methodSource: RuleSource = 'default';
  let reason = fallback.reason;
  if (rule.method) {
    method = rule.method;
    methodSource = 'column';
    reason = `${kind}; method set for this column`;
  } else if (options.method) {
    method = options.method;
    methodSource = 'global';
    reason = `${kind}; method set for all columns`;
  }
  if (kind === 'categorical' && NUMERIC_ONLY.has(method)) {
    throw new UserInputError(
      `Column "${column}" is categorical, but method "${method}" needs numbers. ` +
        `Use chisquare, z, jensenshannon or psi for it, or set its type to numerical.`,
    );
  }
  let threshold = DEFAULT_THRESHOLDS[method];
  let thresholdSource: RuleSource = 'default';
  if (rule.threshold !== undefined) {
    threshold = rule.threshold;
    thresholdSource = 'column';
  } else if (options.threshold !== undefined) {
    threshold = options.threshold;
    thresholdSource = 'global';
  }
  return { method, methodSource, threshold, thresholdSource, reason };
}
