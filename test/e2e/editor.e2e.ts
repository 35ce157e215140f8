/**
 * The product in a real editor in a real browser: code-server (VS Code 1.100.3) with the built extension
 * installed, driven through Debian's chromium like a user would. Opens a copy of the penguins example as
 * a git repository, runs `train` from the Command Palette, waits for the run to turn succeeded in the Runs
 * view, opens its dashboard and reads the charts and header inside the webview. Prints the activation
 * time and the measurements of a dashboard for 10 metrics × 100,000 steps; leaves screenshots in
 * test-results/. Needs scripts/setup-code-server.sh and `node esbuild.js` (npm run test:e2e builds).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { MAX_POINTS_PER_SERIES } from '../../src/protocol/dashboard';
import {
  launchBrowser,
  pickRow,
  runCommand,
  waitForWorkbench,
  webviewFrame,
  workbenchUrl,
} from './support/browser';
import { startCodeServer, type CodeServer } from './support/codeServer';
import { writeFixtureRun } from './support/fixtureRun';
import { RESULTS_DIR } from './support/paths';
import { createExampleWorkspace, type ExampleWorkspace } from './support/workspace';

/** The part of a DOM element the page-side callbacks read (the test's tsconfig has no DOM lib). */
interface AttributeHolder {
  getAttribute(name: string): string | null;
}

/** How long the train run may take (the built-in trainer needs seconds here; slow machines more). */
const RUN_TIMEOUT_MS = Number(process.env.XLENS_E2E_RUN_TIMEOUT_MS ?? 4 * 60_000);

const LARGE = { metrics: 10, steps: 100_000 };

