/**
 * Values of metrics at given steps, for the `name:@N` fields of the table, `--columns`, `--sort` and
 * `--filter`: read from the runs' `metrics.jsonl` once, keeping only the metrics and steps asked for (the
 * runs other tools logged: from their sources, read once each).
 */
import type { SourceSpec } from '../metrics/readers';
import type { SeriesRun } from '../metrics/series';
import { ownValue } from '../../shared/dict';
import type { RunStore } from '../runs/store';
import type { RunRecord } from '../runs/types';
import type { Field, StepValueLookup } from './fields';

/**
 * Loads the values the `{ step }` fields among `fields` need, for each of `runs` (the last point of a
 * metric at that step wins, as in the run's summaries). Runs whose metrics cannot be read have no
 * values (their cells read as missing).
 * @returns a lookup, or `undefined` when no field asks for a step (nothing is read).
 */
export async function loadStepValues(
  store: RunStore,
  runs: readonly RunRecord[],
  fields: readonly Field[],
): Promise<StepValueLookup | undefined> {
  const wanted = wantedSteps(fields);
  if (wanted.size === 0) {
    return undefined;
  }
  // run id → "metric\u0000step" → value
  const values = new Map<string, Map<string, number>>();
  for (const run of runs) {
    if (run.imported) {
      continue; // no metrics.jsonl: see loadImportedStepValues
    }
    const found = new Map<string, number>();
    values.set(run.id, found);
    const { lines } = await store.readMetrics(run.id).catch(() => ({ lines: [] }));
    for (const line of lines) {
      for (const [metric, steps] of wanted) {
        const value = steps.has(line.step) ? ownValue(line.values, metric) : undefined;
        if (value !== undefined) {
          found.set(`${metric}\u0000${line.step}`, value);
        }
      }
    }
  }
  return (runId, metric, step) => values.get(runId)?.get(`${metric}\u0000${step}`);
}

/** Metric name → steps wanted, from the `{ step }` fields among `fields`. */
function wantedSteps(fields: readonly Field[]): Map<string, Set<number>> {
  const wanted = new Map<string, Set<number>>();
  for (const field of fields) {
    if (field.kind === 'metric' && typeof field.aggregate === 'object') {
      const steps = wanted.get(field.name) ?? new Set<number>();
      steps.add(field.aggregate.step);
      wanted.set(field.name, steps);
    }
  }
  return wanted;
}

/** Reads one source of another tool's logs completely (the metrics worker's `readSource`, or in process). */
export type ReadImportedSource = (source: SourceSpec) => Promise<{ runs: SeriesRun[] }>;

/**
 * {@link loadStepValues} for imported runs (records with `imported`, see `core/runs/importedRecord.ts`):
 * each source is read once with `read`, and the last finite point of a metric at a step wins. Runs of
 * sources that cannot be read have no values (their cells read as missing). Own runs are left out.
 * @returns a lookup, or `undefined` when no field asks for a step or no run is imported.
 */
export async function loadImportedStepValues(
  runs: readonly RunRecord[],
  fields: readonly Field[],
  read: ReadImportedSource,
): Promise<StepValueLookup | undefined> {
  const wanted = wantedSteps(fields);
  const imported = runs.filter((run) => run.imported);
  if (wanted.size === 0 || imported.length === 0) {
    return undefined;
  }
  const bySource = new Map<string, RunRecord[]>();
  for (const run of imported) {
    const key = `${run.imported!.format}\u0000${run.imported!.source.path}`;
    bySource.set(key, [...(bySource.get(key) ?? []), run]);
  }
  const values = new Map<string, Map<string, number>>();
  for (const records of bySource.values()) {
    const { format, source } = records[0].imported!;
    const result = await read({ format, path: source.path } as SourceSpec).catch(() => ({ runs: [] }));
    for (const record of records) {
      const found = new Map<string, number>();
      values.set(record.id, found);
      const series = result.runs.find((r) => r.id === record.imported!.source.runId);
      for (const [metric, steps] of wanted) {
        for (const point of series?.metrics.get(metric) ?? []) {
          if (steps.has(point.step) && Number.isFinite(point.value)) {
            found.set(`${metric}\u0000${point.step}`, point.value);
          }
        }
      }
    }
  }
  return (runId, metric, step) => values.get(runId)?.get(`${metric}\u0000${step}`);
}
