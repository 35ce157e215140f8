/**
 * Evaluation of a run's checks when it ends (by its supervisor, `runner/runExecution.ts`, or by
 * reconciliation, `runs/reconcile.ts`): each check of `run.json`'s `checkConfig` compared with the
 * run's metric summaries, and with the baseline run's where the check names `baseline`.
 *
 * Which value a check compares: by default the metric's **last** value (`MetricSummary.last`, the
 * value the run ended with, as `xlens runs` shows it); `min(x)`, `max(x)` and `best(x)` (min or max by
 * `metricGoal`) select the others. `baseline` is the same value (same aggregate) of the same metric
 * in the baseline run. Arithmetic and comparisons are IEEE-754 doubles, `==` exact.
 */
import type { RunStore } from '../runs/store';
import { summaryValue } from '../runs/summaries';
import type { CheckResult, RunRecord } from '../runs/types';
import { ownValue } from '../../shared/dict';
import { formatNumber } from '../../shared/formatting';
import { findBaseline, parseBaseline, type BaselineLookup } from './baseline';
import { checkName, parseCheck, type CheckOperator, type ParsedCheck } from './grammar';

/** `value op threshold`. */
export function compare(value: number, op: CheckOperator, threshold: number): boolean {
  switch (op) {
    case '>=':
      return value >= threshold;
    case '>':
      return value > threshold;
    case '<=':
      return value <= threshold;
    case '<':
      return value < threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

/** How `metric` is named in reasons: `eval/auc`, or `max(eval/auc)` for another aggregate. */
function operandText(check: ParsedCheck): string {
  const name = checkName(check.metric);
  return check.aggregate === 'last' ? name : `${check.aggregate}(${name})`;
}

/**
 * Evaluates one parsed check against `run`'s summaries.
 * @param baseline the baseline lookup, when the task declares `baseline:` (required by a check whose
 *   right side is `baseline`; without it such a check fails saying so).
 */
export function evaluateCheck(
  check: ParsedCheck,
  run: Pick<RunRecord, 'metrics'>,
  baseline?: { ref: string; lookup: BaselineLookup },
): CheckResult {
  const summary = ownValue(run.metrics, check.metric);
  const value = summary ? summaryValue(check.metric, summary, check.aggregate) : null;
  const base: CheckResult = {
    check: check.text,
    metric: check.metric,
    aggregate: check.aggregate,
    op: check.op,
    value,
    threshold: null,
    passed: false,
  };
  const failed = (reason: string, extra: Partial<CheckResult> = {}): CheckResult => ({
    ...base,
    ...extra,
    reason,
  });
  let threshold: number;
  let baselineInfo: CheckResult['baseline'];
  if (check.right.kind === 'number') {
    threshold = check.right.value;
  } else {
    if (!baseline) {
      return failed('the check compares with `baseline`, but the task declares no `baseline:`');
    }
    if ('problem' in baseline.lookup) {
      return failed(baseline.lookup.problem, { baseline: { ref: baseline.ref, runId: null, value: null } });
    }
    const other = baseline.lookup.run;
    const otherSummary = ownValue(other.metrics, check.metric);
    const otherValue = otherSummary ? summaryValue(check.metric, otherSummary, check.aggregate) : null;
    baselineInfo = { ref: baseline.ref, runId: other.id, value: otherValue };
    if (otherValue === null) {
      return failed(`metric ${checkName(check.metric)} not recorded by the baseline run ${other.id}`, {
        baseline: baselineInfo,
      });
    }
    const adjust = check.right.adjust;
    threshold = !adjust
      ? otherValue
      : adjust.op === '+'
        ? otherValue + adjust.value
        : adjust.op === '-'
          ? otherValue - adjust.value
          : otherValue * adjust.value;
    if (!Number.isFinite(threshold)) {
      return failed(`the threshold from the baseline (${formatNumber(otherValue)}) is not finite`, {
        baseline: baselineInfo,
      });
    }
  }
  const withThreshold = { threshold, ...(baselineInfo ? { baseline: baselineInfo } : {}) };
  if (value === null) {
    return failed(`metric ${checkName(check.metric)} not recorded by this run`, withThreshold);
  }
  if (compare(value, check.op, threshold)) {
    return { ...base, ...withThreshold, passed: true };
  }
  const from = baselineInfo
    ? ` (baseline ${formatNumber(baselineInfo.value, 6)} of run ${baselineInfo.runId ?? '?'})`
    : '';
  return failed(
    `${operandText(check)} is ${formatNumber(value, 6)}, not ${check.op} ${formatNumber(threshold, 6)}${from}`,
    withThreshold,
  );
}

/**
 * The results of `run`'s checks (`run.checkConfig`): every check parsed and evaluated, the baseline
 * run looked up once. A check that no longer parses (a record written by hand) fails with the parse
 * error as its reason.
 * @returns undefined when the run declares no checks; never throws for missing runs or metrics (the
 *   store's own read errors propagate: callers catch them, see {@link withChecks}).
 */
export async function evaluateRunChecks(store: RunStore, run: RunRecord): Promise<CheckResult[] | undefined> {
  const config = run.checkConfig;
  if (!config || config.checks.length === 0) {
    return undefined;
  }
  let baseline: { ref: string; lookup: BaselineLookup } | undefined;
  if (config.baseline !== undefined) {
    let lookup: BaselineLookup;
    try {
      lookup = await findBaseline(store, parseBaseline(config.baseline, run.task), run);
    } catch (error) {
      lookup = { problem: (error as Error).message.replace(/\.$/, '') };
    }
    baseline = { ref: config.baseline, lookup };
  }
  return config.checks.map((text) => {
    let parsed: ParsedCheck;
    try {
      parsed = parseCheck(text);
    } catch (error) {
      return { check: text, value: null, threshold: null, passed: false, reason: (error as Error).message };
    }
    return evaluateCheck(parsed, run, baseline);
  });
}

/**
 * `run` with its check results (`checks`), for a final record; when evaluation itself fails (the run
 * store cannot be read), every check fails with that reason. Never throws.
 */
export async function withChecks(store: RunStore, run: RunRecord): Promise<RunRecord> {
  let checks: CheckResult[] | undefined;
  try {
    checks = await evaluateRunChecks(store, run);
  } catch (error) {
    const reason = `the checks could not be evaluated: ${(error as Error).message}`;
    checks = run.checkConfig?.checks.map((check) => ({
      check,
      value: null,
      threshold: null,
      passed: false,
      reason,
    }));
  }
  return checks ? { ...run, checks } : run;
}

/** Counts of passed and failed checks of a run (zero and zero when it has none). */
export function checkCounts(run: Pick<RunRecord, 'checks'>): { passed: number; failed: number } {
  const checks = run.checks ?? [];
  const passed = checks.filter((c) => c.passed).length;
  return { passed, failed: checks.length - passed };
}

/**
 * One line for a run's checks: `checks 3/3 passed`, `checks 1 of 3 failed`; empty when the run has
 * no check results (none declared, or not ended yet).
 */
export function checksSummaryText(run: Pick<RunRecord, 'checks'>): string {
  const { passed, failed } = checkCounts(run);
  const total = passed + failed;
  if (total === 0) {
    return '';
  }
  return failed === 0 ? `checks ${passed}/${total} passed` : `checks ${failed} of ${total} failed`;
}

/**
 * What a check found, without the check: `0.9312` (`0.9312, baseline 0.93 of <run id>`) for a passed
 * one, the reason for a failed one.
 */
export function checkDetail(result: CheckResult): string {
  if (!result.passed) {
    return result.reason ?? 'failed';
  }
  const base =
    result.baseline && result.baseline.runId
      ? `, baseline ${formatNumber(result.baseline.value, 6)} of ${result.baseline.runId}`
      : '';
  return `${formatNumber(result.value, 6)}${base}`;
}

/**
 * One check as a line of text (CLI, tooltips): `✔ eval/auc >= 0.9 (0.9312)` or
 * `✖ eval/auc >= 0.9: metric eval/auc not recorded by this run`. The check text is the user's:
 * callers make it inert for their medium (terminal, Markdown, DOM text).
 */
export function checkResultText(result: CheckResult): string {
  return result.passed
    ? `✔ ${result.check} (${checkDetail(result)})`
    : `✖ ${result.check}: ${checkDetail(result)}`;
}