describe('Experiment Lens in code-server', { timeout: 15 * 60_000 }, () => {
  let workspace: ExampleWorkspace;
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  const measurements: Record<string, unknown> = {};

  before(async () => {
    mkdirSync(RESULTS_DIR, { recursive: true });
    workspace = createExampleWorkspace('penguins');
    server = await startCodeServer({ installExtension: true });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(workbenchUrl(server.url, workspace.root));
    await waitForWorkbench(page);
  });

  after(async () => {
    writeFileSync(join(RESULTS_DIR, 'e2e-measurements.json'), `${JSON.stringify(measurements, null, 2)}\n`);
    await browser?.close();
    await server?.stop();
    workspace?.dispose();
  });

  /** Runs `fn`; when it fails, keeps a screenshot of the editor as it was (test-results/failure-<name>.png). */
  async function step(name: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      await page.screenshot({ path: join(RESULTS_DIR, `failure-${name}.png`) }).catch(() => undefined);
      throw error;
    }
  }

  /** Opens the Experiments container in the activity bar. */
  async function showExperiments(): Promise<void> {
    const item = page.locator('.activitybar .action-item a[aria-label^="Experiments"]');
    await item.waitFor({ state: 'visible', timeout: 60_000 });
    const selected = await page
      .locator('.activitybar .action-item.checked a[aria-label^="Experiments"]')
      .count();
    if (selected === 0) {
      await item.click();
    }
    await page.locator('.monaco-list[aria-label="Runs"]').waitFor({ state: 'attached', timeout: 30_000 });
  }

  /** Ids of the runs in the workspace's store, oldest first. */
  function runIds(): string[] {
    try {
      return readdirSync(join(workspace.root, '.xlens', 'runs')).sort();
    } catch {
      return [];
    }
  }

  /** Picks `runId` in the Open Run Dashboard quick pick. */
  async function openDashboard(runId: string): Promise<void> {
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
  }

  it(
    'runs train from the Command Palette; the run turns succeeded in the Runs view',
    { timeout: 5 * 60_000 },
    () =>
      step('train', async () => {
        await showExperiments();
        await runCommand(page, 'Experiment Lens: Run Task…');
        const input = page.locator('.quick-input-widget input');
        await input.waitFor({ state: 'visible' });
        await input.fill('train');
        await pickRow(page, 'train');
        const succeeded = page
          .locator('.monaco-list[aria-label="Runs"] .monaco-list-row', { hasText: 'train' })
          .filter({ has: page.locator('.codicon-pass') });
        await succeeded.first().waitFor({ state: 'visible', timeout: RUN_TIMEOUT_MS });
        assert.equal(runIds().length, 1);
        await page.screenshot({ path: join(RESULTS_DIR, 'explorer.png') });
      }),
  );

  it(
    'opens the dashboard: charts hold marks for loss and val_accuracy, the header shows the commit',
    { timeout: 2 * 60_000 },
    () =>
      step('dashboard', async () => {
        const [runId] = runIds();
        assert.ok(runId, 'the train run exists');
        await openDashboard(runId);
        const view = webviewFrame(page);
        const lossChart = view.locator('figure.chart[data-chart-id="metric:loss"][data-rendered="true"]');
        const accuracyChart = view.locator(
          'figure.chart[data-chart-id="metric:accuracy"][data-rendered="true"]',
        );
        await lossChart.waitFor({ state: 'visible', timeout: 60_000 });
        await accuracyChart.waitFor({ state: 'visible', timeout: 60_000 });
        assert.equal(await lossChart.getAttribute('data-series'), 'loss,val_loss');
        assert.equal(await accuracyChart.getAttribute('data-series'), 'accuracy,val_accuracy');
        // One drawn line per series: vega's SVG renderer gives each line mark a path with geometry.
        for (const chart of [lossChart, accuracyChart]) {
          const paths = chart.locator('g.mark-line path');
          assert.equal(await paths.count(), 2);
          for (const d of await paths.evaluateAll((els: AttributeHolder[]) =>
            els.map((e) => e.getAttribute('d') ?? ''),
          )) {
            assert.ok(
              (d.match(/L/g) ?? []).length >= 2,
              `a line with several points, got d="${d.slice(0, 80)}"`,
            );
          }
        }
        await view
          .locator('figure.chart[data-chart-id="metric:accuracy"] text', { hasText: 'val_accuracy' })
          .first()
          .waitFor();
        const commit = view.locator('[data-field="commit"]');
        assert.match((await commit.textContent()) ?? '', new RegExp(`^${workspace.commit.slice(0, 7)}`));
        assert.equal(await commit.getAttribute('title'), workspace.commit);
        assert.equal(await view.locator('[data-field="status"]').textContent(), 'succeeded');
        await page.screenshot({ path: join(RESULTS_DIR, 'dashboard.png') });
      }),
  );

  it('activates its own code within the 50 ms target (printed, not timed)', { timeout: 60_000 }, () =>
    step('activation', async () => {
      const logs = join(server.home, 'user-data', 'logs');
      const files = readdirSync(logs, { recursive: true, encoding: 'utf8' }).filter((f) =>
        f.endsWith('Experiment Lens.log'),
      );
      assert.ok(files.length > 0, `the extension's log under ${logs}`);
      const text = readFileSync(join(logs, files[0]), 'utf8');
      const own = /activated in ([\d.]+) ms/.exec(text);
      assert.ok(own, 'the extension logs its activation time');
      await runCommand(page, 'Developer: Show Running Extensions');
      const row = page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: 'Experiment Lens' });
      await row.first().waitFor({ state: 'visible', timeout: 30_000 });
      const editorText = (await row.first().locator('.activation-time').textContent())?.trim() ?? '';
      measurements.activation = { ownCodeMs: Number(own[1]), editorReports: editorText };
      console.log(
        `activation: our code ${own[1]} ms (target ≤ 50 ms); VS Code's Running Extensions: "${editorText}"`,
      );
      await runCommand(page, 'View: Close All Editors');
    }),
  );

  it(
    `opens the dashboard of ${LARGE.metrics} metrics × ${LARGE.steps.toLocaleString('en-US')} steps with downsampled series`,
    { timeout: 5 * 60_000 },
    () =>
      step('large-dashboard', async () => {
        const metrics = Array.from(
          { length: LARGE.metrics },
          (_, i) => `metric_${String(i).padStart(2, '0')}`,
        );
        const run = await writeFixtureRun(workspace.root, {
          task: 'stress',
          git: { commit: workspace.commit, branch: 'main', dirty: false, snapshot: null },
          metrics,
          steps: LARGE.steps,
        });
        await page
          .locator('.monaco-list[aria-label="Runs"] .monaco-list-row', { hasText: 'stress' })
          .first()
          .waitFor({ state: 'visible', timeout: 60_000 });
        const started = Date.now();
        await openDashboard(run.id);
        const view = webviewFrame(page);
        await view.locator('#app[data-rendered]').waitFor({ state: 'attached', timeout: 120_000 });
        const firstRenderMs = Date.now() - started;
        const charts = view.locator('figure.chart[data-rendered="true"]');
        assert.equal(await charts.count(), LARGE.metrics);
        const perSeries = (
          await charts.evaluateAll((els: AttributeHolder[]) =>
            els.map((e) => e.getAttribute('data-points') ?? '{}'),
          )
        ).map((json) => JSON.parse(json) as Record<string, number>);
        const counts = perSeries.flatMap((p) => Object.values(p));
        const maxSent = Math.max(...counts);
        assert.equal(counts.length, LARGE.metrics);
        assert.ok(
          maxSent <= MAX_POINTS_PER_SERIES,
          `at most ${MAX_POINTS_PER_SERIES} points per series, got ${maxSent}`,
        );
        const caption = (await charts.first().locator('figcaption').textContent()) ?? '';
        assert.match(caption, /2,000 of 100,000 points/);
        const viewRenderMs = Number(await view.locator('#app').getAttribute('data-render-ms'));
        measurements.largeDashboard = {
          metrics: LARGE.metrics,
          stepsPerMetric: LARGE.steps,
          maxPointsSentPerSeries: maxSent,
          commandToChartsDrawnMs: firstRenderMs,
          viewScriptToChartsDrawnMs: viewRenderMs,
        };
        console.log(
          `dashboard of ${LARGE.metrics} metrics × ${LARGE.steps} steps: host sent ≤ ${maxSent} points per series ` +
            `(of ${LARGE.steps}); command → charts drawn ${firstRenderMs} ms (view script → drawn ${viewRenderMs} ms)`,
        );
        await page.screenshot({ path: join(RESULTS_DIR, 'dashboard-large.png') });
      }),
  );
});
