/**
 * Evaluation and monitoring in a real editor in a real browser: a copy of examples/weather-monitor as a
 * git repository; its README commands run through the built CLI (`dist/cli.js run train`, `predict`,
 * `evaluate`, `monitor`: a classifier trained on Seattle's 2012 weather, its predictions for 2013–2015
 * evaluated at once and month by month). Then code-server (with the built extension) opens the eval
 * run's dashboard, which must draw the ROC, precision–recall, calibration and confusion charts from its
 * `evaluation.json`, and the monitor run's dashboard, which must draw the drifted-column share and each
 * metric over the months and say where a check failed. Screenshots: test-results/eval.png and
 * test-results/monitor.png. Needs scripts/setup-code-server.sh and `node esbuild.js`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { MonitorReport } from '../../src/core/monitor/types';
import { launchBrowser, runCommand, waitForWorkbench, webviewFrame, workbenchUrl } from './support/browser';
import { startCodeServer, type CodeServer } from './support/codeServer';
import { REPO_ROOT, RESULTS_DIR } from './support/paths';
import { createExampleWorkspace, type ExampleWorkspace } from './support/workspace';

/** Runs `xlens run <task>` in the workspace with the built CLI; returns the new run's id. */
function xlensRun(root: string, task: string): string {
  const before = new Set(runIds(root));
  execFileSync(process.execPath, [join(REPO_ROOT, 'dist', 'cli.js'), 'run', task], {
    cwd: root,
    stdio: 'pipe',
    timeout: 5 * 60_000,
  });
  const id = runIds(root).find((x) => !before.has(x));
  assert.ok(id, `a run of ${task}`);
  const record = JSON.parse(readFileSync(join(root, '.xlens', 'runs', id, 'run.json'), 'utf8')) as {
    status: string;
  };
  assert.equal(record.status, 'succeeded', `${task} run ${id}`);
  return id;
}

/** The part of the webview's DOM the page-side callback reads (the test's tsconfig has no DOM lib). */
interface Heading {
  scrollIntoView(options: { block: 'start' }): void;
  ownerDocument: {
    querySelector(selector: string): { offsetHeight: number } | null;
    defaultView: { scrollBy(x: number, y: number): void } | null;
  };
}

/** Scrolls a section heading to the top of the view, just below the dashboard's sticky run header. */
function scrollBelowHeader(h: Heading): void {
  h.scrollIntoView({ block: 'start' });
  const header = h.ownerDocument.querySelector('.run-header');
  h.ownerDocument.defaultView?.scrollBy(0, -((header?.offsetHeight ?? 0) + 8));
}

function runIds(root: string): string[] {
  try {
    return readdirSync(join(root, '.xlens', 'runs')).sort();
  } catch {
    return [];
  }
}

