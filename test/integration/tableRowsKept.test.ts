/**
 * The experiments table keeps its drawn DOM rows through a sort, a filter, a regrouping and new values of
 * a column (webviews/table/grid.ts `update`): no row element is made anew while the columns keep their
 * widths, and every kept row shows, in display order and under its column's header, exactly the run it
 * now stands for. A kept row does not keep the focus of the run it showed. In headless Chromium under the
 * extension's CSP.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildTableData } from '../../src/features/table/viewModel';
import { DEFAULT_TABLE_LAYOUT, type TableData, type TableHostMessage } from '../../src/protocol/table';
import { cellText } from '../../webviews/table/model';
import { chromiumSkipReason, launchChromium } from '../helpers/chromium';
import {
  COVERS_VIEW,
  MISPLACED_CELLS,
  NEXT_FRAMES,
  ROW_GEOMETRY,
  rowsInView,
  type RowInView,
} from '../helpers/tableGrid';
import { buildViewBundle, openWebview, until } from '../helpers/webviewPage';
import { run } from '../unit/compare/runs';

const dir = mkdtempSync(join(tmpdir(), 'xlens-table-rows-kept-'));

function records() {
  return Array.from({ length: 80 }, (_, i) => {
    const record = run(`20261207T10${String(i).padStart(2, '0')}00Z-000000${String(i).padStart(2, '0')}`, {
      params: { lr: 0.001 * ((i % 7) + 1), epochs: 10 + i, optimizer: i % 3 ? 'adam' : 'sgd' },
      metrics: { val_accuracy: [0.5, 0.6 + ((i * 7) % 31) / 100], loss: [1, 0.5 - i / 1000] },
      durationMs: 1000 * ((i * 11) % 80),
    });
    if (i % 2 === 1) {
      record.git = { ...record.git, commit: 'b'.repeat(40) };
    }
    return record;
  }).reverse();
}

/** A drawn run row in view as the page shows it: its run, ARIA row index and cells by ARIA column index. */
interface ShownRow {
  runId: string;
  aria: number;
  top: number;
  cells: [number, string][];
}

/** In the page: the rendered run rows in view, top to bottom, with their cells' texts. */
const SHOWN_ROWS = `(() => {
  const grid = document.querySelector('.grid').getBoundingClientRect();
  const below = document.querySelector('.grid-header').getBoundingClientRect().bottom;
  return [...document.querySelectorAll('.grid-body > .row.run')]
    .map((row) => ({ row, box: row.getBoundingClientRect() }))
    .filter(({ box }) => box.bottom > below && box.top < grid.bottom)
    .sort((a, b) => a.box.top - b.box.top)
    .map(({ row, box }) => ({
      runId: row.querySelector('.row-check').getAttribute('aria-label').replace('Select run ', ''),
      aria: Number(row.getAttribute('aria-rowindex')),
      top: box.top,
      cells: [...row.querySelectorAll('[role=gridcell]')]
        .filter((cell) => Number(cell.getAttribute('aria-colindex')) > 2)
        .map((cell) => [Number(cell.getAttribute('aria-colindex')), cell.textContent]),
    }));
})()`;

/** In the page: the column key under each ARIA column index of the header. */
const HEADER_KEYS = `[...document.querySelectorAll('.grid-header [role=columnheader]')].map((head) => [Number(head.getAttribute('aria-colindex')), head.dataset.key])`;

/** In the page: how many drawn run rows were not among those marked by {@link MARK_ROWS}. */
const NEW_ROWS = `[...document.querySelectorAll('.grid-body > .row.run')].filter((row) => !window.__kept.has(row)).length`;
const MARK_ROWS = `window.__kept = new Set(document.querySelectorAll('.grid-body > .row.run')); window.__kept.size`;

async function settled(page: Page): Promise<void> {
  await page.evaluate(NEXT_FRAMES);
  await until(page, COVERS_VIEW);
  await until(page, '!document.querySelector(".grid").hasAttribute("aria-busy")');
}

/**
 * Checks every run row in view against `data`: each cell's text is its run's value in the column of its
 * header, rows stand in display order under their ARIA row index, cells under their column's header.
 * Returns the run ids shown, top to bottom.
 */
