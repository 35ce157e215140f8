import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunRecord } from '../../../src/core/runs/types';
import { keyMetricNames, relativeTime } from '../../../src/features/runLabels';
import { RunsModel } from '../../../src/features/runs/runsModel';
import { changedParams } from '../../../src/core/runner/launcher';
import { runsFromArgs } from '../../../src/features/runSelection';
import { statusBarText } from '../../../src/features/statusBar/statusBarText';

function run(id: string, fields: Partial<RunRecord> = {}): RunRecord {
  return {
    schema: 1,
    id,
    task: 'train',
    kind: 'tfjs-train',
    status: 'running',
    createdAt: `2026-11-24T${id.slice(9, 11)}:${id.slice(11, 13)}:00.000Z`,
    command: 'built-in trainer',
    cwd: '/w',
    git: { commit: 'b'.repeat(40), branch: 'main', dirty: false, snapshot: null },
    params: {},
    data: [],
    metrics: {},
    artifacts: [],
    ...fields,
  };
}

describe('status bar text', () => {
  const now = Date.parse('2026-11-24T10:05:00Z');

  it('is hidden when nothing runs', () => {
    assert.equal(statusBarText([], now), undefined);
  });

  it("calls the built-in trainer's step an epoch", () => {
    const trainer = run('20261124T1000Z-0001', {
      metrics: { loss: { last: 0.5, lastStep: 7, min: 0.5, max: 1, bestStep: 7, count: 7 } },
    });
    assert.equal(statusBarText([trainer], now)!.text, '$(loading~spin) train epoch 7');
  });

  it('shows the newest active run with its epoch and opens its dashboard', () => {
    const latest = run('20261124T1000Z-0001', {
      startedAt: '2026-11-24T10:00:00.000Z',
      metrics: { epoch: { last: 12, lastStep: 12, min: 0, max: 12, bestStep: 12, count: 13 } },
    });
    const text = statusBarText([latest], now)!;
    assert.equal(text.text, '$(loading~spin) train epoch 12');
    assert.equal(text.runId, latest.id);
    assert.match(text.tooltip, /\*\*train\*\* running · 5m 00s · epoch 12 · `20261124T1000Z-0001`/);
  });

  it('counts several active runs and falls back to the step without an epoch metric', () => {
    const a = run('20261124T1004Z-0002', {
      task: 'eval',
      kind: 'command',
      metrics: { loss: { last: 0.5, lastStep: 340, min: 0.5, max: 1, bestStep: 340, count: 341 } },
    });
    const b = run('20261124T1000Z-0001', { status: 'queued' });
    const text = statusBarText([a, b], now)!;
    assert.equal(text.text, '$(loading~spin) 2 runs · eval step 340');
    assert.equal(text.tooltip.split('  \n').length, 4);
  });
});

describe('run selection from command arguments', () => {
  const model = new RunsModel();
  const a = run('20261124T1000Z-000a', { status: 'succeeded' });
  const b = run('20261124T1001Z-000b', { status: 'failed' });
  const c = run('20261124T1002Z-000c', {
    git: { commit: 'c'.repeat(40), branch: 'main', dirty: false, snapshot: null },
  });
  model.setRuns([a, b, c]);

  it("uses the multi-selection when the clicked run is part of it, and the model's current records", () => {
    const stale = { ...a, status: 'running' as const };
    const runs = runsFromArgs([stale, [stale, b]], model)!;
    assert.deepEqual(
      runs.map((r) => `${r.id}:${r.status}`),
      [`${a.id}:succeeded`, `${b.id}:failed`],
    );
  });

  it('uses only the clicked run when it is outside the selection', () => {
    assert.deepEqual(
      runsFromArgs([c, [a, b]], model)!.map((r) => r.id),
      [c.id],
    );
  });

  it('expands a commit group into its runs and accepts a run id', () => {
    const group = { kind: 'commit' as const, sha: 'b'.repeat(40) };
    assert.deepEqual(
      runsFromArgs([group], model)!
        .map((r) => r.id)
        .sort(),
      [a.id, b.id],
    );
    assert.deepEqual(
      runsFromArgs([c.id], model)!.map((r) => r.id),
      [c.id],
    );
    assert.throws(() => runsFromArgs(['20261124T0000Z-dead'], model), /no run "20261124T0000Z-dead"/);
  });

  it('returns undefined from the palette (no arguments), so the user is asked', () => {
    assert.equal(runsFromArgs([], model), undefined);
    assert.equal(runsFromArgs([undefined], model), undefined);
  });
});

describe('re-run params', () => {
  it("passes again the recorded params that differ from the task's current ones", () => {
    assert.deepEqual(changedParams({ lr: 0.1, epochs: 5, dropped: 1 }, { lr: 0.01, epochs: 5 }), { lr: 0.1 });
    assert.deepEqual(changedParams({ lr: 0.1 }, undefined), { lr: 0.1 });
  });
});

describe('formatting', () => {
  it('formats relative dates for one-line descriptions (durations and values: test/unit/protocol)', () => {
    const now = Date.parse('2026-11-24T12:00:00Z');
    assert.equal(relativeTime(now - 30_000, now), 'just now');
    assert.equal(relativeTime(now - 5 * 60_000, now), '5 min ago');
    assert.equal(relativeTime(now - 26 * 3600_000, now), 'yesterday');
    assert.equal(relativeTime(Date.parse('2026-09-01T00:00:00Z'), now), '2026-09-01');
  });

  it('prefers validation quality metrics and leaves out progress counters', () => {
    const s = { last: 1, lastStep: 1, min: 1, max: 1, bestStep: 1, count: 1 };
    assert.deepEqual(keyMetricNames({ epoch: s, loss: s, zeta: s, val_accuracy: s, alpha: s }, 3), [
      'val_accuracy',
      'loss',
      'alpha',
    ]);
  });
});