describe('evaluation and monitoring in code-server', { timeout: 15 * 60_000 }, () => {
  let workspace: ExampleWorkspace;
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  const runs = new Map<string, string>();

  before(async () => {
    mkdirSync(RESULTS_DIR, { recursive: true });
    workspace = createExampleWorkspace('weather-monitor');
    for (const task of ['train', 'predict', 'evaluate', 'monitor']) {
      runs.set(task, xlensRun(workspace.root, task));
    }
    server = await startCodeServer({ installExtension: true });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
    await page.goto(workbenchUrl(server.url, workspace.root));
    await waitForWorkbench(page);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    workspace?.dispose();
  });

  /** Opens the dashboard of `runId` from the Command Palette (up to 3 attempts on a busy machine). */
  async function openDashboard(runId: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await runCommand(page, 'View: Close All Editors');
        await runCommand(page, 'Experiment Lens: Open Run Dashboard');
        const input = page.locator('.quick-input-widget input');
        await input.waitFor({ state: 'visible' });
        await input.fill(runId);
        const row = page
          .locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: runId })
          .first();
        await row.waitFor({ state: 'visible', timeout: 20_000 });
        await row.click();
        await page.locator('.tabs-container .tab', { hasText: runId }).first().waitFor({ timeout: 20_000 });
        return;
      } catch (error) {
        if (attempt === 3) {
          throw error;
        }
        await page.keyboard.press('Escape');
      }
    }
  }

  async function failureShot(name: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      await page.screenshot({ path: join(RESULTS_DIR, `failure-${name}.png`) }).catch(() => undefined);
      throw error;
    }
  }

  it(
    'shows the eval run with its ROC, precision–recall, calibration and confusion charts',
    { timeout: 3 * 60_000 },
    () =>
      failureShot('eval', async () => {
        const runId = runs.get('evaluate')!;
        const saved = JSON.parse(
          readFileSync(join(workspace.root, '.xlens', 'runs', runId, 'artifacts', 'evaluation.json'), 'utf8'),
        ) as { evaluation: { scores?: { calibration?: unknown; thresholds?: unknown } } };
        await openDashboard(runId);
        const view = webviewFrame(page);
        const section = view.locator('section#report-evaluation');
        // scikit-learn's calibration curve is binary: a 5-class evaluation has none.
        const ids = ['evaluation:confusion', 'evaluation:roc', 'evaluation:pr'];
        if (saved.evaluation.scores?.calibration) {
          ids.push('evaluation:calibration');
        }
        if (saved.evaluation.scores?.thresholds) {
          ids.push('evaluation:threshold');
        }
        for (const id of ids) {
          await section
            .locator(`figure.chart[data-chart-id="${id}"][data-rendered="true"]`)
            .waitFor({ state: 'visible', timeout: 60_000 });
        }
        assert.equal(await section.locator('figure.chart[data-rendered="true"]').count(), ids.length);
        // The ROC chart draws one line per class of the weather.
        const roc = section.locator('figure.chart[data-chart-id="evaluation:roc"]');
        for (const label of ['drizzle', 'fog', 'rain', 'snow', 'sun']) {
          await roc
            .locator('text', { hasText: new RegExp(`^${label} \\(`) })
            .first()
            .waitFor();
        }
        assert.match(
          (await section.locator('.report-lines').innerText()) ?? '',
          /classification of .*predictions\.csv \(1095 rows\)/,
        );
        // The section's heading at the top of the view (under the sticky run header).
        await section.locator('h2').evaluate(scrollBelowHeader);
        await page.screenshot({ path: join(RESULTS_DIR, 'eval.png') });
      }),
  );

  it(
    'shows the monitor run: drifted-column share and metrics over the months, and the failed check',
    { timeout: 3 * 60_000 },
    () =>
      failureShot('monitor', async () => {
        const runId = runs.get('monitor')!;
        const report = JSON.parse(
          readFileSync(join(workspace.root, '.xlens', 'runs', runId, 'artifacts', 'monitor.json'), 'utf8'),
        ) as MonitorReport;
        await openDashboard(runId);
        const view = webviewFrame(page);
        const section = view.locator('section#report-monitor');
        for (const id of ['monitor:drift_share', 'monitor:monitor/accuracy', 'monitor:monitor/f1_macro']) {
          await section
            .locator(`figure.chart[data-chart-id="${id}"][data-rendered="true"]`)
            .waitFor({ state: 'visible', timeout: 60_000 });
        }
        // One point per month in the accuracy chart (36 windows with rows).
        const points = await section
          .locator('figure.chart[data-chart-id="monitor:monitor/accuracy"] g.mark-symbol.role-mark path')
          .count();
        assert.equal(points, report.windows.filter((w) => w.rows > 0).length);
        const lines = await section.locator('.report-lines').innerText();
        for (const check of report.checks.filter((c) => c.sentence)) {
          assert.ok(lines.includes(check.sentence!), `${check.sentence} in ${lines}`);
        }
        assert.match(lines, /36 windows of 1mo by "date", drift against data\/weather-2012\.csv/);
        // Its metrics are drawn once, over time in the section, not again by step above it.
        const byStep = await view
          .locator('figure.chart[data-chart-id^="metric:"]')
          .evaluateAll((figures: { getAttribute(name: string): string | null }[]) =>
            figures.map((f) => f.getAttribute('data-chart-id')),
          );
        for (const name of report.metricNames) {
          assert.ok(!byStep.includes(`metric:${name}`), `${name} charted by step too: ${byStep.join(', ')}`);
        }
        // The section's heading at the top of the view (under the sticky run header).
        await section.locator('h2').evaluate(scrollBelowHeader);
        await page.screenshot({ path: join(RESULTS_DIR, 'monitor.png') });
      }),
  );
});
