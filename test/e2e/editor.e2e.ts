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
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { MAX_POINTS_PER_SERIES } from '../../src/protocol/dashboard';
import {
  launchBrowser,
  pickRow,
  pollUntil,
  runCommand,
  showExperiments,
  startStallMonitor,
  stopStallMonitor,
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

  /** Drags the sash right of the side bar until the side bar is `width` px wide; returns the old width. */
  async function resizeSideBar(width: number): Promise<number> {
    const box = await page.locator('.part.sidebar').boundingBox();
    if (!box || Math.abs(box.width - width) < 2) {
      return box?.width ?? width;
    }
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width - 1, y);
    await page.mouse.down();
    await page.mouse.move(box.x + width, y, { steps: 10 });
    await page.mouse.up();
    return box.width;
  }

  /** Ids of the runs in the workspace's store, oldest first. */
  function runIds(): string[] {
    try {
      return readdirSync(join(workspace.root, '.xlens', 'runs')).sort();
    } catch {
      return [];
    }
  }

  /** The end of a run's output.log, for failure messages. */
  function outputTail(runId: string | undefined): string {
    try {
      return readFileSync(join(workspace.root, '.xlens', 'runs', runId ?? '', 'output.log'), 'utf8').slice(
        -2000,
      );
    } catch {
      return '(no output.log)';
    }
  }

  /**
   * Waits until a row of `task` in the Runs view shows the succeeded icon. Fails at once, with what the user
   * would see, when the row shows failed or cancelled or the extension raises an error or warning toast.
   */
  async function waitForRunRow(task: string, timeoutMs: number): Promise<void> {
    const rows = page.locator('.monaco-list[aria-label="Runs"] .monaco-list-row', { hasText: task });
    const ended = (icon: string): Promise<number> =>
      rows.filter({ has: page.locator(`.codicon-${icon}`) }).count();
    const toasts = page.locator(
      '.notifications-toasts .notification-toast:has(.codicon-error), .notifications-toasts .notification-toast:has(.codicon-warning)',
    );
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ((await ended('pass')) > 0) {
        return;
      }
      for (const icon of ['error', 'circle-slash']) {
        if ((await ended(icon)) > 0) {
          const id = runIds().at(-1);
          throw new Error(`run ${id} of ${task} ended with icon ${icon}; output:\n${outputTail(id)}`);
        }
      }
      const messages = (await toasts.allTextContents()).filter((t) => /xlens|experiment lens|run/i.test(t));
      if (messages.length > 0) {
        throw new Error(
          `the editor showed: ${messages.join(' | ')}\noutput:\n${outputTail(runIds().at(-1))}`,
        );
      }
      if (Date.now() > deadline) {
        throw new Error(
          `no succeeded ${task} run in the Runs view after ${timeoutMs} ms; runs: ${runIds().join(', ')}`,
        );
      }
      await page.waitForTimeout(500);
    }
  }

  /** The extension's log lines (every extension host of the session, oldest first). */
  function extensionLog(): string {
    const logs = join(server.home, 'user-data', 'logs');
    return readdirSync(logs, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('Experiment Lens.log'))
      .sort()
      .map((f) => readFileSync(join(logs, f), 'utf8'))
      .join('');
  }

  /** Activation times of our code the extension logged, one per extension host, in ms. */
  function activationTimes(): number[] {
    return [...extensionLog().matchAll(/Experiment Lens activated in ([\d.]+) ms/g)].map((m) => Number(m[1]));
  }

  /** Picks `runId` in the Open Run Dashboard quick pick. */
  async function openDashboard(runId: string): Promise<void> {
    const tab = page.locator('.tabs-container .tab', { hasText: runId });
    await attempts(`the dashboard tab of ${runId}`, async () => {
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
      await tab.first().waitFor({ state: 'visible', timeout: 20_000 });
    });
  }

  /**
   * Runs a sequence of UI moves up to 3 times: on a loaded machine a click can land while a list
   * re-renders and be lost. Each attempt ends by waiting for the state the moves should reach.
   */
  async function attempts(what: string, moves: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await moves();
        return;
      } catch (error) {
        if (attempt === 3) {
          throw error;
        }
        console.log(`retrying (${attempt}/3) after no ${what}: ${(error as Error).message.split('\n')[0]}`);
        await page.keyboard.press('Escape');
      }
    }
  }

  it(
    'runs train from the Command Palette; the run turns succeeded in the Runs view',
    { timeout: 5 * 60_000 },
    () =>
      step('train', async () => {
        await showExperiments(page);
        await attempts('new run folder', async () => {
          await runCommand(page, 'Experiment Lens: Run Task…');
          const input = page.locator('.quick-input-widget input');
          await input.waitFor({ state: 'visible' });
          await input.fill('train');
          await pickRow(page, 'train');
          await pollUntil('the run folder of train', 30_000, () => (runIds().length > 0 ? true : undefined));
        });
        await waitForRunRow('train', RUN_TIMEOUT_MS);
        assert.equal(runIds().length, 1);
        // The explorer as a user reads it: a side bar wide enough for the run's description, and the
        // run's tooltip (params and metric summaries) open.
        await resizeSideBar(480);
        await page
          .locator('.monaco-list[aria-label="Runs"] .monaco-list-row', { hasText: 'train' })
          .filter({ has: page.locator('.codicon-pass') })
          .first()
          .hover();
        await page
          .locator('.monaco-hover', { hasText: 'val_accuracy' })
          .first()
          .waitFor({ state: 'visible', timeout: 15_000 })
          .catch(() => console.log('explorer.png: the run tooltip did not show; screenshot without it'));
        await page.screenshot({ path: join(RESULTS_DIR, 'explorer.png') });
        await page.mouse.move(1000, 900);
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
        // Train/validation pairs share a chart; the trainer's final evaluation (eval/accuracy, one point)
        // may join the accuracy chart.
        const charts = [
          { chart: lossChart, series: ['loss', 'val_loss'] },
          { chart: accuracyChart, series: ['accuracy', 'val_accuracy'] },
        ];
        for (const { chart, series } of charts) {
          const listed = ((await chart.getAttribute('data-series')) ?? '').split(',');
          const points = JSON.parse((await chart.getAttribute('data-points')) ?? '{}') as Record<
            string,
            number
          >;
          for (const name of series) {
            assert.ok(listed.includes(name), `chart lists ${name}; it lists ${listed.join(', ')}`);
            assert.ok((points[name] ?? 0) >= 2, `${name} has ${points[name]} points in the chart`);
          }
          // One drawn line per multi-point series: vega's SVG renderer gives each line a path with geometry.
          const lines = (
            await chart
              .locator('g.mark-line path')
              .evaluateAll((els: AttributeHolder[]) => els.map((e) => e.getAttribute('d') ?? ''))
          ).filter((d) => (d.match(/L/g) ?? []).length >= 2);
          assert.ok(lines.length >= series.length, `${series.join('/')}: ${lines.length} drawn lines`);
          for (const name of series) {
            await chart
              .locator('text', { hasText: new RegExp(`^${name}$`) })
              .first()
              .waitFor();
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
        // The view reports its errors (CSP violations included) to the host, which logs them as warnings.
        const viewErrors = extensionLog()
          .split('\n')
          .filter((line) => line.includes('[warning]') && line.includes(`dashboard ${runId}:`));
        assert.deepEqual(viewErrors, [], 'the dashboard reported no errors');
        await page.screenshot({ path: join(RESULTS_DIR, 'dashboard.png') });
      }),
  );

  it(
    'activates its own code within the 50 ms target (median of 3 window loads; printed, not timed)',
    { timeout: 5 * 60_000 },
    () =>
      step('activation', async () => {
        // One sample per extension host: the first window load, then two reloads.
        for (let reload = 1; reload <= 2; reload++) {
          const before = activationTimes().length;
          await runCommand(page, 'Developer: Reload Window');
          await waitForWorkbench(page);
          await pollUntil(`activation #${before + 1} in the extension's log`, 120_000, () =>
            activationTimes().length > before ? true : undefined,
          );
        }
        const samples = activationTimes();
        assert.ok(samples.length >= 3, `activation samples: ${samples.join(', ')}`);
        const median = [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)];
        await runCommand(page, 'Developer: Show Running Extensions');
        const row = page.locator('.runtime-extensions-editor .monaco-list-row', {
          hasText: 'Experiment Lens',
        });
        await row.first().waitFor({ state: 'visible', timeout: 60_000 });
        const editorText = (await row.first().locator('.activation-time').textContent())?.trim() ?? '';
        const load = loadavg()[0].toFixed(1);
        // How each sample splits: evaluating our modules, and activate() itself.
        const parts = [
          ...extensionLog().matchAll(
            /Experiment Lens activated in [\d.]+ ms \((our modules [\d.]+ ms, activate\(\) [\d.]+ ms)/g,
          ),
        ].map((m) => m[1]);
        measurements.activation = { ownCodeMs: samples, medianMs: median, editorReports: editorText, load };
        console.log(
          `activation of our code: median ${median} ms of [${samples.join(', ')}] ms (target ≤ 50 ms); ` +
            `VS Code's Running Extensions (whole extension incl. host work): "${editorText}"; load average ${load}; ` +
            `samples split: ${parts.join('; ')}`,
        );
        await runCommand(page, 'View: Close All Editors');
        await showExperiments(page);
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
        await startStallMonitor(page);
        const started = Date.now();
        await openDashboard(run.id);
        const view = webviewFrame(page);
        await view.locator('#app[data-rendered]').waitFor({ state: 'attached', timeout: 120_000 });
        const firstRenderMs = Date.now() - started;
        const stall = await stopStallMonitor(page);
        // What the host sent, from its own log line for this snapshot.
        const hostLine = await pollUntil(
          "the host's snapshot log line",
          30_000,
          () =>
            new RegExp(
              `dashboard ${run.id}: snapshot of (\\d+) charts, (\\d+) metrics, at most (\\d+) of (\\d+) points per series, built in (\\d+) ms`,
            ).exec(extensionLog()) ?? undefined,
        );
        const [hostShown, hostTotal, hostBuildMs] = [
          Number(hostLine[3]),
          Number(hostLine[4]),
          Number(hostLine[5]),
        ];
        assert.equal(hostTotal, LARGE.steps);
        assert.ok(hostShown <= MAX_POINTS_PER_SERIES, `the host sent ${hostShown} points per series`);
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
          hostPointsPerSeries: hostShown,
          hostSnapshotBuildMs: hostBuildMs,
          commandToChartsDrawnMs: firstRenderMs,
          viewScriptToChartsDrawnMs: viewRenderMs,
          longestWorkbenchStallMs: stall,
          load: loadavg()[0].toFixed(1),
        };
        console.log(
          `dashboard of ${LARGE.metrics} metrics × ${LARGE.steps} steps: host sent ≤ ${hostShown} of ${hostTotal} ` +
            `points per series (snapshot built in ${hostBuildMs} ms), the view holds ≤ ${maxSent}; ` +
            `command → charts drawn ${firstRenderMs} ms (view script → drawn ${viewRenderMs} ms); ` +
            `longest workbench main-thread stall meanwhile ${stall} ms; load average ${loadavg()[0].toFixed(1)}`,
        );
        await page.screenshot({ path: join(RESULTS_DIR, 'dashboard-large.png') });
      }),
  );
});
