/**
 * The Runs model patches its sorted runs in place as runs change (src/features/runs/sortedRuns.ts):
 * whatever the sequence of new runs, new records of known runs (some moved to another commit or
 * task), deletions and HEAD moves, every question the Runs view and the editor previews ask gets the
 * answer of a model loaded afresh with the same runs; and `onDidChangeRuns` names the tasks touched.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { RunRecord } from '../../../src/core/runs/types';
import { RunsModel } from '../../../src/features/runs/runsModel';
import { dict } from '../../../src/shared/dict';

const TASKS = ['train', 'eval', 'sweep'];
const COMMITS = [null, 'a'.repeat(40), 'b'.repeat(40), 'c'.repeat(40)];

function record(n: number, minute: number, task: string, commit: string | null, lr: number): RunRecord {
  const at = new Date(Date.UTC(2026, 10, 24, 9, minute));
  const params = dict<number>();
  params.lr = lr;
  return {
    schema: 1,
    id: `${at
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z')}-${n.toString(16).padStart(8, '0')}`,
    task,
    kind: 'command',
    status: 'running',
    createdAt: at.toISOString(),
    command: 'python train.py',
    cwd: '/ws',
    git: { commit, branch: 'main', dirty: false, snapshot: null },
    params,
    data: [],
    metrics: dict(),
    artifacts: [],
  };
}

type Op =
  | { kind: 'add'; minute: number; task: number; commit: number; lr: number }
  | { kind: 'rewrite'; pick: number; status: 'running' | 'succeeded' | 'failed'; lr: number }
  | { kind: 'move'; pick: number; task: number; commit: number }
  | { kind: 'delete'; pick: number }
  | { kind: 'head'; commit: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('add' as const),
    // Few minutes: runs created in the same minute sort by id.
    minute: fc.integer({ min: 0, max: 20 }),
    task: fc.integer({ min: 0, max: TASKS.length - 1 }),
    commit: fc.integer({ min: 0, max: COMMITS.length - 1 }),
    lr: fc.constantFrom(0.1, 0.01),
  }),
  fc.record({
    kind: fc.constant('rewrite' as const),
    pick: fc.nat(),
    status: fc.constantFrom('running' as const, 'succeeded' as const, 'failed' as const),
    lr: fc.constantFrom(0.1, 0.01, 0.001),
  }),
  fc.record({
    kind: fc.constant('move' as const),
    pick: fc.nat(),
    task: fc.integer({ min: 0, max: TASKS.length - 1 }),
    commit: fc.integer({ min: 0, max: COMMITS.length - 1 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('head' as const), commit: fc.integer({ min: 0, max: COMMITS.length - 1 }) }),
);

/** Every answer the Runs view and the previews read from the sorted runs. */
function answers(model: RunsModel) {
  const all = model.all();
  return {
    all: all.map((r) => r.id),
    groups: model.groups().map((g) => [g.sha, model.groupIndex(g), model.runsIn(g).map((r) => r.id)]),
    tasks: TASKS.map((t) => [model.latestOf(t)?.id, model.latestRunsOf(t, 3).map((r) => r.id)]),
    newest: model.newest(2).map((r) => r.id),
    active: model.active().map((r) => r.id),
    lineage: all.map((r) => {
      const { previous, changes, rerunOf } = model.lineage(r);
      return [previous?.id, changes, rerunOf];
    }),
  };
}

describe('the Runs model after changes', () => {
  it('answers as a model loaded afresh with the same runs, and names the tasks a change touched', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), fc.boolean(), (ops, askBetween) => {
        const model = new RunsModel();
        let touched: ReadonlySet<string> | undefined;
        model.onDidChangeRuns((change) => (touched = change.tasks));
        model.setRuns([]);
        let head: string | null = null;
        let n = 0;
        for (const o of ops) {
          const runs = model.all();
          const picked =
            runs.length > 0 && o.kind !== 'add' && o.kind !== 'head' ? runs[o.pick % runs.length] : undefined;
          touched = undefined;
          if (o.kind === 'add') {
            const run = record(n++, o.minute, TASKS[o.task], COMMITS[o.commit], o.lr);
            model.update([run]);
            assert.deepEqual([...(touched ?? [])], [run.task]);
          } else if (o.kind === 'head') {
            head = COMMITS[o.commit];
            model.setHead(head);
          } else if (picked && o.kind === 'rewrite') {
            const params = dict<number>();
            params.lr = o.lr;
            model.update([{ ...picked, status: o.status, params }]);
          } else if (picked && o.kind === 'move') {
            const run = { ...picked, task: TASKS[o.task], git: { ...picked.git, commit: COMMITS[o.commit] } };
            model.update([run]);
            if (touched) {
              assert.deepEqual(new Set(touched), new Set([picked.task, run.task]));
            }
          } else if (picked && o.kind === 'delete') {
            model.update([], [picked.id]);
            assert.deepEqual([...(touched ?? [])], [picked.task]);
          }
          if (askBetween) {
            answers(model);
          }
        }
        const fresh = new RunsModel();
        fresh.setRuns(model.all().reverse());
        fresh.setHead(head);
        assert.deepEqual(answers(model), answers(fresh));
      }),
      { numRuns: 300 },
    );
  });

  it('fires onDidChangeRuns without tasks when every run is replaced', () => {
    const model = new RunsModel();
    const changes: (ReadonlySet<string> | undefined)[] = [];
    model.onDidChangeRuns((c) => changes.push(c.tasks));
    model.setRuns([record(1, 1, 'train', null, 0.1)]);
    model.setHead('a'.repeat(40));
    model.update([record(1, 1, 'train', null, 0.1)]);
    assert.deepEqual(changes, [undefined], 'a new HEAD and an identical record change no run');
  });
});
