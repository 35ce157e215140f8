/**
 * The drift report on real data: Seattle weather from `vega-datasets`, 2012 as reference vs 2015 as
 * current, computed by the drift engine, rendered to HTML and opened offline in headless Chromium.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { runDrift } from '../../src/core/drift/engine';
import { defaultDriftOptions } from '../../src/core/drift/rules';
import type { DriftReport } from '../../src/core/drift/types';
import { renderDriftReportHtml } from '../../src/core/report/driftReport';
import { REPORT_DATA_ELEMENT_ID, type ReportPayload } from '../../src/protocol/report';
import { buildReportBundle, repoRoot } from '../unit/report/reportBundle';
import { browserSkipReason, launchChromium, openReport } from './reportBrowser';

const WEATHER = join(repoRoot, 'node_modules/vega-datasets/data/seattle-weather.csv');

/** Writes the rows of `years` (repeated `copies` times) to a CSV file; returns its path. */
function weatherYears(dir: string, name: string, year: string, copies = 1): string {
  const [header, ...rows] = readFileSync(WEATHER, 'utf8').trim().split('\n');
  const picked = rows.filter((r) => r.startsWith(`${year}-`));
  const file = join(dir, name);
  writeFileSync(file, [header, ...Array.from({ length: copies }, () => picked).flat()].join('\n') + '\n');
  return file;
}

function payloadOf(html: string): ReportPayload {
  const match = new RegExp(`id="${REPORT_DATA_ELEMENT_ID}">(.*?)</script>`, 's').exec(html);
  return JSON.parse(match![1]) as ReportPayload;
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
        assert.deepEqual(
          [
            log.otherRequests,
            log.blockedRequests,
            log.consoleErrors,
            log.pageErrors,
            log.cspViolations,
            log.dialogs,
          ],
          [[], [], [], [], [], []],
        );
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
