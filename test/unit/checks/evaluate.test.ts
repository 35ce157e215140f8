/**
 * Evaluation of checks (src/core/checks/evaluate.ts, baseline.ts): which value of a metric a check
 * compares, how the baseline run is found (by task, branch, id; before the checked run; succeeded
 * only), and the reasons a check fails. Records are written to a real run store in a temp folder.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findBaseline, parseBaseline } from '../../../src/core/checks/baseline';
import {
  checkCounts,
  checkResultText,
  checksSummaryText,
  evaluateCheck,
  evaluateRunChecks,
  withChecks,
} from '../../../src/core/checks/evaluate';
import { parseCheck } from '../../../src/core/checks/grammar';
import { RunStore } from '../../../src/core/runs/store';
import { addToSummary } from '../../../src/core/runs/summaries';
import type { MetricSummary, RunRecord, RunStatus } from '../../../src/core/runs/types';
import { dict } from '../../../src/shared/dict';
import { tempDir } from '../../helpers/gitRepo';

/** Summaries of series (name → values at steps 0, 1, ...), built as the runner builds them. */
function summaries(series: Record<string, number[]>): Record<string, MetricSummary> {
  const out = dict<MetricSummary>();
  for (const [name, values] of Object.entries(series)) {
    let s: MetricSummary | undefined;
    values.forEach((v, step) => (s = addToSummary(s, name, step, v)));
    out[name] = s!;
  }
  return out;
}

const run = (series: Record<string, number[]>): Pick<RunRecord, 'metrics'> => ({
  metrics: summaries(series),
});

describe('evaluating one check', () => {
  it('compares the last value by default; min, max and best select the others', () => {
    const r = run({ val_loss: [0.9, 0.2, 0.4], acc: [0.5, 0.95, 0.7] });
    assert.equal(evaluateCheck(parseCheck('val_loss <= 0.3'), r).passed, false);
    assert.equal(evaluateCheck(parseCheck('val_loss <= 0.3'), r).value, 0.4);
    assert.equal(evaluateCheck(parseCheck('min(val_loss) <= 0.3'), r).passed, true);
    assert.equal(evaluateCheck(parseCheck('best(val_loss) <= 0.3'), r).value, 0.2);
    assert.equal(evaluateCheck(parseCheck('best(acc) >= 0.9'), r).value, 0.95);
    assert.equal(evaluateCheck(parseCheck('max(val_loss) == 0.9'), r).passed, true);
    assert.equal(evaluateCheck(parseCheck('acc != 0.7'), r).passed, false);
    assert.equal(evaluateCheck(parseCheck('acc > 0.7'), r).passed, false);
    assert.equal(evaluateCheck(parseCheck('acc < 0.7'), r).passed, false);
  });

  it('records value, threshold and the reason of a failure', () => {
    const result = evaluateCheck(parseCheck('val_loss <= 0.3'), run({ val_loss: [0.9, 0.4] }));
    assert.deepEqual(result, {
      check: 'val_loss <= 0.3',
      metric: 'val_loss',
      aggregate: 'last',
      op: '<=',
      value: 0.4,
      threshold: 0.3,
      passed: false,
      reason: 'val_loss is 0.4, not <= 0.3',
    });
    assert.equal(checkResultText(result), '✖ val_loss <= 0.3: val_loss is 0.4, not <= 0.3');
  });

  it('fails a check of a metric the run did not record, saying so; names from data stay data', () => {
    for (const name of ['eval/roc_auc', '__proto__', 'constructor', 'toString']) {
      const result = evaluateCheck(parseCheck(`"${name}" >= 0.9`), run({ loss: [1] }));
      assert.equal(result.passed, false);
      assert.equal(result.value, null);
      assert.match(result.reason!, /not recorded by this run/);
    }
    // `__proto__` as a real metric name is found.
    const proto = evaluateCheck(parseCheck('__proto__ >= 0.5'), run({ ['__proto__']: [0.75] }));
    assert.equal(proto.passed, true);
    assert.equal(proto.value, 0.75);
  });

  it('computes the threshold from the baseline run: shift, factor, missing metric', () => {
    const base = { lookup: { run: { id: 'B', ...run({ f1: [0.8] }) } as RunRecord }, ref: 'latest:train' };
    const minus = evaluateCheck(parseCheck('f1 >= baseline - 0.01'), run({ f1: [0.795] }), base);
    assert.equal(minus.passed, true);
    assert.equal(minus.threshold, 0.8 - 0.01);
    assert.deepEqual(minus.baseline, { ref: 'latest:train', runId: 'B', value: 0.8 });
    const times = evaluateCheck(parseCheck('f1 >= baseline * 1.1'), run({ f1: [0.85] }), base);
    assert.equal(times.passed, false);
    assert.match(times.reason!, /f1 is 0\.85, not >= 0\.88 \(baseline 0\.8 of run B\)/);
    const missing = evaluateCheck(parseCheck('auc >= baseline'), run({ auc: [0.9] }), base);
    assert.equal(missing.passed, false);
    assert.match(missing.reason!, /metric auc not recorded by the baseline run B/);
    const none = evaluateCheck(parseCheck('auc >= baseline'), run({ auc: [0.9] }), {
      ref: 'latest:train@main',
      lookup: { problem: 'no succeeded run of task "train" on branch "main"' },
    });
    assert.equal(none.passed, false);
    assert.deepEqual(none.baseline, { ref: 'latest:train@main', runId: null, value: null });
    assert.equal(none.reason, 'no succeeded run of task "train" on branch "main"');
  });

  it('handles huge values and thresholds without overflow surprises', () => {
    const big = run({ x: [1.7e308] });
    assert.equal(evaluateCheck(parseCheck('x >= 1e308'), big).passed, true);
    const base = { ref: 'r', lookup: { run: { id: 'B', ...big } as RunRecord } };
    const overflow = evaluateCheck(parseCheck('x <= baseline * 10'), big, base);
    assert.equal(overflow.passed, false);
    assert.match(overflow.reason!, /threshold from the baseline .* is not finite/);
    assert.equal(evaluateCheck(parseCheck('x > -1.7976931348623157e308'), big).passed, true);
  });
});

