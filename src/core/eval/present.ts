/**
 * An evaluation as the outside sees it: the scalar metrics under `eval/*` names, the JSON written by
 * `xlens eval --json` and a `kind: eval` run (`evaluation.json`, with curves thinned to a bounded number
 * of points), and the terminal table.
 */
import { textTable } from '../base/textTable';
import { formatNumber } from '../../shared/formatting';
import { dict } from '../../shared/dict';
import type {
  ClassificationEvaluation,
  EvaluationResult,
  PrCurve,
  RegressionEvaluation,
  RocCurve,
  ThresholdCurve,
} from './types';

/** Points kept per curve in JSON and charts (the first and last always among them). */
export const MAX_CURVE_POINTS = 1000;

/** Indices of at most `max` points spread evenly over `n`, first and last included. */
export function thinIndices(n: number, max: number = MAX_CURVE_POINTS): number[] {
  if (n <= max) {
    return Array.from({ length: n }, (_, i) => i);
  }
  const out: number[] = [];
  for (let k = 0; k < max; k++) {
    out.push(Math.round((k * (n - 1)) / (max - 1)));
  }
  return out;
}

function thin<T extends object>(curve: T, max: number): T {
  const arrays = Object.entries(curve).filter(([, v]) => Array.isArray(v)) as [string, number[]][];
  const n = Math.max(...arrays.map(([, v]) => v.length));
  if (n <= max) {
    return curve;
  }
  const pick = thinIndices(n, max);
  const out = { ...curve } as Record<string, unknown>;
  for (const [key, values] of arrays) {
    // Arrays one shorter than the rest (PR thresholds) are thinned at the same indices.
    out[key] = pick.filter((i) => i < values.length).map((i) => values[i]);
  }
  return out as T;
}

/**
 * A copy of `evaluation` with every curve thinned to at most `max` points (the full curves can have a
 * point per row). Scalars are untouched.
 */
export function thinnedEvaluation(evaluation: EvaluationResult, max = MAX_CURVE_POINTS): EvaluationResult {
  if (evaluation.problem === 'regression' || !evaluation.scores) {
    return evaluation;
  }
  const scores = evaluation.scores;
  return {
    ...evaluation,
    scores: {
      ...scores,
      curves: scores.curves.map((c) => ({
        ...c,
        roc: c.roc && thin<RocCurve>(c.roc, max),
        pr: c.pr && thin<PrCurve>(c.pr, max),
      })),
      thresholds: scores.thresholds && {
        ...thin<ThresholdCurve>(scores.thresholds, max),
        best: scores.thresholds.best,
      },
    },
  };
}

/**
 * The scalar metrics, named for the metrics protocol with `prefix` (`eval/accuracy`, `eval/f1_macro`,
 * `eval/roc_auc`, `eval/rmse`, ...). Undefined values (null) are left out.
 */
export function evaluationMetrics(evaluation: EvaluationResult, prefix = 'eval/'): Record<string, number> {
  const values = new Map<string, number | null>();
  if (evaluation.problem === 'regression') {
    values.set('mae', evaluation.mae);
    values.set('mse', evaluation.mse);
    values.set('rmse', evaluation.rmse);
    values.set('r2', evaluation.r2);
    values.set('mape', evaluation.mape);
    values.set('median_absolute_error', evaluation.medianAbsoluteError);
    values.set('max_error', evaluation.maxError);
    values.set('explained_variance', evaluation.explainedVariance);
  } else {
    values.set('accuracy', evaluation.accuracy);
    values.set('balanced_accuracy', evaluation.balancedAccuracy);
    for (const [name, avg] of [
      ['macro', evaluation.macro],
      ['weighted', evaluation.weighted],
    ] as const) {
      values.set(`precision_${name}`, avg.precision);
      values.set(`recall_${name}`, avg.recall);
      values.set(`f1_${name}`, avg.f1);
    }
    values.set('mcc', evaluation.mcc);
    values.set('kappa', evaluation.kappa);
    const s = evaluation.scores;
    if (s) {
      values.set('log_loss', s.logLoss);
      values.set('brier', s.brier);
      values.set('roc_auc', s.rocAuc);
      values.set('roc_auc_weighted', s.rocAucWeighted);
      values.set('average_precision', s.averagePrecision);
      if (s.thresholds) {
        values.set('best_f1', s.thresholds.best.f1);
        values.set('best_f1_threshold', s.thresholds.best.threshold);
      }
    }
  }
  const out = dict<number>();
  for (const [name, value] of values) {
    if (value !== null && Number.isFinite(value)) {
      out[`${prefix}${name}`] = value;
    }
  }
  return out;
}

