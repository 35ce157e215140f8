import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareMetrics } from '../../../src/core/reproduce/comparison';
import type { MetricSummary, RunRecord } from '../../../src/core/runs/types';
import { dict } from '../../../src/shared/dict';

function run(values: Record<string, number>): RunRecord {
  const metrics = dict<MetricSummary>();
  for (const [name, last] of Object.entries(values)) {
    metrics[name] = { last, lastStep: 3, min: last, max: last, bestStep: 3, count: 4 };
  }
  return { metrics } as RunRecord;
}

describe('compareMetrics', () => {
  it("lists the union of both runs' metrics by name, with differences and bit-for-bit identity", () => {
    const rows = compareMetrics(
      run({ loss: 0.25, acc: 0.5, only_original: 1, zero: 0 }),
      run({ loss: 0.25, acc: 0.75, only_new: 2, zero: -0 }),
    );
    assert.deepEqual(rows, [
      { name: 'acc', original: 0.5, reproduced: 0.75, difference: 0.25, identical: false },
      { name: 'loss', original: 0.25, reproduced: 0.25, difference: 0, identical: true },
      { name: 'only_new', original: null, reproduced: 2, difference: null, identical: false },
      { name: 'only_original', original: 1, reproduced: null, difference: null, identical: false },
      { name: 'zero', original: 0, reproduced: -0, difference: -0, identical: false },
    ]);
  });

  it('takes names from data as plain keys (__proto__, constructor)', () => {
    const a = run({});
    a.metrics['__proto__'] = { last: 1, lastStep: 0, min: 1, max: 1, bestStep: 0, count: 1 };
    const b = run({});
    b.metrics['constructor'] = { last: 2, lastStep: 0, min: 2, max: 2, bestStep: 0, count: 1 };
    assert.deepEqual(
      compareMetrics(a, b).map((r) => [r.name, r.original, r.reproduced]),
      [
        ['__proto__', 1, null],
        ['constructor', null, 2],
      ],
    );
  });
});
