/**
 * The drift view (webviews/drift) in headless Chromium, in the page the extension gives it (the strict CSP
 * of src/webview/html.ts, a nonce, no network) with a stand-in for the VS Code webview API: it posts
 * `webview/ready`, draws the snapshot the host would send for the weather example and for a file whose
 * column names and categories hold markup, and reports its charts drawn.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runDrift } from '../../src/core/drift/engine';
import { defaultDriftOptions } from '../../src/core/drift/rules';
import { buildDriftSnapshot } from '../../src/features/drift/viewModel';
import type { DriftHostMessage, DriftSnapshot } from '../../src/protocol/drift';
import { repoRoot } from '../helpers/reportBundle';
import { chromiumSkipReason } from '../helpers/chromium';
import { openWebview, until, type ViewPage, chromiumView, type ChromiumView } from '../helpers/webviewPage';

const XSS = '<img src=x onerror=alert(1)>';
const SCRIPT = '<script>alert(2)</script>';

const dir = mkdtempSync(join(tmpdir(), 'xlens-drift-webview-'));

/** A CSV whose column name and categories are markup, with a clear shift between the two files. */
function markupFiles(): { reference: string; current: string } {
  const rows = (shift: number, labels: string[]): string =>
    Array.from({ length: 80 }, (_, i) => {
      const value = ((i * 37) % 80) / 8 + shift;
      const label = labels[i % labels.length];
      return `${value.toFixed(2)},"${label.replace(/"/g, '""')}",${i % 7}`;
    }).join('\n');
  const header = `"${XSS}",kind,steady\n`;
  const reference = join(dir, 'reference.csv');
  const current = join(dir, 'current.csv');
  writeFileSync(reference, `${header}${rows(0, ['plain', XSS])}\n`);
  writeFileSync(current, `${header}${rows(4, [SCRIPT, XSS, XSS])}\n`);
  return { reference, current };
}

/** The variables VS Code sets on a webview's `<html>` for its Dark Modern theme (those the view reads). */
const DARK_THEME: Record<string, string> = {
  '--vscode-foreground': '#cccccc',
  '--vscode-editor-background': '#1f1f1f',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-orange': '#d18616',
  '--vscode-testing-iconFailed': '#f14c4c',
  '--vscode-font-family': 'system-ui, sans-serif',
};

/** Opens the view, posts `snapshot` as the host does on ready, and waits until its charts are drawn. */
async function openView(
  { browser, bundle }: ChromiumView,
  snapshot: DriftSnapshot,
  theme: Record<string, string> = {},
): Promise<ViewPage<DriftHostMessage>> {
  const view = await openWebview<DriftHostMessage>(browser, bundle, {
    dir,
    theme,
    viewport: { width: 1200, height: 900 },
  });
  await view.post({ type: 'drift/snapshot', payload: snapshot });
  await until(view.page, 'window.__posted.some((m) => m.type === "drift/rendered")');
  return view;
}

