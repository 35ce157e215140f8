// `xlens monitor` as a real process on real data: Seattle weather 2013–2015 predicted by a model fitted
// on 2012 with scikit-learn (test/fixtures/monitor/make-predictions.py), cut into calendar months.
// Each month's numbers must be what `xlens eval` computes on a file of that month's rows (itself equal
// to scikit-learn, test/unit/eval), scikit-learn's own monthly accuracy and F1, and what `xlens drift`
// finds between 2012 and that month.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { runDrift } from '../../../src/core/drift/engine';
import { defaultDriftOptions } from '../../../src/core/drift/rules';
import { evaluateFile } from '../../../src/core/eval/evaluateFile';
import { evaluationMetrics } from '../../../src/core/eval/present';
import type { MonitorReport } from '../../../src/core/monitor/types';
import type { Browser } from 'playwright-core';
import { tempDir } from '../../helpers/gitRepo';
import { assertCleanLog, browserSkipReason, launchChromium, openReport } from '../../helpers/reportBrowser';
import { buildReportBundle } from '../../helpers/reportBundle';
import { repoRoot, xlens } from '../../helpers/xlensProcess';

const FIXTURES = join(repoRoot, 'test/fixtures/monitor');
const monthly = JSON.parse(readFileSync(join(FIXTURES, 'monthly.json'), 'utf8')) as {
  months: Record<string, { rows: number; accuracy: number; f1_macro: number }>;
};

function near(actual: number | undefined, expected: number, what: string): void {
  assert.ok(actual !== undefined, `${what}: missing`);
  assert.ok(
    Math.abs(actual - expected) <= 1e-9 * Math.abs(expected) + 1e-12,
    `${what}: ${actual} vs ${expected}`,
  );
}

/** The fixture's lines grouped by the month of their date (the first 7 characters), header first. */
function monthFiles(dir: string): Map<string, string> {
  const [header, ...lines] = readFileSync(join(FIXTURES, 'weather-predictions.csv'), 'utf8')
    .trim()
    .split('\n');
  const byMonth = new Map<string, string[]>();
  for (const line of lines) {
    const month = line.slice(0, 7);
    byMonth.set(month, [...(byMonth.get(month) ?? []), line]);
  }
  const files = new Map<string, string>();
  for (const [month, rows] of byMonth) {
    const file = join(dir, `${month}.csv`);
    writeFileSync(file, `${[header, ...rows].join('\n')}\n`);
    files.set(month, file);
  }
  return files;
}