describe('baselines and checks of a stored run', () => {
  async function storeWith(
    runs: { task: string; status: RunStatus; branch: string | null; f1?: number; createdAt: string }[],
  ): Promise<{ store: RunStore; records: RunRecord[] }> {
    const store = new RunStore(tempDir());
    const records: RunRecord[] = [];
    for (const r of runs) {
      records.push(
        await store.create({
          task: r.task,
          kind: 'command',
          status: r.status,
          createdAt: r.createdAt,
          command: 'true',
          cwd: store.root,
          git: { commit: null, branch: r.branch, dirty: false, snapshot: null },
          params: {},
          data: [],
          metrics: r.f1 === undefined ? dict() : summaries({ f1: [r.f1] }),
          artifacts: [],
        }),
      );
    }
    return { store, records };
  }

  it('parses the baseline forms', () => {
    assert.deepEqual(parseBaseline('latest', 'train'), { kind: 'latest', task: 'train' });
    assert.deepEqual(parseBaseline('latest:eval', 'train'), { kind: 'latest', task: 'eval' });
    assert.deepEqual(parseBaseline('latest:train@release/1.2', 'x'), {
      kind: 'latest',
      task: 'train',
      branch: 'release/1.2',
    });
    assert.deepEqual(parseBaseline('20261124T090612Z-7f3a', 'x'), {
      kind: 'run',
      ref: '20261124T090612Z-7f3a',
    });
    for (const bad of ['latest:', 'latest:@main', 'latest:train@', 'latest:t@a..b', 'a b', '$(rm -rf /)']) {
      assert.throws(() => parseBaseline(bad, 'x'), /latest:<task>/, bad);
    }
  });

  it('takes the latest succeeded run of the task on the branch, created before the checked run', async () => {
    const { store, records } = await storeWith([
      { task: 'train', status: 'succeeded', branch: 'main', f1: 0.7, createdAt: '2026-01-01T00:00:00.000Z' },
      {
        task: 'train',
        status: 'succeeded',
        branch: 'feature',
        f1: 0.75,
        createdAt: '2026-01-02T00:00:00.000Z',
      },
      { task: 'train', status: 'failed', branch: 'main', f1: 0.1, createdAt: '2026-01-03T00:00:00.000Z' },
      { task: 'eval', status: 'succeeded', branch: 'main', f1: 0.2, createdAt: '2026-01-04T00:00:00.000Z' },
      { task: 'train', status: 'running', branch: 'feature', f1: 0.8, createdAt: '2026-01-05T00:00:00.000Z' },
      { task: 'train', status: 'succeeded', branch: 'main', f1: 0.9, createdAt: '2026-01-06T00:00:00.000Z' },
    ]);
    const current = records[4];
    const onMain = await findBaseline(store, parseBaseline('latest:train@main', 'train'), current);
    assert.equal('run' in onMain && onMain.run.id, records[0].id);
    const any = await findBaseline(store, parseBaseline('latest', 'train'), current);
    assert.equal('run' in any && any.run.id, records[1].id);
    const other = await findBaseline(store, parseBaseline('latest:eval', 'train'), current);
    assert.equal('run' in other && other.run.id, records[3].id);
    const none = await findBaseline(store, parseBaseline('latest:train@dev', 'train'), current);
    assert.ok('problem' in none);
    assert.match(none.problem, /no succeeded run of task "train" on branch "dev" before this run/);
    const byId = await findBaseline(store, parseBaseline(records[2].id, 'train'), current);
    assert.equal('run' in byId && byId.run.id, records[2].id);
    const self = await findBaseline(store, parseBaseline(current.id, 'train'), current);
    assert.ok('problem' in self && /this run itself/.test(self.problem));
    const unknown = await findBaseline(store, parseBaseline('19990101T000000Z-dead', 'train'), current);
    assert.ok('problem' in unknown && /no run matches baseline/.test(unknown.problem));

    const checked = await withChecks(store, {
      ...current,
      checkConfig: {
        checks: ['f1 >= baseline + 0.05', 'f1 >= baseline + 0.2', 'nope > 0'],
        baseline: 'latest:train@main',
      },
    });
    assert.deepEqual(
      checked.checks!.map((c) => [c.passed, c.threshold]),
      [
        [true, 0.7 + 0.05],
        [false, 0.7 + 0.2],
        [false, 0], // the threshold is known; the metric is not
      ],
    );
    assert.deepEqual(checkCounts(checked), { passed: 1, failed: 2 });
    assert.equal(checksSummaryText(checked), 'checks 2 of 3 failed');
    assert.equal(checksSummaryText({ checks: [checked.checks![0]] }), 'checks 1/1 passed');
    assert.equal(checksSummaryText({}), '');
  });

  it('gives no results without checks, and a failed result for a check that no longer parses', async () => {
    const { store, records } = await storeWith([
      { task: 'train', status: 'running', branch: null, f1: 0.5, createdAt: '2026-01-01T00:00:00.000Z' },
    ]);
    assert.equal(await evaluateRunChecks(store, records[0]), undefined);
    const results = await evaluateRunChecks(store, {
      ...records[0],
      checkConfig: { checks: ['f1 >=', 'f1 >= baseline'], baseline: 'latest bad' },
    });
    assert.equal(results!.length, 2);
    assert.match(results![0].reason!, /expected a number/);
    assert.match(results![1].reason!, /is not a run reference/);
    assert.ok(results!.every((r) => !r.passed));
  });
});