describe('drift view in headless Chromium', { skip: chromiumSkipReason() }, () => {
  const chromium = chromiumView('drift', dir);

  it('shows the verdict first, the columns drifted first, sorts by header and draws every chart', async () => {
    const example = join(repoRoot, 'examples/weather-drift/data');
    const report = await runDrift({
      reference: join(example, 'weather-2012.csv'),
      current: join(example, 'weather-2015.csv'),
      referenceName: 'data/weather-2012.csv',
      currentName: 'data/weather-2015.csv',
      options: defaultDriftOptions(),
    });
    const snapshot = buildDriftSnapshot(report, { kind: 'run', runId: 'r-weather', task: 'weather-drift' });
    const { page, posted, problems, viewErrors } = await openView(chromium, snapshot);
    const rendered = (await posted()).find((m) => m.type === 'drift/rendered')!.payload as { charts: number };
    assert.equal(rendered.charts, report.columns.length + 1);
    assert.deepEqual(problems, { console: [], page: [], dialogs: [], requests: [], csp: [] });
    assert.deepEqual(await viewErrors(), []);

    // The verdict is the first thing after the title.
    const verdict = page.locator('#app > header #verdict');
    assert.match(await verdict.innerText(), /Dataset drift detected/);
    assert.match(
      await verdict.innerText(),
      new RegExp(`${report.dataset.drifted} of ${report.dataset.columns} tested columns`),
    );
    const names = (): Promise<string[]> => page.locator('#columns-table tbody td.name').allInnerTexts();
    const verdicts = (): Promise<string[]> =>
      page.evaluate<string[]>(
        "[...document.querySelectorAll('#columns-table tbody tr')].map((r) => r.className)",
      );
    const initial = await verdicts();
    assert.deepEqual(
      initial,
      [...initial].sort((a, b) => (a === b ? 0 : a === 'drifted' ? -1 : 1)),
    );
    assert.deepEqual(
      await names(),
      snapshot.columns.map((c) => c.name),
    );

    // Sort by statistic: ascending, then descending.
    const statistic = (): Promise<number[]> =>
      Promise.resolve(snapshot.columns.map((c) => c.statistic!).sort((a, b) => a - b));
    await page.locator('th[data-key="statistic"] button').click();
    assert.equal(await page.getAttribute('th[data-key="statistic"]', 'aria-sort'), 'ascending');
    const byName = new Map(snapshot.columns.map((c) => [c.name, c.statistic!]));
    assert.deepEqual(
      (await names()).map((n) => byName.get(n)),
      await statistic(),
    );
    await page.locator('th[data-key="statistic"] button').click();
    assert.equal(await page.getAttribute('th[data-key="statistic"]', 'aria-sort'), 'descending');
    assert.deepEqual(
      (await names()).map((n) => byName.get(n)),
      (await statistic()).reverse(),
    );
    await page.locator('#default-order').click();
    assert.deepEqual(
      await names(),
      snapshot.columns.map((c) => c.name),
    );

    for (const column of snapshot.columns) {
      assert.ok(
        (await page.locator(`[data-chart="drift:column:${column.index}"] svg .mark-rect path`).count()) > 0,
        column.name,
      );
    }
    mkdirSync(join(repoRoot, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(repoRoot, 'test-results', 'drift-view-weather.png'), fullPage: true });
    await page.context().close();
  });

  it('shows column names and categories that hold markup as text', async () => {
    const { reference, current } = markupFiles();
    const report = await runDrift({ reference, current, options: defaultDriftOptions() });
    assert.ok(report.columns.some((c) => c.name === XSS));
    const snapshot = buildDriftSnapshot(report, {
      kind: 'files',
      reference: 'reference.csv',
      current: 'current.csv',
    });
    const { page, problems } = await openView(chromium, snapshot);
    assert.deepEqual(problems, { console: [], page: [], dialogs: [], requests: [], csp: [] });
    // No element was made from the data: the only images are none, the only scripts the view's own.
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.locator('script').count(), 1);
    assert.ok((await page.locator('#columns-table tbody td.name').allInnerTexts()).includes(XSS));
    const kind = report.columns.findIndex((c) => c.name === 'kind');
    const section = page.locator(`#col-${kind}`);
    assert.match(await section.innerText(), /<script>alert\(2\)<\/script> \(\d+\)/);
    assert.match(await section.innerText(), /<img src=x onerror=alert\(1\)> \(\d+\)/);
    // The chart's axis labels are SVG text of the categories.
    const labels = await page.locator(`[data-chart="drift:column:${kind}"] svg text`).allTextContents();
    assert.ok(
      labels.some((t) => t.includes('<script>')),
      labels.join(' | '),
    );
    await page.screenshot({ path: join(repoRoot, 'test-results', 'drift-view-markup.png'), fullPage: true });
    await page.context().close();
  });

  it('names cells that are not numbers, and says "Not tested" when no column could be', async () => {
    const example = join(repoRoot, 'examples/weather-drift/data');
    // The 2015 file with one decimal comma in `wind` (line 5) and every `weather` value missing.
    const lines = readFileSync(join(example, 'weather-2015.csv'), 'utf8').trimEnd().split('\n');
    const edited = lines.map((line, i) => {
      const cells = line.split(',');
      if (i > 0) {
        cells[5] = '';
      }
      if (i === 4) {
        cells[4] = `"${cells[4].replace('.', ',')}"`;
      }
      return cells.join(',');
    });
    const current = join(dir, 'weather-2015-edited.csv');
    writeFileSync(current, `${edited.join('\n')}\n`);
    const options = { ...defaultDriftOptions(), columns: ['wind', 'weather'] };
    const report = await runDrift({
      reference: join(example, 'weather-2012.csv'),
      current,
      currentName: 'edited.csv',
      options,
    });
    const snapshot = buildDriftSnapshot(report, { kind: 'files', reference: 'a', current: 'b' });
    const { page, problems } = await openView(chromium, snapshot);
    assert.deepEqual(problems, { console: [], page: [], dialogs: [], requests: [], csp: [] });
    const wind = page.locator(`#col-${report.columns.findIndex((c) => c.name === 'wind')}`);
    assert.match(
      await wind.innerText(),
      new RegExp(
        `edited\\.csv: 1 value is not a number and counted as missing \\(line 5: "${edited[4].split('"')[1]}"\\)`,
      ),
    );
    assert.match(
      await page.locator('#skipped').innerText(),
      /weather \(categorical\): all 365 values are missing in edited\.csv/,
    );
    await page.context().close();

    const none = await runDrift({
      reference: join(example, 'weather-2012.csv'),
      current,
      currentName: 'edited.csv',
      options: { ...options, columns: ['weather'] },
    });
    const untested = await openView(
      chromium,
      buildDriftSnapshot(none, { kind: 'files', reference: 'a', current: 'b' }),
    );
    const verdict = untested.page.locator('#verdict');
    assert.equal(await verdict.getAttribute('class'), 'verdict not-tested');
    assert.match(
      await verdict.innerText(),
      /^Not tested\s+No column could be tested, so there is no dataset verdict/,
    );
    assert.doesNotMatch(await untested.page.locator('#app').innerText(), /No dataset drift/);
    await untested.page.screenshot({
      path: join(repoRoot, 'test-results', 'drift-view-not-tested.png'),
      fullPage: true,
    });
    await untested.page.context().close();
  });

  it('sorts an infinite statistic above every number, not as missing, and reports rejected promises', async () => {
    // `cylinders` gets a value (5) in the current file that the reference never has: chi-squared is +∞.
    const rows = (n: number, cylinders: number[], shift: number): string =>
      Array.from(
        { length: n },
        (_, i) => `${cylinders[i % cylinders.length]},${((i * 37) % 80) / 8 + shift},${i % 2 ? 'a' : ''}`,
      ).join('\n');
    const reference = join(dir, 'cylinders-reference.csv');
    const current = join(dir, 'cylinders-current.csv');
    writeFileSync(reference, `cylinders,speed,tag\n${rows(90, [4, 6, 8], 0)}\n`);
    writeFileSync(current, `cylinders,speed,tag\n${rows(80, [4, 5, 6, 8], 3)}\n`);
    const report = await runDrift({ reference, current, options: defaultDriftOptions() });
    const snapshot = buildDriftSnapshot(report, { kind: 'files', reference: 'a', current: 'b' });
    const infinite = snapshot.columns.find((c) => c.name === 'cylinders')!;
    assert.equal(infinite.statistic, null);
    const view = await openView(chromium, snapshot);
    const { page } = view;
    const cells = (): Promise<string[]> =>
      page.evaluate<string[]>(
        "[...document.querySelectorAll('#columns-table tbody tr')].map((r) => r.cells[0].textContent + ' ' + r.cells[3].textContent)",
      );
    const byStatistic = [...snapshot.columns]
      .sort((a, b) => (a.statistic ?? Infinity) - (b.statistic ?? Infinity))
      .map((c) => `${c.name} ${c.text.statistic}`);
    assert.equal(byStatistic.at(-1), 'cylinders ∞');
    await page.locator('th[data-key="statistic"] button').click();
    assert.deepEqual(await cells(), byStatistic);
    await page.locator('th[data-key="statistic"] button').click();
    assert.deepEqual(await cells(), [...byStatistic].reverse());
    await page.locator('#default-order').click();
    assert.equal(await page.getAttribute('th[data-key="verdict"]', 'aria-sort'), 'ascending');
    assert.deepEqual(
      await cells(),
      snapshot.columns.map((c) => `${c.name} ${c.text.statistic}`),
    );
    // The page reports what no one handled, as it does errors and CSP violations.
    await page.evaluate("void Promise.reject(new Error('chart promise lost'))");
    await until(page, 'window.__posted.some((m) => m.type === "webview/error")');
    const errors = await view.viewErrors();
    assert.equal(errors.length, 1);
    assert.match(errors[0], /^unhandled rejection: Error: chart promise lost/);
    // The browser sees it uncaught too; nothing else went wrong.
    assert.deepEqual(view.problems, {
      console: [],
      page: ['Error: chart promise lost'],
      dialogs: [],
      requests: [],
      csp: [],
    });
    await page.context().close();
  });

  it('takes its colours from the editor theme', async () => {
    const example = join(repoRoot, 'examples/weather-drift/data');
    const report = await runDrift({
      reference: join(example, 'weather-2012.csv'),
      current: join(example, 'weather-2015.csv'),
      options: defaultDriftOptions(),
    });
    const snapshot = buildDriftSnapshot(report, { kind: 'files', reference: 'a', current: 'b' });
    const { page, problems } = await openView(chromium, snapshot, DARK_THEME);
    assert.deepEqual(problems, { console: [], page: [], dialogs: [], requests: [], csp: [] });
    const colors = await page.evaluate<{ body: string; text: string; axis: string; bar: string }>(`(() => {
      const body = getComputedStyle(document.body);
      const label = document.querySelector('[data-chart="drift:column:1"] svg .role-axis-label text');
      const bar = document.querySelector('[data-chart="drift:column:1"] svg .mark-rect path');
      return { body: body.backgroundColor, text: body.color, axis: label.getAttribute('fill'), bar: bar.getAttribute('fill') };
    })()`);
    assert.deepEqual(colors, {
      body: 'rgb(31, 31, 31)',
      text: 'rgb(204, 204, 204)',
      axis: '#cccccc',
      bar: '#3794ff',
    });
    await page.screenshot({ path: join(repoRoot, 'test-results', 'drift-view-dark.png'), fullPage: true });
    await page.context().close();
  });
});
