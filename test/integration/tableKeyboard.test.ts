/**
 * The experiments table from the keyboard alone, as the ARIA grid pattern has it (webviews/table/gridKeys.ts):
 * a run's star is reached from its box with ArrowRight and toggled with Space or Enter, sending what a
 * click sends. In headless Chromium under the extension's CSP.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { DEFAULT_TABLE_LAYOUT, type TableLayout } from '../../src/protocol/table';
import { TableModel } from '../../webviews/table/model';
import { chromiumSkipReason } from '../helpers/chromium';
import { atRest, openTable, tableDataOf } from '../helpers/tableGrid';
import { chromiumView, until } from '../helpers/webviewPage';
import { run } from '../unit/compare/runs';

const dir = mkdtempSync(join(tmpdir(), 'xlens-table-keyboard-'));

/** Forty runs, more than the view shows, each with its own val_accuracy. */
function records() {
  return Array.from({ length: 40 }, (_, i) =>
    run(`20261208T10${String(i).padStart(2, '0')}00Z-000003${String(i).padStart(2, '0')}`, {
      params: { lr: 0.001 * ((i % 7) + 1), epochs: 10 + i },
      metrics: { val_accuracy: [0.5, 0.6 + ((i * 7) % 31) / 100] },
    }),
  );
}

/**
 * In the page: what holds the focus: `grid`, `box <run id>` or `star <run id>` (a run row's box or star,
 * by the run it shows), `head <column key>`, `select-all`, or the element's tag.
 */
const FOCUS = `(() => {
  const active = document.activeElement;
  const run = () => active.closest('.row').querySelector('.row-check').getAttribute('aria-label').replace('Select run ', '');
  if (active?.classList.contains('grid')) return 'grid';
  if (active?.classList.contains('row-check')) return 'box ' + run();
  if (active?.classList.contains('star-toggle')) return 'star ' + run();
  if (active?.matches('.grid-header .cell.head')) return 'head ' + active.dataset.key;
  if (active?.closest('.grid-header') && active.type === 'checkbox') return 'select-all';
  return active?.tagName ?? 'none';
})()`;

/** In the page: the run ids of the run rows wholly in view (under the header's border), top to bottom. */
const RUNS_IN_VIEW = `(() => {
  const grid = document.querySelector('.grid').getBoundingClientRect();
  const below = document.querySelector('.grid-header').getBoundingClientRect().bottom;
  return [...document.querySelectorAll('.grid-body > .row.run')]
    .map((row) => ({ row, box: row.getBoundingClientRect() }))
    .filter(({ box }) => box.top >= below - 1.5 && box.bottom <= grid.bottom + 0.5)
    .sort((a, b) => a.box.top - b.box.top)
    .map(({ row }) => row.querySelector('.row-check').getAttribute('aria-label').replace('Select run ', ''));
})()`;

/** The display order of `layout`'s runs as the table's own model has it. */
function displayOrder(data: ReturnType<typeof tableDataOf>, layout: TableLayout): string[] {
  return new TableModel(data, layout)
    .displayItems()
    .flatMap((d) => (d.kind === 'run' ? [data.runIds[d.row]] : []));
}

async function focusOf(page: Page): Promise<string> {
  return page.evaluate<string>(FOCUS);
}

describe('experiments table from the keyboard', { skip: chromiumSkipReason() }, () => {
  const chromium = chromiumView('table', dir);

  it("toggles a run's star from its row: ArrowRight from the box, Space or Enter, the message a click sends", async () => {
    const data = tableDataOf(records());
    const layout = { ...DEFAULT_TABLE_LAYOUT, grouped: false };
    const h = await openTable(chromium, dir, data, layout);
    const { page } = h;
    await atRest(page);
    const order = await page.evaluate<string[]>(RUNS_IN_VIEW);
    const [first, second] = [order[1], order[2]];
    const star = (id: string) =>
      page
        .locator('.grid-body .row.run', { has: page.locator(`.row-check[aria-label="Select run ${id}"]`) })
        .locator('.star-toggle');

    await page.locator(`.row-check[aria-label="Select run ${first}"]`).focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await focusOf(page), `star ${first}`, 'ArrowRight goes from the box to the star');
    assert.equal(await star(first).getAttribute('aria-pressed'), 'false');
    assert.equal(await star(first).getAttribute('aria-label'), `Star run ${first}`);
    await page.keyboard.press('ArrowRight');
    assert.equal(await focusOf(page), `star ${first}`, 'nothing right of the star');

    // Space stars it, a click unstars it, Enter stars it again: the same messages, the star keeps the focus.
    const annotations = async (count: number) => {
      await until(page, `window.__posted.filter((m) => m.type === 'table/annotate').length === ${count}`);
      return (await h.posted()).filter((m) => m.type === 'table/annotate').map((m) => m.payload);
    };
    await page.keyboard.press('Space');
    assert.deepEqual(await annotations(1), [{ runId: first, starred: true, note: '' }]);
    await until(page, `document.activeElement.getAttribute('aria-pressed') === 'true'`);
    assert.equal(await star(first).textContent(), '★');
    assert.equal(await focusOf(page), `star ${first}`);
    await star(first).click();
    await page.keyboard.press('Enter');
    assert.deepEqual(await annotations(3), [
      { runId: first, starred: true, note: '' },
      { runId: first, starred: false, note: '' },
      { runId: first, starred: true, note: '' },
    ]);
    assert.equal(await focusOf(page), `star ${first}`);

    // ArrowDown and ArrowUp keep to the stars; ArrowLeft goes back to the box.
    await page.keyboard.press('ArrowDown');
    assert.equal(await focusOf(page), `star ${second}`);
    await page.keyboard.press('ArrowUp');
    assert.equal(await focusOf(page), `star ${first}`);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await focusOf(page), `box ${second}`);
    await page.keyboard.press('ArrowLeft');
    assert.equal(await focusOf(page), `box ${second}`, 'nothing left of the box');

    // A filter without the runs above it: the focused star follows its run to its new row.
    await page.keyboard.press('ArrowRight');
    const shown = displayOrder(data, layout);
    const rows = shown.slice(2).map((id) => data.runIds.indexOf(id));
    await h.post({
      type: 'table/filtered',
      payload: { version: 1, query: { expression: 'x', status: '', task: '', text: '' }, rows },
    });
    await until(
      page,
      `document.querySelector('.grid').getAttribute('aria-rowcount') === '${rows.length + 1}'`,
    );
    await atRest(page);
    assert.equal(await focusOf(page), `star ${second}`);
    assert.equal(
      await page.evaluate<string>(`document.activeElement.closest('.row').getAttribute('aria-rowindex')`),
      '2',
      'the first row now',
    );
    assert.deepEqual(await h.viewErrors(), []);
    await page.context().close();
  });
});
