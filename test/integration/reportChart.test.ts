/**
 * The shared chart renderer (webviews/shared/chart.ts) in headless Chromium under the webviews' strict CSP:
 * theme colours read from VS Code's CSS variables, live data updates through the returned handle without
 * embedding again, and a theme switch. The page is a small harness bundled from the real sources.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { webviewBundleOptions } from '../../scripts/esbuildOptions.mjs';
import type { Browser, Page } from 'playwright-core';
import { lineRows } from '../../src/core/charts/lineChart';
import { metricCharts } from '../../src/core/charts/metricCharts';
import { createNonce } from '../../src/core/report/html';
import { reportCsp } from '../../src/core/report/page';
import { repoRoot } from '../helpers/reportBundle';
import { assertCleanLog, browserSkipReason, launchChromium, openReport } from '../helpers/reportBrowser';
import { longSeries } from '../helpers/reportFixtures';

/** Browser code of the harness (plain JS, bundled by esbuild with the real chart modules). */
const HARNESS = `
import { renderChart } from './webviews/shared/chart';
import { chartConfig, readThemeColors } from './webviews/shared/chartTheme';
let handle;
window.harness = {
  async render(model) {
    handle = await renderChart(document.getElementById('chart'), model);
    document.querySelector('#chart svg').dataset.generation = 'first';
  },
  replace: (rows) => handle.replaceData('points', rows),
  append: (rows) => handle.appendData('points', rows),
  async retheme(colors) {
    handle = await handle.setConfig(chartConfig({ ...readThemeColors(), ...colors }));
  },
};
document.body.dataset.charts = 'done';
`;

const DARK = {
  '--vscode-foreground': '#cccccc',
  '--vscode-editor-background': '#1e1e1e',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-orange': '#d18616',
  '--vscode-font-family': 'sans-serif',
};

async function harnessPage(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'xlens-chart-harness-'));
  const result = await build({
    ...webviewBundleOptions(repoRoot),
    stdin: { contents: HARNESS, resolveDir: repoRoot, loader: 'js' },
    write: false,
    logLevel: 'warning',
  });
  const script = result.outputFiles[0].text.replace(/<(?=\/script)/gi, '\\x3C');
  const nonce = createNonce();
  const vars = Object.entries(DARK)
    .map(([k, v]) => `${k}: ${v};`)
    .join(' ');
  const file = join(dir, 'harness.html');
  writeFileSync(
    file,
    `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${reportCsp(nonce)}">
<style nonce="${nonce}">:root { ${vars} } body { background: #1e1e1e; margin: 16px; } #chart { width: 640px; }</style>
</head><body><div id="chart"></div><script nonce="${nonce}">${script}</script></body></html>`,
  );
  return file;
}

/** Stroke colours of the line marks, in order. */
function lineStrokes(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(
    `[...document.querySelectorAll('#chart .mark-line path')].map((p) => p.getAttribute('stroke'))`,
  );
}

function vertices(page: Page): Promise<number[]> {
  return page.evaluate<number[]>(
    `[...document.querySelectorAll('#chart .mark-line path')].map((p) => p.getAttribute('d').split(/[ML]/).filter((s) => s.trim()).length)`,
  );
}

describe('shared chart renderer in a webview-like page', { skip: browserSkipReason() }, () => {
  let browser: Browser;
  let file: string;
  before(async () => {
    file = await harnessPage();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  it('takes the theme from VS Code variables and updates data in place', async () => {
    const series = new Map([
      ['loss', longSeries(500)],
      ['val_loss', longSeries(500).map((p) => ({ step: p.step, value: p.value + 0.2 }))],
    ]);
    const [model] = metricCharts(series);
    const { page, log } = await openReport(browser, file);
    try {
      await page.evaluate(`window.harness.render(${JSON.stringify(model)})`);
      assert.deepEqual(await lineStrokes(page), ['#3794ff', '#d18616']);
      const labelFill = await page.evaluate<string>(
        `document.querySelector('#chart .role-axis-label text').getAttribute('fill')`,
      );
      assert.equal(labelFill, '#cccccc');
      assert.equal(
        await page.evaluate<string>(`document.querySelector('#chart svg').style.backgroundColor`),
        'rgb(30, 30, 30)',
      );
      assert.deepEqual(await vertices(page), [500, 500]);

      // Live update: the host sends the re-downsampled series; the same SVG is redrawn.
      const bigger = new Map([
        ['loss', longSeries(50_000)],
        ['val_loss', longSeries(800)],
      ]);
      await page.evaluate(
        `window.harness.replace(${JSON.stringify(lineRows([...bigger].map(([label, points]) => ({ label, points }))))})`,
      );
      const [loss, val] = await vertices(page);
      assert.ok(loss <= 2000 && loss > 1900, `${loss}`);
      assert.equal(val, 800);
      await page.evaluate(
        `window.harness.append([{ step: 50000, value: 0.1, series: 'val_loss', key: 's1' }])`,
      );
      assert.equal((await vertices(page))[1], 801);
      assert.equal(
        await page.evaluate<string>(`document.querySelector('#chart svg').dataset.generation`),
        'first',
      );

      mkdirSync(join(repoRoot, 'test-results'), { recursive: true });
      await page.screenshot({ path: join(repoRoot, 'test-results', 'chart-dark.png') });

      // A theme change draws again with the new colours and keeps the data.
      await page.evaluate(`window.harness.retheme({ categories: ['#ff0000', '#00ff00'] })`);
      assert.deepEqual(await lineStrokes(page), ['#ff0000', '#00ff00']);
      assert.equal((await vertices(page))[1], 801);
      assertCleanLog(log);
    } finally {
      await page.context().close();
    }
  });
});
