/**
 * The run dashboard (webviews/dashboard) in headless Chromium, in the page the extension gives it: the
 * strict CSP of src/webview/html.ts (nonce, no 'unsafe-inline', no 'unsafe-eval'), no network, a
 * stand-in for the VS Code webview API. It draws the snapshot the host builds for a real Keras training
 * log (train/validation pairs), with every toolkit component the view uses on screen (status tag,
 * progress ring, button, params data grid, divider), takes a live update and must never trip the CSP or
 * log a console error.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KerasCsvReader } from '../../src/core/metrics/csv/kerasCsv';
import { readAll } from '../../src/core/metrics/readers';
import type { MetricPoint } from '../../src/core/metrics/series';
import type { RunRecord } from '../../src/core/runs/types';
import { buildSnapshot, ChartTracker, type RunState } from '../../src/features/dashboard/viewModel';
import type { DashboardHostMessage } from '../../src/protocol/dashboard';
import { repoRoot } from '../helpers/reportBundle';
import { chromiumSkipReason } from '../helpers/chromium';
import { openWebview, until, type ViewPage, chromiumView, type ChromiumView } from '../helpers/webviewPage';

const dir = mkdtempSync(join(tmpdir(), 'xlens-dashboard-webview-'));
/** A real Keras `CSVLogger` file with `loss`/`val_loss` and `accuracy`/`val_accuracy` columns. */
const KERAS_LOG = join(
  repoRoot,
  'test/fixtures/keras_csv/Aitzaz-Saleem__Detection-of-Tomato-Leaf-Diseases-Using-CNN/training_log.csv',
);

function record(status: RunRecord['status']): RunRecord {
  return {
    schema: 1,
    id: '20261124T090612Z-7f3a',
    task: 'train',
    kind: 'tfjs-train',
    status,
    createdAt: '2026-11-24T09:06:12.000Z',
    startedAt: '2026-11-24T09:06:12.500Z',
    ...(status === 'running' ? {} : { endedAt: '2026-11-24T09:07:02.500Z', durationMs: 50_000, exitCode: 0 }),
    command: 'built-in trainer',
    cwd: '/ws',
    git: {
      commit: '3f9a2c1d'.padEnd(40, '0'),
      branch: 'main',
      subject: 'Tomato leaf classifier',
      dirty: true,
      snapshot: 'b'.repeat(40),
    },
    params: { 'optimizer.lr': 0.001, epochs: 20, augment: true, note: '<b>not markup</b>' },
    data: [],
    metrics: {},
    artifacts: [],
    info: { backend: 'wasm' },
  };
}

async function openView({ browser, bundle }: ChromiumView): Promise<ViewPage<DashboardHostMessage>> {
  return openWebview<DashboardHostMessage>(browser, bundle, { dir });
}

async function kerasSeries(): Promise<Map<string, MetricPoint[]>> {
  const { runs } = await readAll(new KerasCsvReader(KERAS_LOG));
  assert.equal(runs.length, 1);
  return runs[0].metrics;
}

function state(status: RunRecord['status'], series: Map<string, MetricPoint[]>): RunState {
  const steps = [...series.values()].flatMap((points) => points.map((p) => p.step));
  return {
    runId: '20261124T090612Z-7f3a',
    record: record(status),
    series,
    lastStep: steps.length > 0 ? Math.max(...steps) : null,
    log: { lines: ['Epoch 1/20', '<script>alert(1)</script>'], truncated: false },
    warnings: [],
    missing: false,
  };
}

