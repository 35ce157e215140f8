/**
 * Checks that gate CI, end to end: real `xlens run` processes in temp git repositories, with a task
 * whose script writes its metrics through XLENS_METRICS_FILE (the values come from the environment of
 * the test's choosing, through `--set`). The exit code (0, 1, 3), run.json's `checks`, and what
 * `xlens show` and `xlens runs` print are what a CI job and a user see.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isAlive } from '../../../src/core/base/process';
import type { RunRecord } from '../../../src/core/runs/types';
import { gitIn, gitTestEnv, makeRepo, tempDir } from '../../helpers/gitRepo';
import { latestRun, startXlens, waitFor, xlens, xlensInProcess } from '../../helpers/xlensProcess';

/** Writes `eval/roc_auc`, `eval/f1_macro` and a falling `val_loss` (last value 0.25), then exits with `code`. */
const TRAIN = `
const fs = require('fs');
const [auc, f1, code] = process.argv.slice(2).map(Number);
const put = (step, values) => fs.appendFileSync(process.env.XLENS_METRICS_FILE, JSON.stringify({ step, values }) + '\\n');
put(0, { val_loss: 0.5 });
put(1, { val_loss: 0.25, 'eval/roc_auc': auc, 'eval/f1_macro': f1 });
process.exit(code);
`;

function config(checks: string[], baseline?: string): string {
  return [
    'version: 1',
    'tasks:',
    '  train:',
    '    run: node train.js ${params.auc} ${params.f1} ${params.code}',
    '    params: { auc: 0.95, f1: 0.8, code: 0 }',
    '    checks:',
    ...checks.map((c) => `      - ${JSON.stringify(c)}`),
    ...(baseline ? [`    baseline: ${baseline}`] : []),
    '',
  ].join('\n');
}

function repo(checks: string[], baseline?: string): string {
  return makeRepo({ 'xlens.yaml': config(checks, baseline), 'train.js': TRAIN, '.gitignore': '.xlens/\n' });
}

async function run(
  root: string,
  ...set: string[]
): Promise<{ code: number | null; stdout: string; record: RunRecord }> {
  const result = await xlens(root, ['run', 'train', '--quiet', ...set.flatMap((s) => ['--set', s])]);
  assert.equal(result.stderr.includes('Error'), false, result.stderr);
  return { code: result.code, stdout: result.stdout, record: latestRun(root)! };
}

