/**
 * The drift report on real data: Seattle weather from `vega-datasets`, 2012 as reference vs 2015 as
 * current, computed by the drift engine, rendered to HTML and opened offline in headless Chromium.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { runDrift } from '../../src/core/drift/engine';
import { defaultDriftOptions } from '../../src/core/drift/rules';
import type { DriftReport } from '../../src/core/drift/types';
import { renderDriftReportHtml } from '../../src/core/report/driftReport';
import { buildReportBundle, repoRoot } from '../helpers/reportBundle';
import { assertCleanLog, browserSkipReason, launchChromium, openReport } from '../helpers/reportBrowser';
import { payloadOf } from '../helpers/reportFixtures';

const WEATHER = join(repoRoot, 'node_modules/vega-datasets/data/seattle-weather.csv');
const EXAMPLE = join(repoRoot, 'examples/weather-drift');

/** Writes the rows of `years` (repeated `copies` times) to a CSV file; returns its path. */
function weatherYears(dir: string, name: string, year: string, copies = 1): string {
  const [header, ...rows] = readFileSync(WEATHER, 'utf8').trim().split('\n');
  const picked = rows.filter((r) => r.startsWith(`${year}-`));
  const file = join(dir, name);
  writeFileSync(file, [header, ...Array.from({ length: copies }, () => picked).flat()].join('\n') + '\n');
  return file;
}

describe('drift report of Seattle weather 2012 vs 2015', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xlens-weather-'));
  let bundlePath: string;
  let report: DriftReport;
  let html: string;

  before(async () => {
    bundlePath = await buildReportBundle();
    report = await runDrift({
      reference: weatherYears(dir, 'weather-2012.csv', '2012'),
      current: weatherYears(dir, 'weather-2015.csv', '2015'),
      options: defaultDriftOptions(),
    });
    html = renderDriftReportHtml(report, { bundlePath });
  });

  it('embeds aggregates only: the page does not grow with the number of rows', async () => {
    const payload = payloadOf(html);
    report.columns.forEach((column, i) => {
      const chart = payload.charts.find((c) => c.id === `drift:column:${i}`)!;
      const bins =
        column.histogram.kind === 'numeric'
          ? column.histogram.edges.length - 1
          : column.histogram.categories.length;
      assert.equal(chart.data.bins.length, 2 * bins, column.name);
    });
    // Ten times the rows (same distributions): the report stays the same size give or take its numbers.
    const bigger = await runDrift({
      reference: weatherYears(dir, 'weather-2012x10.csv', '2012', 10),
      current: weatherYears(dir, 'weather-2015x10.csv', '2015', 10),
      options: defaultDriftOptions(),
    });
    const biggerHtml = renderDriftReportHtml(bigger, { bundlePath });
    const rawBytes = readFileSync(join(dir, 'weather-2012x10.csv')).length;
    assert.ok(
      Math.abs(biggerHtml.length - html.length) < 20_000,
      `${html.length} vs ${biggerHtml.length} characters for ${rawBytes} more bytes of input`,
    );
  });

  it(
    'renders offline in headless Chromium with every column drawn',
    { skip: browserSkipReason() },
    async () => {
      const file = join(dir, 'weather-drift.html');
      writeFileSync(file, html);
      let browser: Browser | undefined;
      try {
        browser = await launchChromium();
        const { page, log } = await openReport(browser, file);
        assert.equal(await page.getAttribute('body', 'data-charts'), 'done');
        assertCleanLog(log);
        const verdict = await page.locator('#verdict').innerText();
        assert.match(verdict, report.dataset.driftDetected ? /Dataset drift detected/ : /No dataset drift/);
        assert.match(
          verdict,
          new RegExp(`${report.dataset.drifted} of ${report.dataset.columns} tested columns`),
        );
        for (let i = 0; i < report.columns.length; i++) {
          assert.ok(
            (await page.locator(`[data-chart="drift:column:${i}"] svg .mark-rect path`).count()) > 0,
            report.columns[i].name,
          );
        }
        assert.ok(
          (await page.locator('[data-chart="drift:summary"] svg .mark-symbol path').count()) >=
            report.columns.length,
        );
        mkdirSync(join(repoRoot, 'test-results'), { recursive: true });
        await page.screenshot({
          path: join(repoRoot, 'test-results', 'report-weather-drift.png'),
          fullPage: true,
        });
        writeFileSync(join(repoRoot, 'test-results', 'report-weather-drift.html'), html);
      } finally {
        await browser?.close();
      }
    },
  );
});

describe('xlens drift on the weather example, end to end', { skip: browserSkipReason() }, () => {
  it('prints the table and the verdict, and writes an HTML report that renders offline without rows', async () => {
    // The CLI run from sources inlines dist/webviews/report.js: build it from the current sources.
    await buildReportBundle(repoRoot, join(repoRoot, 'dist', 'webviews'));
    const out = mkdtempSync(join(tmpdir(), 'xlens-weather-cli-'));
    const html = join(out, 'weather.html');
    const result = spawnSync(
      process.execPath,
      [
        '--import',
        require.resolve('tsx'),
        join(repoRoot, 'src/cli/main.ts'),
        'drift',
        'data/weather-2012.csv',
        'data/weather-2015.csv',
        '--html',
        html,
      ],
      { cwd: EXAMPLE, encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /COLUMN\s+TYPE\s+METHOD\s+STATISTIC\s+P-VALUE\/DIST\s+DRIFT IF\s+VERDICT/);
    for (const column of ['weather', 'temp_max', 'temp_min', 'precipitation', 'wind']) {
      assert.match(result.stdout, new RegExp(`^${column}\\s+(numerical|categorical)\\s+\\w+\\s`, 'm'));
    }
    assert.match(
      result.stdout,
      /^DATASET DRIFT DETECTED: 3 of 5 tested columns drifted \(60%\); dataset drift is declared at 50% or more\.$/m,
    );
    assert.match(result.stderr, /wrote .*weather\.html/);

    const page = readFileSync(html, 'utf8');
    // No row of either file: every row starts with its date, and no date of the data is in the page.
    assert.doesNotMatch(page, /201[25]-\d\d-\d\d/);
    const rows = readFileSync(join(EXAMPLE, 'data/weather-2015.csv'), 'utf8').trim().split('\n').slice(1);
    for (const row of rows.slice(0, 50)) {
      assert.ok(!page.includes(row.slice(row.indexOf(',') + 1)), `row ${row} is in the report`);
    }

    let browser: Browser | undefined;
    try {
      browser = await launchChromium();
      const { page: view, log } = await openReport(browser, html);
      assert.equal(await view.getAttribute('body', 'data-charts'), 'done');
      assert.deepEqual(
        [log.otherRequests, log.blockedRequests, log.consoleErrors, log.pageErrors, log.cspViolations],
        [[], [], [], [], []],
      );
      assert.match(await view.locator('#verdict').innerText(), /Dataset drift detected/);
      assert.equal(await view.locator('#columns tbody tr').count(), 5);
      const screenshot = await view.screenshot({ fullPage: true });
      // A real picture: a PNG of the whole page, taller than the window (table plus five distributions).
      assert.equal(screenshot.subarray(1, 4).toString('latin1'), 'PNG');
      assert.ok(screenshot.readUInt32BE(20) > 900, `page height ${screenshot.readUInt32BE(20)}`);
      mkdirSync(join(repoRoot, 'test-results'), { recursive: true });
      writeFileSync(join(repoRoot, 'test-results', 'xlens-drift-weather-cli.png'), screenshot);
    } finally {
      await browser?.close();
    }
  });
});