const f = (v: number | null | undefined): string =>
  v === null || v === undefined ? '—' : formatNumber(v, 4);

function classificationText(ev: ClassificationEvaluation): string {
  const rows = ev.perClass.map((r) => [r.label, f(r.precision), f(r.recall), f(r.f1), String(r.support)]);
  rows.push(['', '', '', '', '']);
  rows.push(['accuracy', '', '', f(ev.accuracy), String(ev.rows)]);
  rows.push(['macro avg', f(ev.macro.precision), f(ev.macro.recall), f(ev.macro.f1), String(ev.rows)]);
  rows.push([
    'weighted avg',
    f(ev.weighted.precision),
    f(ev.weighted.recall),
    f(ev.weighted.f1),
    String(ev.rows),
  ]);
  const lines = [textTable(['class', 'precision', 'recall', 'f1', 'support'], rows), ''];
  const scalars: [string, string][] = [
    ['balanced accuracy', f(ev.balancedAccuracy)],
    ['Matthews correlation', f(ev.mcc)],
    ["Cohen's kappa", f(ev.kappa)],
  ];
  const s = ev.scores;
  if (s) {
    scalars.push(
      [
        s.positive === null ? 'ROC AUC (one-vs-rest, macro)' : `ROC AUC (positive: ${s.positive})`,
        f(s.rocAuc),
      ],
      ...(s.positive === null
        ? [['ROC AUC (one-vs-rest, weighted)', f(s.rocAucWeighted)] as [string, string]]
        : []),
      [s.positive === null ? 'average precision (macro)' : 'average precision', f(s.averagePrecision)],
      ['log loss', f(s.logLoss)],
      ['Brier score', f(s.brier)],
    );
    if (s.thresholds) {
      const b = s.thresholds.best;
      scalars.push([
        'best F1 threshold',
        `${formatNumber(b.threshold, 4)} (F1 ${f(b.f1)}, precision ${f(b.precision)}, recall ${f(b.recall)})`,
      ]);
    }
  }
  lines.push(textTable(['metric', 'value'], scalars), '');
  const labels = ev.confusion.labels;
  lines.push(
    'confusion matrix (rows: true class, columns: predicted class)',
    textTable(
      ['', ...labels],
      ev.confusion.counts.map((row, i) => [labels[i], ...row.map((v) => String(v))]),
    ),
  );
  return lines.join('\n');
}

/** The notes of an evaluation (scikit-learn's warnings, undefined values), one line each. */
function notesText(evaluation: EvaluationResult): string {
  const lines = [...new Set(evaluation.notes.map((n) => n.message))];
  return lines.length === 0 ? '' : `\nnotes:\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
}

/** The terminal report (names from data are the caller's to make inert). */
export function formatEvaluation(evaluation: EvaluationResult): string {
  return `${evaluation.problem === 'classification' ? classificationText(evaluation) : regressionText(evaluation)}\n${notesText(evaluation)}`;
}

function regressionText(evaluation: RegressionEvaluation): string {
  const e = evaluation;
  return textTable(
    ['metric', 'value'],
    [
      ['MAE', f(e.mae)],
      ['MSE', f(e.mse)],
      ['RMSE', f(e.rmse)],
      ['R²', f(e.r2)],
      ['MAPE', f(e.mape)],
      ['median absolute error', f(e.medianAbsoluteError)],
      ['max error', f(e.maxError)],
      ['explained variance', f(e.explainedVariance)],
      ['rows', String(e.rows)],
    ],
  );
}
