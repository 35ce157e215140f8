/**
 * Imported runs (logged by TensorBoard, MLflow, DVCLive, W&B, Keras or Lightning CSV loggers) seen as
 * run records, so that the experiments table, its filter language, its CSV and the compare view read them
 * through the same fields as the workspace's own runs (`core/compare/fields.ts`). The records live in
 * memory only: nothing is written to the other tool's files, and no `run.json` is made for them.
 */
import { createHash } from 'node:crypto';
import type { ImportedRun } from '../metrics/discovery/importedRun';
import type { MetricPoint, MetricSourceKind } from '../metrics/series';
import { dict, dictFrom } from '../../shared/dict';
import { importedRunState } from './importedFollower';
import { addToSummary } from './summaries';
import type { MetricSummary, ParamValue, RunRecord } from './types';

/** How each format reads in listings (the Runs view's groups, the table's `source` column). */
export const IMPORTED_FORMAT_LABELS: Readonly<Record<MetricSourceKind, string>> = {
  tensorboard: 'TensorBoard',
  mlflow: 'MLflow',
  dvclive: 'DVCLive',
  'keras-csv': 'Keras CSV',
  'lightning-csv': 'Lightning CSV',
  wandb: 'W&B',
  jsonl: 'JSONL',
  stdout: 'stdout',
};

const FORMATS = Object.keys(IMPORTED_FORMAT_LABELS) as MetricSourceKind[];
const IMPORTED_ID = new RegExp(`^(${FORMATS.join('|')})-[\\w.-]*-[0-9a-f]{10}$`);

/** The `stableKey` of an imported run (`RunRecord.imported`, see `ImportedOrigin` in `types.ts`). */
export function importedStableKey(run: Pick<ImportedRun, 'format' | 'relativePath' | 'id'>): string {
  return `${run.format}:${run.relativePath}#${run.id}`;
}

/**
 * The id of an imported run's record: `<format>-<name, letters, digits, . _ - only, at most 40>-<10 hex
 * digits of the sha256 of its stable key>`, e.g. `tensorboard-runs_exp1-3fa2b1c0d4`. It never has the
 * shape of an own run's id (those start with the date) and fits where run ids go (messages, state).
 */
export function importedRecordId(run: Pick<ImportedRun, 'format' | 'relativePath' | 'id' | 'name'>): string {
  const hash = createHash('sha256').update(importedStableKey(run)).digest('hex').slice(0, 10);
  const name = run.name
    .replace(/[^\w.-]+/g, '_')
    .replace(/^[_.-]+|[_.-]+$/g, '')
    .slice(0, 40);
  return `${run.format}-${name}-${hash}`;
}

/** True for ids made by {@link importedRecordId}. */
export function isImportedRecordId(id: string): boolean {
  return IMPORTED_ID.test(id);
}

/** The summary of a metric from an imported run's listing; `undefined` when it has no value at all. */
function listedSummary(metric: ImportedRun['metrics'][number]): MetricSummary | undefined {
  const nonFinite = metric.nonFinite ? { nonFinite: metric.nonFinite } : {};
  if (metric.points === 0 || !Number.isFinite(metric.last)) {
    return metric.nonFinite
      ? {
          last: Number.NaN,
          lastStep: metric.lastStep,
          min: Number.NaN,
          max: Number.NaN,
          bestStep: metric.lastStep,
          count: 0,
          ...nonFinite,
        }
      : undefined;
  }
  // Listings of older scans carry the last value only: min, max and best read it too.
  const known = (value: number | null | undefined): value is number =>
    typeof value === 'number' && Number.isFinite(value);
  return {
    last: metric.last,
    lastStep: metric.lastStep,
    min: known(metric.min) ? metric.min : metric.last,
    max: known(metric.max) ? metric.max : metric.last,
    bestStep: known(metric.bestStep) ? metric.bestStep : metric.lastStep,
    count: metric.points,
    ...nonFinite,
  };
}

/** Metric summaries of series (finite points only), as `run.json` keeps them. */
export function seriesSummaries(
  series: ReadonlyMap<string, readonly MetricPoint[]>,
): Record<string, MetricSummary> {
  const summaries = dict<MetricSummary>();
  for (const [name, points] of series) {
    let summary: MetricSummary | undefined;
    for (const point of points) {
      if (Number.isFinite(point.value)) {
        summary = addToSummary(summary, name, point.step, point.value);
      }
    }
    if (summary) {
      summaries[name] = summary;
    }
  }
  return summaries;
}

function iso(ms: number | undefined): string | undefined {
  return ms !== undefined && Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/**
 * The record of an imported run: id from {@link importedRecordId}; task the xlens task naming its
 * source, else its experiment (MLflow, W&B), else its name (a TensorBoard folder, a CSV file); status the
 * source's (`succeeded` stands in when the source records none, and `fieldValue` reads the `status`
 * attribute of such a record as missing); times and duration from the source's Unix ms; the commit the
 * source records (W&B, MLflow), never dirty; params flattened as the source gives them; metric summaries
 * from the listing (min, max and best step where the scan computed them).
 */
export function importedRunRecord(run: ImportedRun): RunRecord {
  const metrics = dict<MetricSummary>();
  for (const metric of run.metrics) {
    const summary = listedSummary(metric);
    if (summary) {
      metrics[metric.name] = summary;
    }
  }
  const startedAt = iso(run.startTime);
  const endedAt = iso(run.endTime);
  const params = dict<RunRecord['params'][string]>();
  for (const [name, value] of Object.entries(run.params)) {
    params[name] = value;
  }
  const label = IMPORTED_FORMAT_LABELS[run.format];
  return {
    schema: 1,
    id: importedRecordId(run),
    task: run.task ?? run.experiment ?? run.name,
    kind: 'command',
    status: run.status ?? 'succeeded',
    createdAt: startedAt ?? '',
    ...(startedAt !== undefined ? { startedAt } : {}),
    ...(endedAt !== undefined ? { endedAt } : {}),
    ...(run.startTime !== undefined && run.endTime !== undefined && run.endTime >= run.startTime
      ? { durationMs: Math.round(run.endTime - run.startTime) }
      : {}),
    command: `${label} log ${run.relativePath}`,
    cwd: run.source,
    git: {
      commit: run.gitCommit ?? null,
      branch: null,
      dirty: false,
      snapshot: null,
      note: `imported from ${label}`,
    },
    params,
    data: [],
    metrics,
    artifacts: [],
    imported: {
      format: run.format,
      label,
      stableKey: importedStableKey(run),
      key: run.key,
      source: { path: run.source, runId: importedRunState(run).source.sourceRunId },
      ...(run.status !== undefined ? { status: run.status } : {}),
    },
  };
}

/**
 * The record of an imported run once its source was read: `base` (from {@link importedRunRecord}) with
 * the params as the source last gave them and, when any series was read, metric summaries from those
 * series (finite points; see {@link seriesSummaries}) instead of the scan's listing. The compare view and
 * `xlens compare` both make their records here, so they show the same numbers.
 * @param params the source's params (undefined: keep `base`'s).
 * @param series metric name → points in step order, as read.
 */
export function readImportedRecord(
  base: RunRecord,
  params: Readonly<Record<string, ParamValue>> | undefined,
  series: ReadonlyMap<string, readonly MetricPoint[]>,
): RunRecord {
  return {
    ...base,
    ...(params ? { params: dictFrom(Object.entries(params)) } : {}),
    ...(series.size > 0 ? { metrics: seriesSummaries(series) } : {}),
  };
}
