/**
 * The table's row deltas (features/table/tableDiff.ts, applied by src/protocol/tableDelta.ts as the view
 * does): a new run, a deleted run, a running run's new values and a new star become a delta that brings the
 * previous data to the new one exactly; other columns or a new order need a snapshot. A new run's delta is
 * its one row, not the table.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { RunAnnotations } from '../../../src/core/runs/annotations';
import type { RunRecord } from '../../../src/core/runs/types';
import { diffTable } from '../../../src/features/table/tableDiff';
import { buildTableData } from '../../../src/features/table/viewModel';
import type { TableData } from '../../../src/protocol/table';
import { applyTableDelta } from '../../../src/protocol/tableDelta';
import { run } from '../compare/runs';

function id(n: number): string {
  return `20261206T10${String(n).padStart(4, '0')}Z-${n.toString(16).padStart(8, '0')}`;
}

/** Runs with the same params and metrics (as a sweep of one task makes), newest first. */
function sweep(count: number, first = 0): RunRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const n = first + count - 1 - i;
    return run(id(n), {
      params: { lr: 0.001 * (n + 1), seed: n },
      metrics: { loss: [1, 1 / (n + 2)], val_accuracy: [0.5, 0.5 + n / 1000] },
    });
  });
}

function table(runs: readonly RunRecord[], version: number, annotations = new Map<string, RunAnnotations>()) {
  return buildTableData(runs, { version, head: null, aggregates: new Map(), annotations });
}

function roundTrip(previous: TableData, next: TableData): ReturnType<typeof diffTable> {
  const delta = diffTable(previous, next);
  if (delta) {
    // Through JSON, as postMessage carries it.
    const sent = JSON.parse(JSON.stringify(delta)) as typeof delta;
    assert.deepEqual(applyTableDelta(previous, sent, next.version), next);
  }
  return delta;
}

describe('table deltas', () => {
  it('sends a new run as one added row, the other rows untouched', () => {
    const runs = sweep(200);
    const previous = table(runs, 1);
    const added = sweep(1, 200);
    const next = table([...added, ...runs], 2);
    const delta = roundTrip(previous, next)!;
    assert.deepEqual(
      delta.added.map((row) => [row.index, row.runId]),
      [[0, added[0].id]],
    );
    assert.deepEqual(delta.removed, []);
    assert.deepEqual(delta.changed, []);
    const snapshotSize = JSON.stringify(next).length;
    const deltaSize = JSON.stringify(delta).length;
    assert.ok(deltaSize * 100 < snapshotSize, `delta ${deltaSize} B vs snapshot ${snapshotSize} B`);
  });

  it('removes a deleted run and updates a running run and a new star', () => {
    const runs = sweep(5);
    const previous = table(runs, 1);
    const running = run(runs[1].id, {
      params: runs[1].params,
      metrics: { loss: [1, 0.01, 0.001], val_accuracy: [0.9] },
    });
    const next = table(
      [runs[0], running, runs[3], runs[4]],
      2,
      new Map([[runs[4].id, { starred: true, note: 'keep' }]]),
    );
    const delta = roundTrip(previous, next)!;
    assert.deepEqual(delta.removed, [2]);
    assert.deepEqual(
      delta.changed.map((row) => row.index),
      [1, 3],
    );
    assert.equal(delta.changed[1].note, 'keep');
  });

  it('needs a snapshot when the columns or the order of the rows change', () => {
    const runs = sweep(4);
    const previous = table(runs, 1);
    const newParam = run(id(9), { params: { lr: 0.1, momentum: 0.9 }, metrics: { loss: [1] } });
    assert.equal(diffTable(previous, table([newParam, ...runs], 2)), undefined, 'a new param column');
    assert.equal(diffTable(previous, table([runs[1], runs[0], runs[2], runs[3]], 2)), undefined, 'reordered');
  });

  it('brings any previous table to any next one with the same columns', () => {
    const pool = sweep(12);
    const subset = fc.subarray(pool.map((_, i) => i)).map((indices) => indices.map((i) => pool[i]));
    const stars = fc.dictionary(
      fc.constantFrom(...pool.map((r) => r.id)),
      fc.record({ starred: fc.boolean(), note: fc.string({ maxLength: 5 }) }),
    );
    fc.assert(
      fc.property(subset, subset, stars, (before, after, annotations) => {
        const previous = table(before, 1);
        const next = table(after, 2, new Map(Object.entries(annotations)));
        const delta = roundTrip(previous, next);
        // Same columns whenever both sides have runs (a sweep has the same params and metrics).
        if (before.length > 0 && after.length > 0) {
          assert.ok(delta, 'a delta for the same columns');
        }
      }),
      { numRuns: 200 },
    );
  });
});
