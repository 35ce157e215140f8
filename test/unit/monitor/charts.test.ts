// The monitor's charts (drawn headless with vega) and the dashboard's result sections read from a run's
// artifacts: a real monitor report of Seattle weather predictions (test/fixtures/monitor), a damaged
// artifact, and none.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import { monitorCharts } from '../../../src/core/charts/monitorCharts';
import { defaultDriftOptions } from '../../../src/core/drift/rules';
import { monitorFile } from '../../../src/core/monitor/monitor';
import type { MonitorReport } from '../../../src/core/monitor/types';
import { parseWindow } from '../../../src/core/monitor/windows';
import { runArtifactSections } from '../../../src/core/report/artifactSections';
import { tempDir } from '../../helpers/gitRepo';
import { markCount, renderModel } from '../../helpers/vegaRender';

const FIXTURES = resolve(__dirname, '../../fixtures/monitor');

describe('monitor charts', () => {
  let report: MonitorReport;

  before(async () => {
    report = await monitorFile({
      path: join(FIXTURES, 'weather-predictions.csv'),
      displayName: 'weather-predictions.csv',
      time: 'date',
      window: parseWindow('3mo'),
      reference: { kind: 'file', path: join(FIXTURES, 'weather-2012.csv') },
      referenceName: 'weather-2012.csv',
      drift: defaultDriftOptions(),
      target: 'weather',
      checks: ['monitor/accuracy >= 0.75'],
    });
  });

  it('draws the drifted-column share as one bar per window, from 0 up to the share', async () => {
    const chart = monitorCharts(report).find((c) => c.id === 'monitor:drift_share')!;
    const rendered = await renderModel(chart);
    assert.deepEqual(rendered.warnings, []);
    assert.equal(markCount(rendered.svg, 'rect'), report.windows.length);
    // Bars stand on the axis: every bar is taller than a hairline unless its share is 0.
    const heights = [...rendered.svg.matchAll(/<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)<\/g>/gs)]
      .flatMap((m) => [...m[1].matchAll(/d="M[\d.-]+,([\d.-]+)h[\d.-]+v([\d.-]+)/g)])
      .map((m) => Number(m[2]));
    assert.equal(heights.length, report.windows.length);
    report.windows.forEach((w, i) =>
      assert.ok(w.drift!.share === 0 || heights[i] > 5, `${w.label}: ${heights[i]}`),
    );
  });

  it('draws each metric with a point per window, the failing windows marked and the threshold as a rule', async () => {
    const chart = monitorCharts(report).find((c) => c.id === 'monitor:monitor/accuracy')!;
    const rendered = await renderModel(chart);
    assert.deepEqual(rendered.warnings, []);
    assert.equal(markCount(rendered.svg, 'symbol'), report.windows.length);
    assert.equal(markCount(rendered.svg, 'rule'), 1);
    const failed = chart.data.points.filter((r) => r.failed === 'check failed').map((r) => r.window);
    assert.deepEqual(
      failed,
      report.checks[0].failedWindows.map((i) => report.windows[i].label),
    );
    assert.ok(failed.length > 0);
  });
});

describe('runArtifactSections', () => {
  it('reads a monitor report and an evaluation from the run folder', async () => {
    const runDir = tempDir('xlens-artifacts-');
    mkdirSync(join(runDir, 'artifacts'));
    const report = await monitorFile({
      path: join(FIXTURES, 'weather-predictions.csv'),
      time: 'date',
      window: parseWindow('1y'),
      reference: { kind: 'window' },
      drift: defaultDriftOptions(),
      target: 'weather',
      checks: ['monitor/accuracy >= 0.99'],
    });
    writeFileSync(join(runDir, 'artifacts', 'monitor.json'), JSON.stringify(report));
    const [monitor] = runArtifactSections(runDir);
    assert.equal(monitor.id, 'monitor');
    assert.equal(monitor.lines[0], 'Accuracy fell below 0.99 from 2013');
    assert.ok(monitor.charts.some((c) => c.id === 'monitor:monitor/f1_macro'));
    assert.deepEqual(monitor.covers, report.metricNames);
    assert.ok(monitor.covers.includes('monitor/f1_macro'));
  });

  it('says why a damaged artifact is not drawn, and gives nothing for a run without one', () => {
    const runDir = tempDir('xlens-artifacts-');
    assert.deepEqual(runArtifactSections(runDir), []);
    mkdirSync(join(runDir, 'artifacts'));
    writeFileSync(join(runDir, 'artifacts', 'monitor.json'), '{"windows": [');
    writeFileSync(
      join(runDir, 'artifacts', 'evaluation.json'),
      JSON.stringify({ evaluation: { problem: 'classification' } }),
    );
    const sections = runArtifactSections(runDir);
    assert.deepEqual(
      sections.map((s) => [s.id, s.charts.length]),
      [
        ['evaluation', 0],
        ['monitor', 0],
      ],
    );
    assert.match(sections[0].lines[0], /evaluation\.json could not be drawn/);
    assert.match(sections[1].lines[0], /monitor\.json: not valid JSON/);
  });
});
