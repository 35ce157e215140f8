/**
 * `kind: monitor` tasks through the TaskRunner, as `xlens run` starts them: a temp git repository
 * holding Seattle weather predictions from a scikit-learn model (test/fixtures/monitor), the monitor job
 * as a real child process. Its series are recorded like a run's metrics (step = window, time = window
 * start), its report is kept as artifacts, its checks are marked per window and evaluated at the end.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { loadProjectOrThrow } from '../../../src/core/config/load';
import type { MonitorReport } from '../../../src/core/monitor/types';
import { TaskRunner } from '../../../src/core/runner/taskRunner';
import { RunStore } from '../../../src/core/runs/store';
import { writeRunReport } from '../../../src/core/report/writeRunReport';
import { gitIn, makeRepo, tempDir, writeFiles } from '../../helpers/gitRepo';
import { buildReportBundle } from '../../helpers/reportBundle';
import { payloadOf } from '../../helpers/reportFixtures';

const FIXTURES = resolve(__dirname, '../../fixtures/monitor');

async function workspace(config: string) {
  const root = makeRepo({ 'README.md': 'monitor\n' });
  for (const name of ['weather-predictions.csv', 'weather-2012.csv']) {
    cpSync(join(FIXTURES, name), join(root, 'data', name));
  }
  writeFiles(root, { 'xlens.yaml': config });
  gitIn(root, ['add', '-A']);
  gitIn(root, ['commit', '-q', '-m', 'predictions']);
  const project = await loadProjectOrThrow(root);
  const store = new RunStore(root);
  return { store, runner: new TaskRunner(project, store, { killGraceMs: 500, pollIntervalMs: 50 }) };
}

describe('kind: monitor tasks', () => {
  it('records one metrics line per month, keeps the report, marks and evaluates the checks', async () => {
    const { store, runner } = await workspace(
      [
        'tasks:',
        '  monitor:',
        '    kind: monitor',
        '    data: data/weather-predictions.csv',
        '    time: date',
        '    window: 3mo',
        '    reference: data/weather-2012.csv',
        '    target: weather',
        "    checks: ['monitor/accuracy >= 0.7', 'monitor/drift_share <= 1']",
        '',
      ].join('\n'),
    );
    const run = await runner.run('monitor');
    assert.equal(run.status, 'succeeded', run.error);
    assert.deepEqual(
      run.data.map((d) => d.path),
      ['data/weather-predictions.csv', 'data/weather-2012.csv'],
    );
    const { lines } = await store.readMetrics(run.id);
    assert.deepEqual(
      lines.map((l) => l.step),
      [...Array(12).keys()],
    );
    assert.deepEqual(
      lines.slice(0, 5).map((l) => new Date(l.time!).toISOString().slice(0, 10)),
      ['2013-01-01', '2013-04-01', '2013-07-01', '2013-10-01', '2014-01-01'],
    );
    const report = JSON.parse(
      readFileSync(join(store.runDir(run.id), 'artifacts', 'monitor.json'), 'utf8'),
    ) as MonitorReport;
    assert.ok(existsSync(join(store.runDir(run.id), 'artifacts', 'monitor.html')));
    for (const [i, line] of lines.entries()) {
      assert.equal(line.values['monitor/accuracy'], report.windows[i].metrics['monitor/accuracy']);
      assert.equal(line.values['monitor/drift_share'], report.windows[i].drift?.share);
      assert.equal(line.values['monitor/rows'], report.windows[i].rows);
    }
    // The run's checks compare the last window's values (a check's default aggregate).
    const last = report.windows[11].metrics['monitor/accuracy'];
    const accuracyCheck = run.checks?.find((c) => c.check === 'monitor/accuracy >= 0.7');
    assert.equal(accuracyCheck?.value, last);
    assert.equal(accuracyCheck?.passed, last >= 0.7);
    // Per window, the report marks the windows below 0.7.
    const below = report.windows.filter((w) => w.metrics['monitor/accuracy'] < 0.7).map((w) => w.index);
    assert.deepEqual(report.checks[0].failedWindows, below);
    // The run's report (xlens show --html) carries the monitor's charts and sentences.
    const out = join(tempDir('xlens-monitor-report-'), 'run.html');
    await writeRunReport(store, run, out, { bundlePath: await buildReportBundle() });
    const ids = payloadOf(readFileSync(out, 'utf8')).charts.map((c) => c.id);
    assert.ok(
      ids.includes('monitor:drift_share') && ids.includes('monitor:monitor/accuracy'),
      ids.join(', '),
    );
    assert.match(readFileSync(out, 'utf8'), /<h2>Monitoring<\/h2>/);
    const info = run.info as { failedChecks?: string[] } | undefined;
    assert.deepEqual(
      info?.failedChecks,
      report.checks.flatMap((c) => (c.sentence ? [c.sentence] : [])),
    );
  });

  it('places a bad window at its line in xlens.yaml before any run', async () => {
    await assert.rejects(
      workspace(
        [
          'tasks:',
          '  m:',
          '    kind: monitor',
          '    data: data/weather-predictions.csv',
          '    time: date',
          '    window: monthly',
          '',
        ].join('\n'),
      ),
      /xlens\.yaml:6:\d+: window: "monthly": not a window/,
    );
  });

  it('fails with exit 2 and the reason when the time column is missing', async () => {
    const { runner } = await workspace(
      [
        'tasks:',
        '  m:',
        '    kind: monitor',
        '    data: data/weather-predictions.csv',
        '    time: day',
        '    window: 1mo',
        '',
      ].join('\n'),
    );
    const run = await runner.run('m');
    assert.equal(run.status, 'failed');
    assert.equal(run.exitCode, 2);
  });
});
