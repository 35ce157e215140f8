/**
 * `kind: eval` tasks through the TaskRunner, as `xlens run` starts them: a temp git repository holding
 * predictions written by a scikit-learn model (test/fixtures/eval), the evaluation job as a real child
 * process; its `eval/*` metrics and `evaluation.json` agree with scikit-learn.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { loadProjectOrThrow } from '../../../src/core/config/load';
import { TaskRunner } from '../../../src/core/runner/taskRunner';
import { RunStore } from '../../../src/core/runs/store';
import { writeRunReport } from '../../../src/core/report/writeRunReport';
import { buildReportBundle } from '../../helpers/reportBundle';
import { payloadOf } from '../../helpers/reportFixtures';
import { tempDir } from '../../helpers/gitRepo';
import { gitIn, makeRepo, writeFiles } from '../../helpers/gitRepo';

const FIXTURES = resolve(__dirname, '../../fixtures/eval');
const reference = JSON.parse(readFileSync(join(FIXTURES, 'reference.json'), 'utf8')) as {
  cases: Record<string, unknown>[];
};

async function workspace(config: string) {
  const root = makeRepo({ 'README.md': 'eval\n' });
  for (const name of ['weather-rain.csv', 'weather-kind.csv']) {
    cpSync(join(FIXTURES, name), join(root, 'predictions', name));
  }
  writeFiles(root, { 'xlens.yaml': config });
  gitIn(root, ['add', '-A']);
  gitIn(root, ['commit', '-q', '-m', 'predictions']);
  const project = await loadProjectOrThrow(root);
  const store = new RunStore(root);
  return { store, runner: new TaskRunner(project, store, { killGraceMs: 500, pollIntervalMs: 50 }) };
}

function near(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.abs(expected), `${what}: ${actual} vs ${expected}`);
}

describe('kind: eval tasks', () => {
  it('records eval/* metrics and evaluation.json (and .html) that agree with scikit-learn', async () => {
    const { store, runner } = await workspace(
      [
        'tasks:',
        '  rain:',
        '    kind: eval',
        '    data: predictions/weather-rain.csv',
        '    calibration: { bins: 5, strategy: quantile }',
        '  kind:',
        '    kind: eval',
        '    data: predictions/weather-kind.csv',
        '    target: weather',
        '    proba: proba_',
        '',
      ].join('\n'),
    );
    const rain = await runner.run('rain');
    assert.equal(rain.status, 'succeeded', rain.error);
    const want = reference.cases.find((c) => c.name === 'weather-rain')!;
    near(rain.metrics['eval/roc_auc'].last, want.roc_auc as number, 'roc auc');
    near(rain.metrics['eval/log_loss'].last, want.log_loss as number, 'log loss');
    near(rain.metrics['eval/accuracy'].last, want.accuracy as number, 'accuracy');
    assert.equal(rain.data[0].path, 'predictions/weather-rain.csv');
    const artifacts = join(store.runDir(rain.id), 'artifacts');
    const saved = JSON.parse(readFileSync(join(artifacts, 'evaluation.json'), 'utf8'));
    assert.equal(saved.evaluation.scores.calibration.strategy, 'quantile');
    assert.equal(saved.evaluation.scores.calibration.bins, 5);
    assert.ok(existsSync(join(artifacts, 'evaluation.html')));
    // The run's HTML report carries the evaluation's tables and charts.
    const bundlePath = await buildReportBundle();
    const out = join(tempDir('xlens-eval-report-'), 'run.html');
    await writeRunReport(store, rain, out, { bundlePath });
    const html = readFileSync(out, 'utf8');
    assert.match(html, /id="classification-report"/);
    const ids = payloadOf(html).charts.map((c) => c.id);
    for (const id of ['eval:confusion', 'eval:roc', 'eval:pr', 'eval:calibration', 'eval:threshold']) {
      assert.ok(ids.includes(id), `${id} in ${ids.join(', ')}`);
    }

    const kind = await runner.run('kind');
    assert.equal(kind.status, 'succeeded', kind.error);
    const multi = reference.cases.find((c) => c.name === 'weather-kind')!;
    near(kind.metrics['eval/roc_auc'].last, multi.roc_auc_macro as number, 'roc auc ovr macro');
    near(kind.metrics['eval/roc_auc_weighted'].last, multi.roc_auc_weighted as number, 'weighted');
  });

  it('fails with exit 2 and the reason when the file is bad', async () => {
    const { runner } = await workspace(
      [
        'tasks:',
        '  bad:',
        '    kind: eval',
        '    data: predictions/weather-rain.csv',
        '    pos_label: 7',
        '',
      ].join('\n'),
    );
    const run = await runner.run('bad');
    assert.equal(run.status, 'failed');
    assert.equal(run.exitCode, 2);
  });
});