describe('run dashboard in headless Chromium under the extension CSP', { skip: chromiumSkipReason() }, () => {
  const chromium = chromiumView('dashboard', dir);

  it('draws a running run with every toolkit component and a live update without a CSP violation or console error', async () => {
    const full = await kerasSeries();
    assert.ok(full.has('loss') && full.has('val_loss'), [...full.keys()].join(', '));
    // The run so far: the first half of each series; the rest arrives as an update.
    const half = new Map(
      [...full].map(([name, points]) => [name, points.slice(0, Math.ceil(points.length / 2))]),
    );
    // A metric recorded once so far (an evaluation after the first half): a result card, not a chart.
    const lastHalfStep = Math.max(...half.get('loss')!.map((p) => p.step));
    half.set('eval/precision_macro', [{ step: lastHalfStep, value: 0.8125 }]);
    full.set('eval/precision_macro', [
      { step: lastHalfStep, value: 0.8125 },
      { step: lastHalfStep + 1, value: 0.84 },
    ]);
    const h = await openView(chromium);
    await h.post({ type: 'dashboard/snapshot', payload: buildSnapshot(state('running', half)) });
    await until(h.page, 'window.__posted.some((m) => m.type === "dashboard/rendered")');
    assert.deepEqual(await h.page.locator('#charts .result-card').allInnerTexts(), [
      `eval/precision_macro\n0.8125\nstep ${lastHalfStep}`,
    ]);
    assert.equal(await h.page.locator('[data-chart-id="metric:precision_macro"]').count(), 0);

    // Every toolkit element the dashboard uses is on the page and upgraded (has its shadow root).
    for (const element of ['vscode-progress-ring', 'vscode-button', 'vscode-data-grid']) {
      const upgraded = await h.page.evaluate<boolean>(
        `[...document.querySelectorAll('${element}')].some((e) => e.shadowRoot !== null)`,
      );
      assert.ok(upgraded, `${element} is rendered`);
    }
    const paramCells = await h.page.locator('#params vscode-data-grid-cell').allInnerTexts();
    assert.ok(paramCells.includes('<b>not markup</b>'), paramCells.join(' | '));
    assert.match(await h.page.locator('[data-field="status"]').innerText(), /running/i);

    // The rest of the run lands: the tracker's update, then the run ends.
    const tracker = new ChartTracker();
    tracker.reset(half);
    const appended = new Map(
      [...full].map(([name, points]) => [name, points.length - half.get(name)!.length]),
    );
    const done = state('succeeded', full);
    // The run ended with its checks evaluated: one passed, one failed (its text is data, not markup;
    // the heading is styled in capitals as the other section headings).
    done.record!.checks = [
      { check: 'val_accuracy >= 0.5', metric: 'val_accuracy', value: 0.91, threshold: 0.5, passed: true },
      {
        check: '"<img src=x onerror=alert(1)>" >= 1',
        value: null,
        threshold: 1,
        passed: false,
        reason: 'metric <img src=x onerror=alert(1)> not recorded by this run',
      },
    ];
    await h.post({
      type: 'dashboard/update',
      payload: {
        ...tracker.diff(full, appended, false),
        header: buildSnapshot(done).header,
        logAppend: ['Epoch 20/20', 'done'],
      },
    });
    await until(
      h.page,
      `document.querySelector('[data-field="status"]')?.textContent.toLowerCase().includes('succeeded')`,
    );
    assert.equal(await h.page.locator('vscode-progress-ring').count(), 0);
    assert.equal(
      await h.page.locator('[data-field="checks"]').innerText(),
      'CHECKS: 1 OF 2 FAILED\n✔ val_accuracy >= 0.5 — 0.91\n✖ "<img src=x onerror=alert(1)>" >= 1: metric <img src=x onerror=alert(1)> not recorded by this run',
    );
    assert.equal(await h.page.locator('[data-field="checks"] img').count(), 0);
    assert.match(await h.page.locator('.log-tail').innerText(), /<script>alert\(1\)<\/script>[\s\S]*done$/);
    // The loss chart now counts every epoch of the log and its line holds one vertex per point.
    const lossPoints = full.get('loss')!.length;
    assert.ok(lossPoints > half.get('loss')!.length);
    await until(
      h.page,
      `document.querySelector('#charts')?.textContent.includes('loss: ${lossPoints} points')`,
    );
    const vertices = await h.page.evaluate<number>(
      `(document.querySelector('#charts svg .mark-line path')?.getAttribute('d') ?? '').split('L').length`,
    );
    assert.equal(vertices, lossPoints);
    // Its second point made the evaluation metric a chart; its card is gone.
    await until(
      h.page,
      `document.querySelector('[data-chart-id="metric:precision_macro"]')?.dataset.rendered === 'true'`,
    );
    assert.equal(await h.page.locator('#charts .result-card').count(), 0);
    assert.equal(await h.page.locator('#charts .results').isHidden(), true);

    // Give late work (the toolkit's deferred styles, vega's resize) a moment to report.
    await h.page.waitForTimeout(300);
    assert.deepEqual(
      { ...h.problems, viewErrors: await h.viewErrors() },
      { console: [], page: [], dialogs: [], requests: [], csp: [], viewErrors: [] },
    );
    mkdirSync(join(repoRoot, 'test-results'), { recursive: true });
    await h.page.screenshot({ path: join(repoRoot, 'test-results', 'dashboard-view.png'), fullPage: true });
    await h.page.context().close();
  });

  it('shown again, draws its saved state once and takes the host snapshot without drawing again', async () => {
    const full = await kerasSeries();
    const half = new Map([...full].map(([name, points]) => [name, points.slice(0, 10)]));
    const saved = buildSnapshot(state('running', half));
    const h = await openWebview<DashboardHostMessage>(chromium.browser, chromium.bundle, {
      dir,
      state: { runId: saved.header.runId, snapshot: saved, scrollY: 0 },
    });
    const figures = h.page.locator('figure.chart');
    await h.page.locator('figure.chart[data-rendered="true"]').first().waitFor();
    const charts = await figures.count();
    assert.ok(charts >= 2, `${charts} charts drawn from the saved state`);
    // The host's snapshot on ready: the same charts, one of them with more points.
    await h.post({ type: 'dashboard/snapshot', payload: buildSnapshot(state('running', full)) });
    await until(h.page, 'window.__posted.some((m) => m.type === "dashboard/rendered")');
    assert.deepEqual(
      await figures.evaluateAll((els: { getAttribute(name: string): string | null }[]) =>
        els.map((e) => e.getAttribute('data-draws')),
      ),
      Array.from({ length: charts }, () => '1'),
      'each chart drawn once',
    );
    const points = await figures.first().getAttribute('data-points');
    assert.ok(
      Object.values(JSON.parse(points ?? '{}') as Record<string, number>).some((n) => n > 10),
      `the snapshot's rows replaced the saved ones: ${points}`,
    );
    assert.deepEqual(h.problems.console, []);
    assert.deepEqual(await h.viewErrors(), []);
    await h.page.context().close();
  });

  it('draws an imported run with no metrics yet and its warnings without a CSP violation or console error', async () => {
    const h = await openView(chromium);
    const imported: RunState = {
      runId: 'keras-csv:/ws/logs/training.log#training.log',
      record: undefined,
      series: new Map(),
      lastStep: null,
      log: { lines: [], truncated: false },
      warnings: ['logs/training.log line 3: <i>not a number</i> in column loss'],
      missing: false,
      imported: {
        source: {
          format: 'keras-csv',
          path: '/ws/logs/training.log',
          relativePath: 'logs/training.log',
          sourceRunId: 'training.log',
          experiment: null,
        },
        key: 'keras-csv:/ws/logs/training.log#training.log',
        name: 'training.log',
        params: { batch_size: 32 },
      },
    };
    await h.post({ type: 'dashboard/snapshot', payload: buildSnapshot(imported) });
    await until(h.page, 'window.__posted.some((m) => m.type === "dashboard/rendered")');
    assert.match(
      await h.page.locator('.empty-note').innerText(),
      /No scalar metrics in these keras-csv logs/,
    );
    assert.equal(await h.page.locator('.warnings li').innerText(), imported.warnings[0]);
    assert.equal(await h.page.locator('vscode-button').count(), 0);
    // A theme change redraws; still nothing blocked.
    await h.page.evaluate(`document.body.classList.add('vscode-dark')`);
    await h.page.waitForTimeout(300);
    assert.deepEqual(
      { ...h.problems, viewErrors: await h.viewErrors() },
      { console: [], page: [], dialogs: [], requests: [], csp: [], viewErrors: [] },
    );
    // The page runs under the strict policy, and the harness does hear a blocked inline style.
    const csp = await h.page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    assert.match(csp ?? '', /style-src file: 'nonce-[^']+';.*script-src 'nonce-[^']+';/);
    assert.doesNotMatch(csp ?? '', /unsafe-inline|unsafe-eval/);
    await h.page.evaluate(`document.body.insertAdjacentHTML('beforeend', '<p style="color: red">x</p>')`);
    await h.page.waitForTimeout(200);
    assert.deepEqual(
      h.problems.csp.map((v) => v.split(' ')[0]),
      ['style-src-attr'],
    );
    await h.page.context().close();
  });
});
