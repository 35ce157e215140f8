/**
 * Checks over a monitor's windows: each check of the checks grammar (`core/checks/grammar.ts`, e.g.
 * `monitor/f1_macro >= 0.8`) compared with each window's value of its metric, and a sentence that says
 * where it failed: `F1 (macro) fell below 0.8 from 2015-03`.
 *
 * A window without a value of the metric (no rows, or a metric undefined there) neither passes nor
 * fails. A check against `baseline` compares whole runs and is left to the end of the run.
 */
import { compare } from '../checks/evaluate';
import { parseCheck, type CheckOperator, type ParsedCheck } from '../checks/grammar';
import { formatNumber } from '../../shared/formatting';
import { ownValue } from '../../shared/dict';
import type { MonitorCheck, MonitorWindowResult } from './types';

const LABELS = new Map<string, string>([
  ['accuracy', 'Accuracy'],
  ['balanced_accuracy', 'Balanced accuracy'],
  ['f1_macro', 'F1 (macro)'],
  ['f1_weighted', 'F1 (weighted)'],
  ['precision_macro', 'Precision (macro)'],
  ['precision_weighted', 'Precision (weighted)'],
  ['recall_macro', 'Recall (macro)'],
  ['recall_weighted', 'Recall (weighted)'],
  ['mcc', 'Matthews correlation'],
  ['kappa', "Cohen's kappa"],
  ['log_loss', 'Log loss'],
  ['brier', 'Brier score'],
  ['roc_auc', 'ROC AUC'],
  ['roc_auc_weighted', 'ROC AUC (weighted)'],
  ['average_precision', 'Average precision'],
  ['best_f1', 'Best F1'],
  ['best_f1_threshold', 'Best-F1 threshold'],
  ['mae', 'MAE'],
  ['mse', 'MSE'],
  ['rmse', 'RMSE'],
  ['r2', 'R²'],
  ['mape', 'MAPE'],
  ['median_absolute_error', 'Median absolute error'],
  ['max_error', 'Max error'],
  ['explained_variance', 'Explained variance'],
  ['drift_share', 'Drifted-column share'],
  ['rows', 'Rows'],
]);

/** A metric's name for people: `monitor/f1_macro` → `F1 (macro)`; other names as they are. */
export function metricLabel(metric: string): string {
  const short = metric.startsWith('monitor/') ? metric.slice('monitor/'.length) : metric;
  return LABELS.get(short) ?? metric;
}

const VERB: Record<CheckOperator, string> = {
  '>=': 'fell below',
  '>': 'fell to or below',
  '<=': 'rose above',
  '<': 'rose to or above',
  '==': 'differed from',
  '!=': 'equalled',
};

/**
 * The sentence for the windows a check fails: consecutive failing windows form a stretch; a stretch
 * that lasts to the last window reads `from 2015-03`, a closed one `from 2014-06 to 2014-08` (or `in
 * 2014-06` for one window).
 */
export function failureSentence(
  check: ParsedCheck,
  threshold: number,
  failed: readonly number[],
  windows: readonly Pick<MonitorWindowResult, 'index' | 'label'>[],
): string | undefined {
  if (failed.length === 0) {
    return undefined;
  }
  const lastIndex = windows[windows.length - 1].index;
  const stretches: [number, number][] = [];
  for (const w of failed) {
    const open = stretches[stretches.length - 1];
    if (open && open[1] === w - 1) {
      open[1] = w;
    } else {
      stretches.push([w, w]);
    }
  }
  const label = (i: number): string => windows[i]?.label ?? String(i);
  const parts = stretches.map(([a, b]) =>
    b === lastIndex && a !== b
      ? `from ${label(a)}`
      : a === b
        ? `in ${label(a)}`
        : `from ${label(a)} to ${label(b)}`,
  );
  const where =
    parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : parts[0];
  return `${metricLabel(check.metric)} ${VERB[check.op]} ${formatNumber(threshold, 6)} ${where}`;
}

/**
 * Parses the checks and finds the windows failing each. Checks against `baseline` are returned in
 * `deferred` (evaluated by the run's end, not per window).
 * @throws UserInputError (CheckSyntaxError) for a check that does not parse.
 */
export function windowChecks(
  texts: readonly string[],
  windows: MonitorWindowResult[],
): { checks: MonitorCheck[]; deferred: string[] } {
  const checks: MonitorCheck[] = [];
  const deferred: string[] = [];
  for (const text of texts) {
    const check = parseCheck(text);
    if (check.right.kind !== 'number') {
      deferred.push(text);
      continue;
    }
    const threshold = check.right.value;
    const failed: number[] = [];
    for (const w of windows) {
      const value = ownValue(w.metrics, check.metric);
      if (value !== undefined && !compare(value, check.op, threshold)) {
        failed.push(w.index);
        w.failedChecks.push(text);
      }
    }
    checks.push({
      check: text,
      metric: check.metric,
      op: check.op,
      threshold,
      failedWindows: failed,
      sentence: failureSentence(check, threshold, failed, windows),
    });
  }
  return { checks, deferred };
}
