/**
 * A run's checks in the Runs view (src/features/runs/runsModel.ts): the row's description counts them,
 * a succeeded run that failed a check gets a warning icon instead of the pass icon (what `xlens run`
 * exits 3 for), and the tooltip lists each check with Markdown in names escaped.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckResult, RunRecord } from '../../../src/core/runs/types';
import { checksLabel, describeRun } from '../../../src/features/runs/runsModel';

function run(status: RunRecord['status'], checks?: CheckResult[]): RunRecord {
  return {
    schema: 1,
    id: '20261124T090612Z-7f3a09c2',
    task: 'train',
    kind: 'command',
    status,
    createdAt: '2026-11-24T09:06:12.000Z',
    endedAt: '2026-11-24T09:07:02.500Z',
    durationMs: 50_500,
    command: 'python train.py',
    cwd: '/ws',
    git: { commit: null, branch: null, dirty: false, snapshot: null },
    params: {},
    data: [],
    metrics: {},
    artifacts: [],
    ...(checks ? { checks } : {}),
  };
}

const passed: CheckResult = { check: 'auc >= 0.9', value: 0.93, threshold: 0.9, passed: true };
const failed: CheckResult = {
  check: '"*bold* [x](y)" < 1',
  value: 2,
  threshold: 1,
  passed: false,
  reason: '"*bold* [x](y)" is 2, not < 1',
};
const now = Date.parse('2026-11-24T10:00:00.000Z');

describe('checks in the Runs view', () => {
  it('counts passed and failed checks in the row and marks a succeeded run with a failed check', () => {
    const good = describeRun(run('succeeded', [passed, passed]), now);
    assert.match(good.description, /✔ 2\/2 checks/);
    assert.equal(good.icon.id, 'pass');
    const bad = describeRun(run('succeeded', [passed, failed]), now);
    assert.match(bad.description, /✖ 1\/2 checks failed/);
    assert.deepEqual(bad.icon, { id: 'warning', color: 'problemsWarningIcon.foreground' });
    // A failed run keeps its error icon; a run without checks shows no count.
    assert.equal(describeRun(run('failed', [failed]), now).icon.id, 'error');
    assert.equal(checksLabel(run('succeeded')), undefined);
    assert.doesNotMatch(describeRun(run('succeeded'), now).description, /checks/);
  });

  it('lists every check in the tooltip with its value or reason, names escaped for Markdown', () => {
    const tooltip = describeRun(run('succeeded', [passed, failed]), now).tooltip;
    assert.match(tooltip, /checks 1 of 2 failed:\n\n- ✔ auc \\>= 0\.9 \(0\.93\)\n/);
    assert.ok(
      tooltip.includes(String.raw`- ✖ "\*bold\* \[x\](y)" \< 1: "\*bold\* \[x\](y)" is 2, not \< 1`),
      tooltip,
    );
  });
});
