/**
 * Each run's lineage (src/core/runs/runLineage.ts), worked out on the first ask from the runs of its
 * task and of its commit only, is the one its definition gives over the whole listing: the previous
 * run of its task, the params changed since, and the latest earlier run of the same task, params and
 * code it repeats (or the run it names with `reproducedFrom`), whatever runs are asked and in what order.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { lineages, paramChanges } from '../../../src/core/runs/runLineage';
import type { ParamValue, RunRecord } from '../../../src/core/runs/types';
import { dict } from '../../../src/shared/dict';

const TASKS = ['train', 'eval'];
const COMMITS = [null, 'a'.repeat(40), 'b'.repeat(40)];
const SNAPSHOTS = [null, undefined, 'c'.repeat(40)];

interface Spec {
  task: number;
  commit: number;
  snapshot: number;
  params: [string, ParamValue][];
  reproduce: number | null;
}

const spec: fc.Arbitrary<Spec> = fc.record({
  task: fc.integer({ min: 0, max: TASKS.length - 1 }),
  commit: fc.integer({ min: 0, max: COMMITS.length - 1 }),
  snapshot: fc.integer({ min: 0, max: SNAPSHOTS.length - 1 }),
  // Few names and values, in either order: runs often share params.
  params: fc.uniqueArray(
    fc.tuple(fc.constantFrom('lr', 'epochs', '__proto__'), fc.constantFrom(1, 2, '1', null)),
    {
      selector: ([name]) => name,
      maxLength: 2,
    },
  ),
  reproduce: fc.option(fc.nat(), { nil: null }),
});

/** Runs oldest first from `specs` (ids and times in order). */
function records(specs: Spec[]): RunRecord[] {
  return specs.map((s, i) => {
    const at = new Date(Date.UTC(2026, 10, 24, 9, i));
    const params = dict<ParamValue>();
    for (const [name, value] of s.params) {
      params[name] = value;
    }
    return {
      schema: 1,
      id: `${at
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d+Z$/, 'Z')}-${i.toString(16).padStart(8, '0')}`,
      task: TASKS[s.task],
      kind: 'command',
      status: 'succeeded',
      createdAt: at.toISOString(),
      command: 'python train.py',
      cwd: '/ws',
      git: {
        commit: COMMITS[s.commit],
        branch: 'main',
        dirty: false, // An older record may have no snapshot at all: the same as none.
        snapshot: SNAPSHOTS[s.snapshot] as string | null,
      },
      params,
      data: [],
      metrics: dict(),
      artifacts: [],
      ...(s.reproduce !== null && i > 0 ? { reproducedFrom: `run-${s.reproduce % i}` } : {}),
    };
  });
}

/** Same params: the same names with the same values, in any order. */
function sameParams(a: RunRecord, b: RunRecord): boolean {
  const names = Object.keys(a.params);
  return (
    names.length === Object.keys(b.params).length &&
    names.every((n) => Object.hasOwn(b.params, n) && b.params[n] === a.params[n])
  );
}

/** The definition, over every earlier run (oldest first: `older` precede `run`). */
function expected(run: RunRecord, older: RunRecord[]) {
  const ofTask = older.filter((r) => r.task === run.task);
  const previous = ofTask.at(-1);
  const repeated = [...ofTask]
    .reverse()
    .find(
      (r) =>
        r.git.commit === run.git.commit &&
        (r.git.snapshot ?? null) === (run.git.snapshot ?? null) &&
        sameParams(r, run),
    );
  return {
    previous: previous?.id,
    changes: previous ? paramChanges(run, previous) : [],
    rerunOf:
      typeof run.reproducedFrom === 'string'
        ? { id: run.reproducedFrom, via: 'reproduce' }
        : repeated
          ? { id: repeated.id, via: 'sameParams' }
          : undefined,
  };
}

describe('run lineage', () => {
  it('gives every run the previous run, changes and re-run of its definition, in any order of asking', () => {
    fc.assert(
      fc.property(fc.array(spec, { maxLength: 30 }), fc.array(fc.nat()), (specs, asks) => {
        const oldestFirst = records(specs);
        const lineageOf = lineages([...oldestFirst].reverse());
        // Some runs asked first (in any order), then every run.
        const order = [...asks.map((a) => oldestFirst[a % Math.max(1, oldestFirst.length)]), ...oldestFirst];
        for (const run of order.filter((r) => r !== undefined)) {
          const { previous, changes, rerunOf } = lineageOf(run);
          const at = oldestFirst.indexOf(run);
          assert.deepEqual(
            { previous: previous?.id, changes, rerunOf },
            expected(run, oldestFirst.slice(0, at)),
            run.id,
          );
        }
      }),
      { numRuns: 300 },
    );
  });
});
