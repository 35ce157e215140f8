/**
 * The compare view (webviews/compare) in headless Chromium under the extension's CSP: 20 runs of a real
 * Keras training log (each scaled a little, one with a markup param and a spike), every run overlaid per
 * metric with a legend, params that differ marked, deltas against the baseline, and the option controls
 * posting `compare/options` to the host. No CSP violation, console error or network request.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KerasCsvReader } from '../../src/core/metrics/csv/kerasCsv';
import { readAll } from '../../src/core/metrics/readers';
import type { MetricPoint } from '../../src/core/metrics/series';
import { buildCompareSnapshot, type ComparedRunState } from '../../src/features/compare/viewModel';
import { DEFAULT_COMPARE_OPTIONS, type CompareHostMessage } from '../../src/protocol/compare';
import { chromiumSkipReason } from '../helpers/chromium';
import { repoRoot } from '../helpers/reportBundle';
import { openWebview, until, chromiumView } from '../helpers/webviewPage';
import { run } from '../unit/compare/runs';

const dir = mkdtempSync(join(tmpdir(), 'xlens-compare-webview-'));
const KERAS_LOG = join(
  repoRoot,
  'test/fixtures/keras_csv/Aitzaz-Saleem__Detection-of-Tomato-Leaf-Diseases-Using-CNN/training_log.csv',
);

async function runs(count: number): Promise<ComparedRunState[]> {
  const { runs: read } = await readAll(new KerasCsvReader(KERAS_LOG));
  const base = read[0].metrics;
  return Array.from({ length: count }, (_, i) => {
    const series = new Map<string, MetricPoint[]>();
    for (const [name, points] of base) {
      series.set(
        name,
        points.map((p) => ({
          ...p,
          value: i === 5 && p.step === 3 && name === 'loss' ? 40 : p.value * (1 + i / 50),
        })),
      );
    }
    const summaryValues: Record<string, number[]> = {};
    for (const [name, points] of series) {
      summaryValues[name] = points.map((p) => p.value);
    }
    const record = run(`20261206T10${String(i).padStart(2, '0')}00Z-0000000${i % 10}`, {
      params: {
        lr: 0.001 * (i + 1),
        epochs: 20,
        ...(i === 0 ? { note: '<img src=x onerror=alert(1)>' } : {}),
      },
      metrics: summaryValues,
    });
    const sha = (i < 10 ? 'a' : 'b').repeat(64);
    record.data =
      i === 3
        ? []
        : [{ path: 'data/train.csv', sha256: sha, size: 1000, mtime: record.startedAt!, files: 1 }];
    return { record, series };
  });
}

describe('compare view in headless Chromium under the extension CSP', { skip: chromiumSkipReason() }, () => {
  const chromium = chromiumView('compare', dir);

  it('overlays 20 runs per metric, marks differing params, shows deltas and posts option changes', async () => {
    const states = await runs(20);
    const snapshot = buildCompareSnapshot(states, DEFAULT_COMPARE_OPTIONS);
    const h = await openWebview<CompareHostMessage>(chromium.browser, chromium.bundle, {
      dir,
      viewport: { width: 1400, height: 1200 },
    });
    await h.post({ type: 'compare/snapshot', payload: snapshot });
    await until(h.page, 'window.__posted.some((m) => m.type === "compare/rendered")', 60_000);
    assert.equal(
      await h.page.locator('.chart-grid').first().locator('figure[data-rendered="true"]').count(),
      snapshot.charts.length,
    );
    // Parallel coordinates and the scatter, each run drawn: 20 runs.
    const paramSection = h.page.locator('section:has(h2:text("Params → metric"))');
    assert.equal(await paramSection.locator('figure[data-rendered="true"]').count(), 2);
    assert.equal(
      await paramSection
        .locator('figure[data-chart-id="compare:scatter"] [aria-roledescription="point"]')
        .count(),
      20,
    );
    assert.equal(
      await paramSection
        .locator('figure[data-chart-id="compare:parallel"] [aria-roledescription="line mark"]')
        .count(),
      20,
    );
    const data = await h.page.locator('section:has(h2:text("Data")) table').innerText();
    assert.match(data, /data\/train\.csv/);
    assert.match(data, /changed/);
    assert.match(data, /missing/);
    assert.ok(snapshot.charts.length >= 4, `${snapshot.charts.length} charts`);
    const legend = await h.page.locator('.legend').innerText();
    assert.ok(legend.includes('#20 train'), 'the legend names every run, no cap');
    assert.equal(await h.page.locator('.legend li').count(), 20);
    // Hovering a legend entry dims the others.
    await h.page.locator('.legend li').nth(4).hover();
    assert.equal(await h.page.locator('.legend li.dimmed').count(), 19);
    const params = await h.page.locator('section:has(h2:text("Params")) table').innerText();
    assert.match(params, /lr/);
    assert.doesNotMatch(params, /epochs/, 'only differing params by default');
    assert.equal(await h.page.locator('section:has(h2:text("Params")) tbody tr').count(), 20);
    assert.ok(params.includes('<img src=x onerror=alert(1)>'), 'markup shown as text');
    assert.equal(await h.page.locator('img').count(), 0);
    const metrics = await h.page.locator('section:has(h2:text("Metrics")) table').innerText();
    assert.match(metrics, /loss \(↓\)/);
    assert.ok(
      (await h.page.locator('section:has(h2:text("Metrics")) .worse').count()) > 0,
      'deltas are marked',
    );

    await h.page.locator('label:has-text("log y") input').check();
    await until(
      h.page,
      'window.__posted.some((m) => m.type === "compare/options" && m.payload.yScale === "log")',
    );
    await paramSection.locator('label:has-text("scatter x") select').selectOption('epochs');
    await until(
      h.page,
      'window.__posted.some((m) => m.type === "compare/options" && m.payload.param === "epochs")',
    );
    assert.equal(await h.page.locator('button.compare-code').count(), 0, 'Compare Code needs two runs');
    await h.page.locator('label:has-text("group by") select').selectOption('params.lr');
    await until(
      h.page,
      'window.__posted.some((m) => m.type === "compare/options" && m.payload.groupBy === "params.lr")',
    );

    assert.deepEqual(h.problems.csp, []);
    assert.deepEqual(h.problems.console, []);
    assert.deepEqual(h.problems.page, []);
    assert.deepEqual(h.problems.requests, []);
    assert.deepEqual(await h.viewErrors(), []);
    mkdirSync(join(repoRoot, 'test-results'), { recursive: true });
    await h.page.screenshot({ path: join(repoRoot, 'test-results', 'compare-view.png'), fullPage: true });
    await h.page.context().close();
  });

  it('draws the first chart while the host builds the others, keeps it for their snapshot, redraws it for a new one', async () => {
    const states = await runs(6);
    const first = buildCompareSnapshot(states, DEFAULT_COMPARE_OPTIONS, [], { revision: 1, charts: 1 });
    assert.ok(first.pendingCharts >= 3, `${first.pendingCharts} charts pending`);
    const h = await openWebview<CompareHostMessage>(chromium.browser, chromium.bundle, {
      dir,
      viewport: { width: 1400, height: 1200 },
    });
    const rendered = (): Promise<number> =>
      h.page.evaluate<number>('window.__posted.filter((m) => m.type === "compare/rendered").length');
    const firstChart = '.chart-grid figure[data-chart-id="compare:0"]';
    await h.post({ type: 'compare/snapshot', payload: first });
    // The params charts are drawn after the first curves chart: this draw is over.
    await h.page.locator('figure[data-chart-id="compare:scatter"][data-rendered="true"]').waitFor();
    assert.equal(await h.page.locator(`${firstChart}[data-rendered="true"]`).count(), 1);
    assert.equal(
      await h.page.locator('.chart-grid figure.pending[aria-busy="true"]').count(),
      first.pendingCharts,
      'the charts to come hold their places',
    );
    assert.equal(await h.page.locator('section:has(h2:text("Metrics")) tbody tr').count(), 6);
    assert.equal(await rendered(), 0, 'not every chart is drawn yet');
    const mark = (on: string) => `document.querySelector('${firstChart} :is(canvas, svg)')${on}`;
    await h.page.evaluate(mark(".dataset.kept = 'yes'"));

    const whole = buildCompareSnapshot(states, DEFAULT_COMPARE_OPTIONS, [], { revision: 1, after: first });
    await h.post({ type: 'compare/snapshot', payload: whole });
    await until(h.page, 'window.__posted.some((m) => m.type === "compare/rendered")', 60_000);
    assert.equal(
      await h.page.locator('.chart-grid').first().locator('figure[data-rendered="true"]').count(),
      whole.charts.length,
    );
    assert.equal(await h.page.locator('.chart-grid figure.pending').count(), 0);
    assert.equal(
      await h.page.evaluate(mark('?.dataset.kept')),
      'yes',
      'the first chart was kept, not drawn again',
    );
    assert.equal(await rendered(), 1);

    const next = buildCompareSnapshot(states, DEFAULT_COMPARE_OPTIONS, [], { revision: 2 });
    await h.post({ type: 'compare/snapshot', payload: next });
    await until(h.page, 'window.__posted.filter((m) => m.type === "compare/rendered").length === 2', 60_000);
    assert.equal(await h.page.evaluate(mark('?.dataset.kept')), undefined, 'a new revision is drawn anew');
    assert.deepEqual(h.problems.page, []);
    assert.deepEqual(await h.viewErrors(), []);
    await h.page.context().close();
  });

  it('stops a draw a newer snapshot replaced: only the newer revision is reported rendered', async () => {
    const states = await runs(6);
    const older = buildCompareSnapshot(states, DEFAULT_COMPARE_OPTIONS, [], { revision: 1 });
    const newer = buildCompareSnapshot(states, { ...DEFAULT_COMPARE_OPTIONS, smoothing: 0.5 }, [], {
      revision: 2,
    });
    assert.ok(older.charts.length >= 2, `${older.charts.length} charts`);
    const h = await openWebview<CompareHostMessage>(chromium.browser, chromium.bundle, {
      dir,
      viewport: { width: 1400, height: 1200 },
    });
    // Both in one task: the older draw has drawn at most its first chart when the newer arrives (each chart
    // waits for a frame, and the second message is handled before the next frame).
    await h.page.evaluate(
      `window.postMessage(${JSON.stringify({ type: 'compare/snapshot', payload: older })}, '*');
       window.postMessage(${JSON.stringify({ type: 'compare/snapshot', payload: newer })}, '*');`,
    );
    await until(h.page, 'window.__posted.some((m) => m.type === "compare/rendered")', 60_000);
    // Given time to post a stray report of the older draw, were it to finish.
    await h.page.evaluate(
      'new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))',
    );
    const reports = await h.page.evaluate<{ revision: number; charts: number }[]>(
      'window.__posted.filter((m) => m.type === "compare/rendered").map((m) => m.payload)',
    );
    assert.deepEqual(
      reports.map((r) => [r.revision, r.charts]),
      [[2, newer.charts.length + newer.paramCharts.length]],
    );
    assert.equal(
      await h.page.locator('.chart-grid').first().locator('figure[data-rendered="true"]').count(),
      newer.charts.length,
    );
    // The tables the first snapshot lays out after its first chart are laid out by the draw that took over.
    assert.equal(await h.page.locator('section:has(h2:text("Metrics")) tbody tr').count(), 6);
    assert.deepEqual(h.problems.page, []);
    assert.deepEqual(await h.viewErrors(), []);
    await h.page.context().close();
  });

  it('draws the params charts at their width when no run has curves yet (the first chart is one of them)', async () => {
    const states = (await runs(4)).map((s) => ({ ...s, series: new Map() }));
    const snapshot = buildCompareSnapshot(states, DEFAULT_COMPARE_OPTIONS, [], { revision: 1, charts: 1 });
    assert.equal(snapshot.charts.length, 0);
    assert.ok(snapshot.paramCharts.length > 0);
    const h = await openWebview<CompareHostMessage>(chromium.browser, chromium.bundle, {
      dir,
      viewport: { width: 1400, height: 1200 },
    });
    await h.post({ type: 'compare/snapshot', payload: snapshot });
    await until(h.page, 'window.__posted.some((m) => m.type === "compare/rendered")', 60_000);
    const width = await h.page
      .locator('figure[data-chart-id="compare:parallel"] :is(svg, canvas)')
      .first()
      .evaluate(
        (e) => (e as unknown as { getBoundingClientRect(): { width: number } }).getBoundingClientRect().width,
      );
    assert.ok(width > 600, `the parallel coordinates chart is ${width} px wide`);
    await h.page.context().close();
  });
});