async function checkShown(page: Page, data: TableData, geometry: { offset: number; height: number }) {
  const keys = new Map(await page.evaluate<[number, string][]>(HEADER_KEYS));
  const shown = await page.evaluate<ShownRow[]>(SHOWN_ROWS);
  assert.ok(shown.length > 8, `${shown.length} rows in view`);
  let checked = 0;
  for (const row of shown) {
    const index = data.runIds.indexOf(row.runId);
    assert.ok(index >= 0, row.runId);
    for (const [col, text] of row.cells) {
      const key = keys.get(col);
      const column = data.columns.findIndex((c) => c.key === key);
      if (key === undefined || column < 0) {
        continue;
      }
      assert.equal(text, cellText(data.columns[column], data.values[column][index]), `${row.runId} ${key}`);
      checked++;
    }
  }
  assert.ok(checked > shown.length * 5, `${checked} cells checked`);
  const rows = await page.evaluate<RowInView[]>(rowsInView(geometry));
  assert.deepEqual(
    rows.map((r) => r.aria),
    rows.map((r) => r.display + 2),
  );
  assert.deepEqual(await page.evaluate<string[]>(MISPLACED_CELLS), []);
  return shown.map((r) => r.runId);
}

describe('experiments table keeps its rows', { skip: chromiumSkipReason() }, () => {
  let browser: Browser;
  let bundle: string;
  before(async () => {
    bundle = await buildViewBundle('table', dir);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  it('through a sort, a filter, grouping and new column values, writing what each row now shows', async () => {
    const data = buildTableData(records(), {
      version: 1,
      head: 'b'.repeat(40),
      aggregates: new Map(),
      annotations: new Map(),
    });
    const h = await openWebview<TableHostMessage>(browser, bundle, {
      dir,
      viewport: { width: 1100, height: 520 },
    });
    const page = h.page;
    await h.post({
      type: 'table/snapshot',
      payload: { data, layout: { ...DEFAULT_TABLE_LAYOUT, grouped: false } },
    });
    await until(page, 'window.__posted.some((m) => m.type === "table/rendered")');
    await settled(page);
    const geometry = await page.evaluate<{ offset: number; height: number }>(ROW_GEOMETRY);
    const unsorted = await checkShown(page, data, geometry);
    const accuracy = data.columns.findIndex((c) => c.key === 'metrics.val_accuracy');

    // Sort by val_accuracy, best first, with a row's checkbox focused.
    assert.ok((await page.evaluate<number>(MARK_ROWS)) > 8);
    await page.locator('.grid-body .row-check').first().focus();
    await page.locator('.cell.head[data-key="metrics.val_accuracy"]').click();
    await settled(page);
    assert.equal(await page.evaluate<number>(NEW_ROWS), 0, 'every drawn row was kept');
    const sorted = await checkShown(page, data, geometry);
    assert.notDeepEqual(sorted, unsorted);
    const values = sorted.map((id) => data.values[accuracy][data.runIds.indexOf(id)] as number);
    assert.deepEqual(
      values,
      [...values].sort((a, b) => b - a),
      'best first',
    );
    assert.equal(
      await page.evaluate<boolean>(`document.querySelector('.grid-body').contains(document.activeElement)`),
      false,
      'the focus left the row that now shows another run',
    );

    // Scrolled across and down: the kept rows' free cells follow the columns in view.
    await page.locator('.grid').evaluate((el) => {
      el.scrollLeft = 400;
      el.scrollTop = 300;
    });
    await settled(page);
    await checkShown(page, data, geometry);

    // A filter the host answered: fewer rows, the rows left kept and written again.
    await page.evaluate(MARK_ROWS);
    const rows = data.runIds.flatMap((_, i) => (i % 3 === 0 ? [i] : []));
    await h.post({
      type: 'table/filtered',
      payload: { version: 1, query: { expression: 'x', status: '', task: '', text: '' }, rows },
    });
    await until(
      page,
      `document.querySelector('.grid').getAttribute('aria-rowcount') === '${rows.length + 1}'`,
    );
    await settled(page);
    assert.equal(await page.evaluate<number>(NEW_ROWS), 0);
    const filtered = await checkShown(page, data, geometry);
    assert.ok(filtered.every((id) => rows.includes(data.runIds.indexOf(id))));

    // Grouped by commit: group header rows take places run rows held.
    await page.locator('label:has-text("group by commit") input').check();
    await settled(page);
    assert.ok((await page.locator('.grid-groups > .row.group').count()) > 0);
    await checkShown(page, data, geometry);

    // New values of val_accuracy (its aggregate changed): the kept rows show them.
    await page.evaluate(MARK_ROWS);
    const values2 = data.values[accuracy].map((v) => (typeof v === 'number' ? Math.round(v * 1e4) / 7 : v));
    await h.post({
      type: 'table/column',
      payload: { version: 1, column: data.columns[accuracy], values: values2 },
    });
    const changed = { ...data, values: data.values.map((v, i) => (i === accuracy ? values2 : v)) };
    await settled(page);
    assert.equal(await page.evaluate<number>(NEW_ROWS), 0);
    await checkShown(page, changed, geometry);
    assert.deepEqual(await h.viewErrors(), []);
    await page.context().close();
  });
});
