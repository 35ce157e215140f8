/**
 * What tells runs of a task apart in the Runs view (src/features/runs/runMarks.ts, core/runs/runLineage.ts):
 * each row's description shows the params changed since the previous run of its task, and marks
 * re-runs, reproductions, early stops and pulled runs; the tooltip gives every changed param with its
 * old value. Names and values from the workspace stay text.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ParamValue, RunRecord } from '../../../src/core/runs/types';
import { describeRun, RunsModel } from '../../../src/features/runs/runsModel';

let counter = 0;
function run(task: string, params: Record<string, ParamValue>, extra: Partial<RunRecord> = {}): RunRecord {
  counter++;
  const at = new Date(Date.UTC(2026, 10, 24, 9, counter));
  return {
    schema: 1,
    id: `${at
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z')}-0000000${counter % 10}`,
    task,
    kind: 'command',
    status: 'succeeded',
    createdAt: at.toISOString(),
    durationMs: 1000,
    command: 'python train.py',
    cwd: '/ws',
    git: { commit: 'a'.repeat(40), branch: 'main', dirty: false, snapshot: null },
    params,
    data: [],
    metrics: {},
    artifacts: [],
    ...extra,
  };
}

const now = Date.parse('2026-11-25T00:00:00.000Z');

function rows(runs: RunRecord[]): Map<string, ReturnType<typeof describeRun>> {
  const model = new RunsModel();
  model.setRuns(runs);
  return new Map(runs.map((r) => [r.id, describeRun(r, now, [], model.lineage(r))]));
}

describe('Runs view rows: what changed and how a run came about', () => {
  it('shows the params that differ from the previous run of the same task, at most three, all in the tooltip', () => {
    const first = run('train', { lr: 0.01, epochs: 40, layers: 'dense32' });
    const other = run('eval', { lr: 0.5 });
    const second = run('train', { lr: 0.003, epochs: 400, layers: 'dense32' });
    const third = run('train', {
      lr: 0.003,
      epochs: 400,
      layers: 'dense64',
      seed: 1,
      batch: 8,
      dropout: 0.1,
    });
    const shown = rows([first, other, second, third]);
    assert.doesNotMatch(
      shown.get(first.id)!.description,
      /lr=/,
      'the first run of a task has nothing to compare',
    );
    assert.match(shown.get(second.id)!.description, /· lr=0\.003 epochs=400$/);
    assert.match(shown.get(third.id)!.description, /· layers=dense64 seed=1 batch=8 \+1 more$/);
    assert.match(
      shown.get(third.id)!.tooltip,
      new RegExp(`Params changed since run .${second.id}.: layers dense32 → dense64, seed = 1 \\(new\\)`),
    );
    assert.match(shown.get(third.id)!.tooltip, /dropout = 0\.1 \(new\)$/m);
  });

  it('marks a run with the same task, params and code as an earlier one as a re-run, and a reproduction by its source', () => {
    const a = run('train', { lr: 0.01 });
    const b = run('train', { lr: 0.02 });
    const again = run('train', { lr: 0.01 });
    const otherCode = run(
      'train',
      { lr: 0.01 },
      { git: { commit: 'b'.repeat(40), branch: 'main', dirty: false, snapshot: null } },
    );
    const reproduced = run('train', { lr: 0.5 }, { reproducedFrom: b.id });
    const shown = rows([a, b, again, otherCode, reproduced]);
    assert.match(shown.get(again.id)!.description, new RegExp(`↻ re-run of ${a.id.slice(-8)}`));
    assert.match(shown.get(again.id)!.tooltip, new RegExp(`Re-run of ${a.id}: same task, params and code`));
    assert.doesNotMatch(shown.get(otherCode.id)!.description, /re-run/, 'other code is another experiment');
    assert.match(shown.get(reproduced.id)!.description, new RegExp(`↻ reproduces ${b.id.slice(-8)}`));
    assert.doesNotMatch(shown.get(b.id)!.description, /↻/);
  });

  it('marks runs the built-in trainer stopped early, and runs pulled from a remote', () => {
    const early = run(
      'train',
      {},
      { kind: 'tfjs-train', info: { stoppedEarly: true, epochsRun: 37, bestEpoch: 31 } },
    );
    const full = run(
      'train',
      { lr: 1 },
      { kind: 'tfjs-train', info: { stoppedEarly: false, epochsRun: 60 } },
    );
    const pulled = run(
      'train',
      { lr: 2 },
      {
        origin: { remote: 'origin *x*', record: 'c'.repeat(40), pulledAt: '2026-11-24T12:00:00.000Z' },
      },
    );
    const shown = rows([early, full, pulled]);
    assert.match(shown.get(early.id)!.description, /⏹ stopped early @ 37/);
    assert.match(
      shown.get(early.id)!.tooltip,
      /Stopped early after 37 epochs \(early_stopping\); kept the weights of epoch 31/,
    );
    assert.doesNotMatch(shown.get(full.id)!.description, /stopped/);
    assert.match(shown.get(pulled.id)!.description, /⇣ pulled from origin \*x\*/);
    assert.ok(
      shown.get(pulled.id)!.tooltip.includes(String.raw`Pulled from origin \*x\* (record cccccccccccc)`),
    );
    assert.match(shown.get(pulled.id)!.tooltip, /read-only: Re-run makes a new local run/);
  });

  it('keeps markup and odd values in param names as text', () => {
    // As run.json is read: `__proto__` an own key, as JSON.parse makes it.
    const a = run('t', JSON.parse('{"__proto__": 1, "<b>x</b>": "a b"}') as Record<string, ParamValue>);
    const b = run('t', JSON.parse('{"__proto__": 2, "<b>x</b>": "c d"}') as Record<string, ParamValue>);
    const shown = rows([a, b]);
    assert.match(shown.get(b.id)!.description, /__proto__=2 <b>x<\/b>="c d"/);
    assert.ok(shown.get(b.id)!.tooltip.includes(String.raw`\<b\>x\</b\> "a b" → "c d"`));
  });
});
