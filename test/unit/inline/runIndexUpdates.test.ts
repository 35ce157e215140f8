/**
 * The run index of the editor previews (src/core/inline/runIndex.ts) over a changing set of runs:
 * after runs are added or changed and the index is told which tasks they belong to, every answer
 * (recent runs, key metric change, a param's and a metric's values, param names) is what an index
 * built afresh over the same runs gives; the answers of other tasks are kept, not rebuilt.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RunIndex, type RecentRuns } from '../../../src/core/inline/runIndex';
import type { MetricSummary, ParamValue, RunRecord } from '../../../src/core/runs/types';
import { dict } from '../../../src/shared/dict';

const TASKS = ['train', 'eval', 'sweep'];

function run(
  n: number,
  task: string,
  lr: number,
  accuracy: number | undefined,
  status: RunRecord['status'],
): RunRecord {
  const params = dict<ParamValue>();
  params.lr = lr;
  params.epochs = 10;
  const metrics = dict<MetricSummary>();
  if (accuracy !== undefined) {
    metrics.val_accuracy = { last: accuracy, lastStep: 3, min: 0.1, max: accuracy, bestStep: 3, count: 4 };
  }
  const createdAt = new Date(Date.UTC(2026, 10, 24, 9, 0, n)).toISOString();
  return {
    schema: 1,
    id: `r${String(n).padStart(4, '0')}`,
    task,
    kind: 'command',
    status,
    createdAt,
    command: 'python train.py',
    cwd: '/ws',
    git: { commit: null, branch: null, dirty: false, snapshot: null },
    params,
    data: [],
    metrics,
    artifacts: [],
  };
}

/** Every answer a preview reads, for every task and the workspace. */
function answers(index: RunIndex) {
  return [...TASKS, undefined].map((task) => ({
    runs: index.scope(task).runs.map((r) => r.id),
    keyMetric: index.scope(task).keyMetric,
    change: index.keyMetricChange(task),
    lr: index.param('lr', task),
    accuracy: index.metric('val_accuracy', task),
    names: index.paramNames(task),
  }));
}

const change = fc.record({
  task: fc.integer({ min: 0, max: TASKS.length - 1 }),
  existing: fc.option(fc.nat(), { nil: undefined }),
  lr: fc.constantFrom(0.1, 0.01, 0.001),
  accuracy: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
  status: fc.constantFrom('running' as const, 'succeeded' as const, 'failed' as const),
});

describe('the run index as runs change', () => {
  it('answers as an index built afresh, rebuilding only the tasks named', () => {
    fc.assert(
      fc.property(
        fc.array(change, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 4 }),
        (changes, limit) => {
          const runs: RunRecord[] = [];
          const asked: (string | undefined)[] = [];
          const source: RecentRuns = {
            recent: (task, count) => {
              asked.push(task);
              return runs.filter((r) => task === undefined || r.task === task).slice(0, count);
            },
          };
          const index = new RunIndex(source, { runs: limit });
          let n = 0;
          for (const c of changes) {
            answers(index);
            const at = c.existing === undefined || runs.length === 0 ? -1 : c.existing % runs.length;
            // A new run is the newest (first); a changed one keeps its place and task.
            const task = at < 0 ? TASKS[c.task] : runs[at].task;
            const next = run(at < 0 ? n++ : Number(runs[at].id.slice(1)), task, c.lr, c.accuracy, c.status);
            if (at < 0) {
              runs.unshift(next);
            } else {
              runs[at] = next;
            }
            index.invalidate([task]);
            asked.length = 0;
            assert.deepEqual(answers(index), answers(new RunIndex([...runs], { runs: limit })));
            assert.deepEqual(
              new Set(asked),
              new Set([task, undefined]),
              'only the changed task and the workspace are read again',
            );
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
