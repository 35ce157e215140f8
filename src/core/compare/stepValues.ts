/**
 * Values of metrics at given steps, for the `name:@N` fields of the table, `--columns`, `--sort` and
 * `--filter`: read from the runs' `metrics.jsonl` once, keeping only the metrics and steps asked for.
 */
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
  // metric name → steps wanted
  const wanted = new Map<string, Set<number>>();
  for (const field of fields) {
    if (field.kind === 'metric' && typeof field.aggregate === 'object') {
      const steps = wanted.get(field.name) ?? new Set<number>();
      steps.add(field.aggregate.step);
      wanted.set(field.name, steps);
    }
  }
  if (wanted.size === 0) {
    return undefined;
  }
  // run id → "metric\u0000step" → value
  const values = new Map<string, Map<string, number>>();
  for (const run of runs) {
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