describe('checks that gate CI', () => {
  it('exits 0 when every check passes and 3 when the run succeeded but a check failed', async () => {
    const root = repo(['eval/roc_auc >= 0.9', 'val_loss <= 0.3', 'min(val_loss) < 0.3']);
    const good = await run(root);
    assert.equal(good.code, 0, good.stdout);
    assert.deepEqual(
      good.record.checks!.map((c) => [c.check, c.value, c.threshold, c.passed]),
      [
        ['eval/roc_auc >= 0.9', 0.95, 0.9, true],
        ['val_loss <= 0.3', 0.25, 0.3, true],
        ['min(val_loss) < 0.3', 0.25, 0.3, true],
      ],
    );
    assert.match(good.stdout, /✔ train succeeded .* · checks 3\/3 passed\n/);

    const bad = await run(root, 'auc=0.85');
    assert.equal(bad.code, 3, bad.stdout);
    assert.equal(bad.record.status, 'succeeded');
    const failed = bad.record.checks!.filter((c) => !c.passed);
    assert.deepEqual(
      failed.map((c) => [c.metric, c.value, c.reason]),
      [['eval/roc_auc', 0.85, 'eval/roc_auc is 0.85, not >= 0.9']],
    );
    assert.match(
      bad.stdout,
      / · checks 1 of 3 failed\n {2}✖ eval\/roc_auc >= 0\.9: eval\/roc_auc is 0\.85, not >= 0\.9\n {2}✔ val_loss <= 0\.3 \(0\.25\)\n/,
    );

    // A failed run exits 1 whatever its checks say; the checks are still recorded.
    const crashed = await run(root, 'code=4');
    assert.equal(crashed.code, 1);
    assert.equal(crashed.record.status, 'failed');
    assert.equal(crashed.record.checks!.length, 3);

    const show = await xlens(root, ['show', bad.record.id]);
    assert.equal(show.code, 0);
    assert.match(
      show.stdout,
      /\nchecks 1 of 3 failed:\n {2}✖ eval\/roc_auc >= 0\.9: eval\/roc_auc is 0\.85, not >= 0\.9\n {2}✔ val_loss <= 0\.3 \(0\.25\)\n/,
    );
    const table = await xlens(root, ['runs']);
    assert.match(table.stdout, /^ID\s+TASK\s+STATUS\s+COMMIT\s+DIRTY\s+DURATION\s+CHECKS\s+METRICS$/m);
    assert.match(table.stdout, new RegExp(`${bad.record.id} .* 1/3 ✖ `));
    assert.match(table.stdout, new RegExp(`${good.record.id} .* 3/3 ✔ `));
  });

  it('fails a check of a metric the run did not record, with that reason', async () => {
    const root = repo(['eval/accuracy >= 0.5', 'val_loss < 1']);
    const result = await run(root);
    assert.equal(result.code, 3);
    assert.deepEqual(result.record.checks![0], {
      check: 'eval/accuracy >= 0.5',
      metric: 'eval/accuracy',
      aggregate: 'last',
      op: '>=',
      value: null,
      threshold: 0.5,
      passed: false,
      reason: 'metric eval/accuracy not recorded by this run',
    });
    assert.equal(result.record.checks![1].passed, true);
  });

  it('compares with the previous run of the task, and fails clearly when there is none', async () => {
    const root = repo(['eval/f1_macro >= baseline - 0.01'], 'latest:train');
    const first = await run(root);
    assert.equal(first.code, 3, 'no baseline yet');
    assert.match(first.record.checks![0].reason!, /no succeeded run of task "train" before this run/);
    assert.deepEqual(first.record.checks![0].baseline, { ref: 'latest:train', runId: null, value: null });

    const second = await run(root, 'f1=0.795');
    assert.equal(second.code, 0, second.stdout);
    assert.deepEqual(second.record.checks![0].baseline, {
      ref: 'latest:train',
      runId: first.record.id,
      value: 0.8,
    });

    const worse = await run(root, 'f1=0.7');
    assert.equal(worse.code, 3);
    assert.equal(worse.record.checks![0].baseline!.runId, second.record.id);
    assert.match(
      worse.record.checks![0].reason!,
      new RegExp(`eval/f1_macro is 0\\.7, not >= 0\\.785 \\(baseline 0\\.795 of run ${second.record.id}\\)`),
    );

    // A run id as the baseline, written into xlens.yaml.
    writeFileSync(join(root, 'xlens.yaml'), config(['eval/f1_macro >= baseline'], first.record.id));
    const pinned = await run(root, 'f1=0.8');
    assert.equal(pinned.code, 0);
    assert.equal(pinned.record.checks![0].baseline!.runId, first.record.id);
    writeFileSync(
      join(root, 'xlens.yaml'),
      config(['eval/f1_macro >= baseline'], '19990101T000000Z-00000000'),
    );
    const missing = await run(root);
    assert.equal(missing.code, 3);
    assert.match(missing.record.checks![0].reason!, /no run matches baseline "19990101T000000Z-00000000"/);
  });

  it('takes the baseline from the latest run of the task on another branch', async () => {
    const root = repo(['eval/roc_auc >= baseline'], 'latest:train@main');
    const env = gitTestEnv(tempDir('xlens-home-'));
    const onMain = await run(root, 'auc=0.9');
    assert.equal(onMain.record.git.branch, 'main');
    gitIn(root, ['checkout', '-q', '-b', 'feature'], env);
    const feature1 = await run(root, 'auc=0.99'); // on feature: compared with main's 0.9
    assert.equal(feature1.record.git.branch, 'feature');
    assert.equal(feature1.code, 0);
    assert.equal(feature1.record.checks![0].baseline!.runId, onMain.record.id);
    const feature2 = await run(root, 'auc=0.91'); // still main's run, not feature's 0.99
    assert.equal(feature2.code, 0, feature2.stdout);
    assert.equal(feature2.record.checks![0].baseline!.runId, onMain.record.id);
    const feature3 = await run(root, 'auc=0.89');
    assert.equal(feature3.code, 3);

    writeFileSync(join(root, 'xlens.yaml'), config(['eval/roc_auc >= baseline'], 'latest:train@release'));
    const noBranch = await run(root);
    assert.equal(noBranch.code, 3);
    assert.match(noBranch.record.checks![0].reason!, /no succeeded run of task "train" on branch "release"/);
  });

  it("xlens checks evaluates a run's checks again, or ad hoc ones, exiting 0 or 3", async () => {
    const root = repo(['eval/roc_auc >= 0.9', 'val_loss <= baseline'], 'latest');
    const first = await run(root);
    const second = await run(root, 'auc=0.8');
    assert.equal(second.code, 3);
    const again = await xlensInProcess(root, ['checks']);
    assert.equal(again.code, 3, again.stderr);
    assert.equal(
      again.stdout,
      `run ${second.record.id} (train) · checks 1 of 2 failed\n` +
        '  ✖ eval/roc_auc >= 0.9: eval/roc_auc is 0.8, not >= 0.9\n' +
        `  ✔ val_loss <= baseline (0.25, baseline 0.25 of ${first.record.id})\n`,
    );
    const adHoc = await xlensInProcess(root, [
      'checks',
      first.record.id,
      '--check',
      'max(val_loss) == 0.5',
      '--json',
    ]);
    assert.equal(adHoc.code, 0, adHoc.stderr);
    assert.deepEqual(
      (JSON.parse(adHoc.stdout) as { check: string; passed: boolean }[]).map((c) => [c.check, c.passed]),
      [['max(val_loss) == 0.5', true]],
    );
    // The record is not changed by re-evaluation.
    assert.deepEqual(latestRun(root)!.checks, second.record.checks);
    const bad = await xlensInProcess(root, ['checks', '--check', 'val_loss <']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--check "val_loss <": expected a number or `baseline`.*\(at character 11\)/);
    const badBaseline = await xlensInProcess(root, [
      'checks',
      '--check',
      'a > baseline',
      '--baseline',
      'latest:',
    ]);
    assert.equal(badBaseline.code, 2);
  });

  it('documents exit codes 0, 1, 2 and 3 in xlens run --help and xlens --help', async () => {
    const runHelp = await xlensInProcess(tempDir(), ['run', '--help']);
    assert.match(
      runHelp.stdout,
      /Exit codes:\n {2}0 {2}the run succeeded.*\n(.*\n)* {2}1 {2}the run failed or was cancelled\n {2}2 {2}bad input.*\n {2}3 {2}the run succeeded but one of its checks failed/,
    );
    const help = await xlensInProcess(tempDir(), ['--help']);
    assert.match(help.stdout, /^ {2}checks\s+evaluate a run's checks/m);
    assert.match(
      help.stdout,
      /Exit codes: 0 success, 1 a run failed or was cancelled \(or Ctrl-C stopped the command\), 2 bad input,\n3 a run succeeded/,
    );
  });

  it('refuses a bad check before any run, at its line and column (exit 2)', async () => {
    const root = repo(['eval/roc_auc >= 0.9', 'val_loss <== 0.3']);
    const result = await xlens(root, ['run', 'train']);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /xlens\.yaml:8:21: check "val_loss <== 0\.3": expected a number or `baseline`/,
    );
    assert.equal(latestRun(root), undefined);
  });

  it('evaluates the checks of a run finalised after its supervisor was killed', async () => {
    const root = makeRepo({
      'xlens.yaml': [
        'version: 1',
        'tasks:',
        '  train:',
        '    run: node slow.js',
        '    checks: ["acc >= 0.9", "loss < 0.1"]',
        '',
      ].join('\n'),
      // Writes one point, waits for a `go` file, writes acc 0.95, exits 0.
      'slow.js': `
const fs = require('fs');
const put = (step, values) => fs.appendFileSync(process.env.XLENS_METRICS_FILE, JSON.stringify({ step, values }) + '\\n');
put(0, { acc: 0.5, loss: 1 });
const wait = setInterval(() => { if (fs.existsSync('go')) { clearInterval(wait); put(1, { acc: 0.95 }); process.exit(0); } }, 20);
`,
      '.gitignore': '.xlens/\ngo\n',
    });
    const supervisor = startXlens(root, ['run', 'train']);
    await waitFor('the run to record its first point', () => {
      const r = latestRun(root);
      return r?.pid !== undefined && r.metrics.acc !== undefined;
    });
    const running = latestRun(root)!;
    supervisor.child.kill('SIGKILL');
    await supervisor.done;
    writeFileSync(join(root, 'go'), '');
    await waitFor('the task to end', () => !isAlive(running.pid));
    const listed = await xlens(root, ['runs', '--json']);
    const [record] = JSON.parse(listed.stdout) as RunRecord[];
    assert.equal(record.status, 'succeeded');
    assert.deepEqual(
      record.checks!.map((c) => [c.check, c.value, c.passed]),
      [
        ['acc >= 0.9', 0.95, true],
        ['loss < 0.1', 1, false],
      ],
    );
    assert.deepEqual(latestRun(root)!.checks, record.checks, 'saved in run.json');
  });
});
