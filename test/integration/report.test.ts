/**
 * The standalone HTML reports in a real browser: headless Chromium opens the generated files with every
 * network request blocked, and the charts must draw (SVG marks present) without console errors, CSP
 * violations or dialogs from the HTML/script payloads in run fields, column names and categories.
 * Screenshots land in test-results/ for a person to look at.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { renderDriftReportHtml } from '../../src/core/report/driftReport';
import { renderRunReportHtml } from '../../src/core/report/runReport';
import { buildReportBundle } from '../helpers/reportBundle';
import { assertCleanLog, browserSkipReason, launchChromium, openReport } from '../helpers/reportBrowser';
import {
  driftReportFixture,
  KERAS_LOG,
  longSeries,
  readKerasLog,
  runRecord,
  XSS_IMG,
  XSS_SCRIPT,
} from '../helpers/reportFixtures';

const root = resolve(__dirname, '../..');
const results = join(root, 'test-results');
const skip = browserSkipReason();
if (skip) {
  console.log(`# skipping HTML report browser tests: ${skip}`);
}

/** Texts of every element, so payloads can be found as text. */
function bodyText(page: Page): Promise<string> {
  return page.evaluate<string>('document.body.innerText');
}

async function countIn(page: Page, selector: string): Promise<number> {
  return page.locator(selector).count();
}

describe('standalone HTML reports in headless Chromium', { skip }, () => {
  let browser: Browser;
  let bundlePath: string;

  before(async () => {
    mkdirSync(results, { recursive: true });
    bundlePath = await buildReportBundle(root);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
  });

  it('draws a run report from a real Keras log plus a 100,000-step series, offline', async () => {
    const series = readKerasLog(KERAS_LOG);
    series.set('throughput', longSeries());
    series.set(XSS_IMG, [
      { step: 0, value: 1 },
      { step: 1, value: 2 },
    ]);
    const html = renderRunReportHtml(runRecord(series), series, { bundlePath, xTitle: 'epoch' });
    const file = join(results, 'report-run.html');
    writeFileSync(file, html);
    const { page, log } = await openReport(browser, file);
    try {
      assert.equal(await page.getAttribute('body', 'data-charts'), 'done');
      assertCleanLog(log);
      // Keras columns pair up: loss/val_loss, accuracy/val_accuracy, dice_coef/val_dice_coef, ... ; lr alone.
      const charts = await Promise.all(
        (await page.locator('[data-chart]').all()).map((l) => l.getAttribute('data-chart')),
      );
      for (const id of [
        'metric:loss',
        'metric:accuracy',
        'metric:dice_coef',
        'metric:lr',
        'metric:throughput',
      ]) {
        assert.ok(charts.includes(id), `chart ${id} in ${charts.join(', ')}`);
      }
      assert.equal(await countIn(page, '[data-chart] svg'), charts.length, 'every chart drew an SVG');
      const lossLines = await countIn(page, '[data-chart="metric:loss"] svg .mark-line path');
      assert.equal(lossLines, 2, 'loss and val_loss overlaid');
      // The long series reaches the page downsampled: its path has at most 2,000 vertices.
      const d = await page.locator('[data-chart="metric:throughput"] svg .mark-line path').getAttribute('d');
      const vertices = (d ?? '').split(/[ML]/).filter((s) => s.trim() !== '').length;
      assert.ok(vertices > 1000 && vertices <= 2000, `${vertices} vertices`);
      // Payloads are text: shown literally, and no element was created from them.
      const text = await bodyText(page);
      assert.ok(text.includes(XSS_IMG), 'param name shown as text');
      assert.ok(text.includes(XSS_SCRIPT), 'param value shown as text');
      assert.equal(await countIn(page, 'img'), 0);
      assert.equal(await countIn(page, 'script'), 2, 'only the data block and the report script');
      await page.screenshot({ path: join(results, 'report-run.png'), fullPage: true });
    } finally {
      await page.context().close();
    }
  });

  it('draws a drift report with a sortable column table and overlaid distributions, offline', async () => {
    const html = renderDriftReportHtml(driftReportFixture(), { bundlePath });
    const file = join(results, 'report-drift.html');
    writeFileSync(file, html);
    const { page, log } = await openReport(browser, file);
    try {
      assert.equal(await page.getAttribute('body', 'data-charts'), 'done');
      assertCleanLog(log);
      assert.match(await page.locator('#verdict').innerText(), /Dataset drift detected/);
      // Summary + one chart per column, each with bars.
      assert.equal(await countIn(page, '[data-chart] svg'), 4);
      for (let i = 0; i < 3; i++) {
        assert.ok(
          (await countIn(page, `[data-chart="drift:column:${i}"] svg .mark-rect path`)) > 0,
          `bars of column ${i}`,
        );
      }
      const text = await bodyText(page);
      assert.ok(text.includes(XSS_IMG), 'column name shown as text');
      assert.ok(text.includes(XSS_SCRIPT), 'category shown as text');
      assert.equal(await countIn(page, 'img'), 0);
      // Drifted columns first; clicking "statistic" sorts ascending by the statistic, again descending.
      const firstColumn = () => page.locator('#columns tbody tr td:first-child').allInnerTexts();
      assert.deepEqual(await firstColumn(), ['temp_max', XSS_IMG, 'wind']);
      const header = page.locator('#columns thead th', { hasText: 'statistic' }).locator('button');
      await header.click();
      assert.deepEqual(await firstColumn(), ['wind', 'temp_max', XSS_IMG]);
      await header.click();
      assert.deepEqual(await firstColumn(), [XSS_IMG, 'temp_max', 'wind']);
      // Sorting by verdict brings back the first order: drifted first, strongest drift first.
      await page.locator('#columns thead th', { hasText: 'verdict' }).locator('button').click();
      assert.deepEqual(await firstColumn(), ['temp_max', XSS_IMG, 'wind']);
      // The tooltip draws too (hovering a bar), still without errors or dialogs.
      await page.locator('[data-chart="drift:column:1"] svg .mark-rect path').first().hover();
      await page.waitForSelector('#vg-tooltip-element.visible', { timeout: 5000 });
      assert.ok((await page.locator('#vg-tooltip-element').innerText()).includes('count'));
      await page.screenshot({ path: join(results, 'report-drift.png'), fullPage: true });
      assertCleanLog(log);
    } finally {
      await page.context().close();
    }
  });
});