describe('xlens monitor on Seattle weather 2013–2015, month by month', () => {
  let report: MonitorReport;
  let stdout: string;
  let dir: string;

  before(async () => {
    await buildReportBundle(repoRoot, join(repoRoot, 'dist', 'webviews'));
    dir = tempDir('xlens-monitor-');
    const r = await xlens(FIXTURES, [
      'monitor',
      'weather-predictions.csv',
      '--time',
      'date',
      '--window',
      '1mo',
      '--reference',
      'weather-2012.csv',
      '--target',
      'weather',
      '--check',
      'monitor/accuracy >= 0.75',
      '--json',
      join(dir, 'monitor.json'),
      '--html',
      join(dir, 'monitor.html'),
    ]);
    assert.equal(r.code, 0, r.stderr);
    stdout = r.stdout;
    report = JSON.parse(readFileSync(join(dir, 'monitor.json'), 'utf8')) as MonitorReport;
  });

  it('cuts 36 calendar months, 2013-01 to 2015-12, with every row once', () => {
    assert.equal(report.windows.length, 36);
    assert.equal(report.windows[0].label, '2013-01');
    assert.equal(report.windows[12].label, '2014-01');
    assert.equal(report.windows[35].label, '2015-12');
    assert.equal(report.windows[12].start, '2014-01-01T00:00:00.000Z');
    assert.equal(
      report.windows.reduce((n, w) => n + w.rows, 0),
      1095,
    );
    for (const w of report.windows) {
      assert.equal(w.rows, monthly.months[w.label].rows, w.label);
    }
  });

  it("gives each month the numbers xlens eval gives a file of that month's rows, and scikit-learn's", async () => {
    const files = monthFiles(dir);
    for (const w of report.windows) {
      const alone = await evaluateFile(files.get(w.label)!, { target: 'weather' });
      const expected = evaluationMetrics(alone.evaluation, 'monitor/');
      const got = Object.keys(w.metrics).filter((m) => m !== 'monitor/drift_share' && m !== 'monitor/rows');
      assert.deepEqual(got.sort(), Object.keys(expected).sort(), w.label);
      for (const [name, value] of Object.entries(expected)) {
        near(w.metrics[name], value, `${w.label} ${name}`);
      }
      near(
        w.metrics['monitor/accuracy'],
        monthly.months[w.label].accuracy,
        `${w.label} accuracy (scikit-learn)`,
      );
      near(
        w.metrics['monitor/f1_macro'],
        monthly.months[w.label].f1_macro,
        `${w.label} F1 macro (scikit-learn)`,
      );
    }
  });

  it("gives each month the drift xlens drift finds between 2012 and that month's rows", async () => {
    assert.deepEqual(report.features, ['precipitation', 'temp_max', 'temp_min', 'wind']);
    const files = monthFiles(dir);
    for (const w of [report.windows[0], report.windows[6], report.windows[30]]) {
      const drift = await runDrift({
        reference: join(FIXTURES, 'weather-2012.csv'),
        current: files.get(w.label)!,
        options: { ...defaultDriftOptions(), columns: report.features },
      });
      assert.ok(w.drift, w.label);
      assert.equal(w.drift.share, drift.dataset.share, w.label);
      assert.equal(w.metrics['monitor/drift_share'], drift.dataset.share);
      const columns = w.drift.columns;
      for (const c of drift.columns) {
        const mine = columns.find((x) => x.name === c.name);
        assert.ok(mine, c.name);
        assert.equal(mine.statistic, c.statistic, `${w.label} ${c.name}`);
        assert.equal(mine.drifted, c.drifted, `${w.label} ${c.name}`);
      }
    }
  });

  it('marks the months failing the check and says where, in the table and the report', () => {
    const failing = report.windows.filter((w) => w.metrics['monitor/accuracy'] < 0.75).map((w) => w.index);
    assert.ok(failing.length > 0, 'the fixture has months below 0.75');
    assert.deepEqual(report.checks[0].failedWindows, failing);
    assert.match(report.checks[0].sentence!, /^Accuracy fell below 0\.75 (in|from) 20\d\d-\d\d/);
    assert.ok(stdout.includes(`check failed: monitor/accuracy >= 0.75: ${report.checks[0].sentence}`));
    assert.match(stdout, /^WINDOW\s+ROWS\s+ACCURACY\s+F1 \(MACRO\)/m);
    const html = readFileSync(join(dir, 'monitor.html'), 'utf8');
    assert.ok(html.includes(report.checks[0].sentence!));
    assert.match(html, /data-chart="monitor:drift_share"/);
    assert.match(html, /data-chart="monitor:monitor\/accuracy"/);
  });

  it('warns about months with a class absent from the true labels, naming the month', () => {
    // 2014 has no drizzle day at all.
    const w = report.windows.find((x) => x.label === '2014-06')!;
    assert.ok(
      w.warnings.some((x) => /class(es)? .*"drizzle".* absent from the true labels/.test(x)),
      w.warnings.join('\n'),
    );
    assert.match(stdout, /^warning: window 2014-06: class(es)? .*"drizzle"/m);
  });

  it(
    'writes an offline HTML report whose charts render in Chromium',
    { skip: browserSkipReason() },
    async () => {
      let browser: Browser | undefined;
      try {
        browser = await launchChromium();
        const { page, log } = await openReport(browser, join(dir, 'monitor.html'));
        assert.equal(await page.getAttribute('body', 'data-charts'), 'done');
        assertCleanLog(log);
        assert.ok(
          (await page.locator('[data-chart="monitor:drift_share"] svg .mark-rect.role-mark path').count()) ===
            36,
        );
        assert.equal(
          await page
            .locator('[data-chart="monitor:monitor/accuracy"] svg .mark-symbol.role-mark path')
            .count(),
          36,
        );
        assert.match(await page.locator('#monitor-checks').innerText(), /Accuracy fell below 0\.75/);
        mkdirSync(join(repoRoot, 'test-results'), { recursive: true });
        await page.screenshot({ path: join(repoRoot, 'test-results', 'monitor-report.png'), fullPage: true });
      } finally {
        await browser?.close();
      }
    },
  );
});
