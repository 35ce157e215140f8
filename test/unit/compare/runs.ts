/** Run records for the table and filter tests, with summaries computed from series of values. */
import { addToSummary } from '../../../src/core/runs/summaries';
import type { MetricSummary, ParamValue, RunRecord, RunStatus } from '../../../src/core/runs/types';
import { dict } from '../../../src/shared/dict';

export interface RunShape {
  task?: string;
  status?: RunStatus;
  params?: Record<string, ParamValue>;
  /** Metric name → values at steps 0, 1, 2, … */
  metrics?: Record<string, number[]>;
  durationMs?: number;
  dirty?: boolean;
  startedAt?: string;
}

/** A run record of `shape` with id `id` (summaries through the runner's own summary code). */
export function run(id: string, shape: RunShape = {}): RunRecord {
  const metrics = dict<MetricSummary>();
  for (const [name, values] of Object.entries(shape.metrics ?? {})) {
    let summary: MetricSummary | undefined;
    values.forEach((value, step) => (summary = addToSummary(summary, name, step, value)));
    if (summary) {
      metrics[name] = summary;
    }
  }
  return {
    schema: 1,
    id,
    task: shape.task ?? 'train',
    kind: 'command',
    status: shape.status ?? 'succeeded',
    createdAt: shape.startedAt ?? '2026-12-01T10:00:00.000Z',
    startedAt: shape.startedAt ?? '2026-12-01T10:00:00.000Z',
    ...(shape.durationMs !== undefined ? { durationMs: shape.durationMs } : {}),
    command: 'python train.py',
    cwd: '/work',
    git: { commit: 'a'.repeat(40), branch: 'main', dirty: shape.dirty ?? false, snapshot: null },
    params: shape.params ?? {},
    data: [],
    metrics,
    artifacts: [],
  };
}
