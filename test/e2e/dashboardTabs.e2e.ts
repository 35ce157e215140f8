/**
 * Two run dashboards in the real editor (code-server with the built extension), issue 11's defects:
 * switching between their tabs (measured: tab click → every chart drawn, with how many times each chart
 * was drawn), and moving one to another editor group, which must leave it drawn, not blank. Leaves the
 * screenshot test-results/dashboard-moved.png.
 * Needs scripts/setup-code-server.sh and `node esbuild.js`.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { RunRecord } from '../../src/core/runs/types';
import { launchBrowser, runCommand, waitForWorkbench, workbenchUrl } from './support/browser';
import { startCodeServer, type CodeServer } from './support/codeServer';
import { writeFixtureRun } from './support/fixtureRun';
import { RESULTS_DIR } from './support/paths';
import { createExampleWorkspace, type ExampleWorkspace } from './support/workspace';

const METRICS = ['loss', 'val_loss', 'accuracy', 'val_accuracy', 'lr', 'grad_norm'];
const STEPS = 5000;

describe('two dashboards in code-server', { timeout: 10 * 60_000 }, () => {
  let workspace: ExampleWorkspace;
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  const runs: RunRecord[] = [];

  before(async () => {
    mkdirSync(RESULTS_DIR, { recursive: true });
    workspace = createExampleWorkspace('penguins');
    const git = { commit: workspace.commit, branch: 'main', dirty: false, snapshot: null };
    for (const task of ['first', 'second']) {
      runs.push(await writeFixtureRun(workspace.root, { task, git, metrics: METRICS, steps: STEPS }));
    }
    server = await startCodeServer({ installExtension: true });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(workbenchUrl(server.url, workspace.root));
    await waitForWorkbench(page);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    workspace?.dispose();
  });

  async function open(runId: string): Promise<void> {
    await runCommand(page, 'Experiment Lens: Open Run Dashboard');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(runId);
    const row = page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: runId })
      .first();
    await row.waitFor({ state: 'visible', timeout: 20_000 });
    await row.click();
    await drawn();
  }

  /** Waits until the visible dashboard has drawn every chart of a snapshot; returns the draws per chart. */
  async function drawn(timeout = 120_000): Promise<string[]> {
    // Hidden dashboards keep their documents: the visible one's frame.
    const view = page
      .locator('iframe.webview.ready:visible')
      .first()
      .contentFrame()
      .locator('iframe#active-frame')
      .contentFrame();
    await view.locator('#app[data-rendered]').waitFor({ state: 'attached', timeout });
    const charts = view.locator('figure.chart');
    await view
      .locator('figure.chart[data-rendered="true"]')
      .nth(METRICS.length / 2 - 1)
      .waitFor({ timeout });
    return charts.evaluateAll((els: { getAttribute(name: string): string | null }[]) =>
      els.map((e) => e.getAttribute('data-draws') ?? '?'),
    );
  }

  it('switches between the two dashboards, each chart drawn once per switch', async () => {
    await open(runs[0].id);
    await open(runs[1].id);
    const times: number[] = [];
    let draws: string[] = [];
    for (let i = 0; i < 4; i++) {
      const target = runs[i % 2].id;
      const started = Date.now();
      await page.locator('.tabs-container .tab', { hasText: target }).first().click();
      await page.locator('.tabs-container .tab.active', { hasText: target }).waitFor();
      draws = await drawn();
      times.push(Date.now() - started);
    }
    console.log(
      `tab switch → every chart drawn: ${times.join(', ')} ms (load average ${loadavg()[0].toFixed(1)}); draws per chart after the last switch: ${draws.join(',')}`,
    );
    assert.ok(
      draws.every((d) => d === '1'),
      `each chart is drawn once when its tab is shown again: ${draws.join(',')}`,
    );
  });

  it('stays drawn when one of two dashboards moves to another editor group', async () => {
    await page.locator('.tabs-container .tab', { hasText: runs[0].id }).first().click();
    await drawn();
    await runCommand(page, 'View: Move Editor into Next Group');
    await page.locator('.editor-group-container').nth(1).waitFor({ timeout: 30_000 });
    const moved = page
      .locator('.editor-group-container')
      .nth(1)
      .locator('.tab.active', { hasText: runs[0].id });
    await moved.waitFor({ timeout: 30_000 });
    // Each group shows a dashboard now (the moved one, and the other in the first group): both drawn.
    const frames = page.locator('iframe.webview.ready:visible');
    let counts: number[] = [];
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      counts = [];
      for (let i = 0; i < (await frames.count()); i++) {
        const view = frames.nth(i).contentFrame().locator('iframe#active-frame').contentFrame();
        counts.push(
          await view
            .locator('figure.chart[data-rendered="true"]:has(svg, canvas)')
            .count()
            .catch(() => 0),
        );
      }
      if (counts.length === 2 && counts.every((n) => n >= METRICS.length / 2)) {
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    await page.screenshot({ path: join(RESULTS_DIR, 'dashboard-moved.png') });
    assert.equal(counts.length, 2, 'two dashboards visible, one per group');
    assert.ok(
      counts.every((n) => n >= METRICS.length / 2),
      `charts drawn per visible dashboard: ${counts.join(', ')}`,
    );
  });
});
