/**
 * The experiments table from the keyboard alone, as the ARIA grid pattern has it (webviews/table/gridKeys.ts):
 * a run's star is reached from its box with ArrowRight and toggled with Space or Enter, sending what a
 * click sends; the header is one Tab stop whose arrow keys go through the columns in column order, however
 * its reused cells lie in the DOM; a row asked for with an arrow key gets the focus though an update
 * arrives before it is drawn. In headless Chromium under the extension's CSP.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { DEFAULT_TABLE_LAYOUT, type TableHostMessage, type TableLayout } from '../../src/protocol/table';
import { TableModel } from '../../webviews/table/model';
import { chromiumSkipReason } from '../helpers/chromium';
import { atRest, openTable, showFiltered, tableDataOf } from '../helpers/tableGrid';
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

/** Twelve runs with sixty params each: far more columns than the view shows. */
function wideRecords() {
  return Array.from({ length: 12 }, (_, i) =>
    run(`20261208T1100${String(i).padStart(2, '0')}Z-000004${String(i).padStart(2, '0')}`, {
      params: Object.fromEntries(
        Array.from({ length: 60 }, (_, p) => [`p${String(p).padStart(2, '0')}`, i * p]),
      ),
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

/** In the page: the header's controls in the Tab order (`tabIndex` 0), as {@link FOCUS} names them. */
const HEADER_STOPS = `[...document.querySelectorAll('.grid-header input, .grid-header .cell.head')]
  .filter((el) => el.tabIndex >= 0)
  .map((el) => (el.matches('.cell.head') ? 'head ' + el.dataset.key : 'select-all'))`;

/** In the page: whether the focused header cell is wholly in the view, right of the pinned part's border. */
const FOCUSED_HEAD_IN_VIEW = `(() => {
  const box = document.activeElement.getBoundingClientRect();
  const lead = document.querySelector('.grid-header .lead').getBoundingClientRect();
  const grid = document.querySelector('.grid');
  const right = grid.getBoundingClientRect().left + grid.clientWidth;
  return box.left >= lead.right - 1.5 && box.right <= right + 0.5;
})()`;

/** The display order of `layout`'s runs as the table's own model has it. */
function displayOrder(data: ReturnType<typeof tableDataOf>, layout: TableLayout): string[] {
  return new TableModel(data, layout)
    .displayItems()
    .flatMap((d) => (d.kind === 'run' ? [data.runIds[d.row]] : []));
}

/**
 * In the page: presses `key` on the focused element while the grid scrolls (its DOM rows not placed yet,
 * so the row the key asks for is not focused at once), and in the same task posts `message` as the host
 * does: the update arrives before the row asked for is drawn. Resolves with the focus right after. The
 * grid scrolls down by a row, which changes the rows' range, so the virtualizer reports it even while it
 * still deems the view scrolling from an earlier scroll (it would not report a pixel then).
 */
function keyThenUpdate(key: string, message: TableHostMessage): string {
  return `new Promise((resolve) => {
    const grid = document.querySelector('.grid');
    const body = document.querySelector('.grid-body');
    const observer = new MutationObserver(() => {
      if (!body.classList.contains('scrolling')) return;
      observer.disconnect();
      document.activeElement.dispatchEvent(new KeyboardEvent('keydown', { key: ${JSON.stringify(key)}, bubbles: true, cancelable: true }));
      const focus = ${FOCUS};
      window.dispatchEvent(new MessageEvent('message', { data: ${JSON.stringify(message)} }));
      resolve(focus);
    });
    observer.observe(body, { attributes: true, attributeFilter: ['class'] });
    grid.scrollTop += 24;
  })`;
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
    await showFiltered(h, rows);
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

  it('makes the header one Tab stop whose arrow keys go through the columns in column order', async () => {
    const data = tableDataOf(wideRecords());
    const layout: TableLayout = { ...DEFAULT_TABLE_LAYOUT, grouped: false, pinned: ['task'] };
    const h = await openTable(chromium, dir, data, layout);
    const { page } = h;
    await atRest(page);
    const keys = new TableModel(data, layout).shownColumns().map((c) => c.column.key);
    assert.equal(keys[0], 'task', 'the pinned column first');
    assert.deepEqual(await page.evaluate<string[]>(HEADER_STOPS), ['select-all']);

    // From the select-all box through twenty-five columns and back: each focused where it is drawn in view,
    // the only stop of the header's Tab order.
    await page.locator('.grid-header input[type=checkbox]').focus();
    await page.keyboard.press('ArrowLeft');
    assert.equal(await focusOf(page), 'select-all', 'nothing left of the select-all box');
    const walk = async (key: 'ArrowRight' | 'ArrowLeft', to: number) => {
      await page.keyboard.press(key);
      const expected = to < 0 ? 'select-all' : `head ${keys[to]}`;
      await until(page, `${FOCUS} === ${JSON.stringify(expected)}`);
      await atRest(page);
      assert.equal(await focusOf(page), expected, `${key} to ${expected}`);
      assert.deepEqual(await page.evaluate<string[]>(HEADER_STOPS), [expected], `${expected} the one stop`);
      if (to > 0) {
        assert.ok(await page.evaluate<boolean>(FOCUSED_HEAD_IN_VIEW), `${expected} in view`);
      }
    };
    for (let to = 0; to < 25; to++) {
      await walk('ArrowRight', to);
    }
    assert.ok(
      (await page.evaluate<number>(`document.querySelector('.grid').scrollLeft`)) > 0,
      'scrolled sideways',
    );
    for (let to = 23; to >= 18; to--) {
      await walk('ArrowLeft', to);
    }

    // Scrolled far sideways and back (the header's cells reused out of column order in the DOM): Tab leaves
    // the header from its stop, Shift-Tab from the rows comes back to that stop, drawn again in view.
    const where = `(() => { const a = document.activeElement; return a.closest('.grid') === null ? 'after' : a.closest('.grid-header') !== null ? 'header' : 'rows'; })()`;
    for (const left of [100_000, 0]) {
      await page.locator('.grid').evaluate((el, x) => {
        el.scrollLeft = x;
      }, left);
      await atRest(page);
      assert.equal(await focusOf(page), `head ${keys[18]}`, `scrolled to ${left}`);
    }
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate<string>(where), 'after', 'Tab leaves the header');
    const firstRun = (await page.evaluate<string[]>(RUNS_IN_VIEW))[0];
    await page.locator(`.row-check[aria-label="Select run ${firstRun}"]`).focus();
    await page.keyboard.press('Shift+Tab');
    assert.equal(await focusOf(page), `head ${keys[18]}`, 'Shift-Tab from the rows');

    // Enter sorts by the focused column and Shift-Enter adds a key, as before; ArrowDown goes to the rows.
    await page.keyboard.press('Enter');
    await until(
      page,
      `window.__posted.some((m) => m.type === 'table/layout' && m.payload.sort[0]?.key === ${JSON.stringify(keys[18])})`,
    );
    await page.keyboard.press('ArrowRight');
    await until(page, `${FOCUS} === ${JSON.stringify(`head ${keys[19]}`)}`);
    await page.keyboard.press('Shift+Enter');
    await until(
      page,
      `window.__posted.some((m) => m.type === 'table/layout' && m.payload.sort.length === 2)`,
    );
    await atRest(page);
    assert.equal(await focusOf(page), `head ${keys[19]}`);
    await page.keyboard.press('ArrowDown');
    assert.match(await focusOf(page), /^box /);
    assert.deepEqual(await h.viewErrors(), []);
    await page.context().close();
  });

  it('keeps a row asked for with an arrow key through an update that comes before it is drawn', async () => {
    const data = tableDataOf(records());
    const accuracy = data.columns.findIndex((c) => c.key === 'metrics.val_accuracy');
    const layout: TableLayout = {
      ...DEFAULT_TABLE_LAYOUT,
      grouped: false,
      sort: [{ key: 'metrics.val_accuracy', descending: true }],
    };
    const h = await openTable(chromium, dir, data, layout);
    const { page } = h;
    await atRest(page);
    const order = displayOrder(data, layout);
    assert.deepEqual((await page.evaluate<string[]>(RUNS_IN_VIEW)).slice(0, 3), order.slice(0, 3));

    // ArrowDown from the third run asks for the fourth; its new value arrives before the row is drawn and
    // sorts it last: the focus goes to the fourth run where it is now, scrolled into view.
    await page.locator(`.row-check[aria-label="Select run ${order[2]}"]`).focus();
    const moved = data.runIds.indexOf(order[3]);
    const before = await page.evaluate<string>(
      keyThenUpdate('ArrowDown', {
        type: 'table/rows',
        payload: {
          version: 2,
          previous: 1,
          rows: [
            {
              index: moved,
              values: data.values.map((column, c) => (c === accuracy ? 0.01 : column[moved])),
              starred: false,
              note: '',
            },
          ],
        },
      }),
    );
    assert.equal(before, `box ${order[2]}`, 'the key pressed while the rows were not drawn');
    await until(page, `${FOCUS} === ${JSON.stringify(`box ${order[3]}`)}`);
    await atRest(page);
    assert.equal(
      await page.evaluate<string>(`document.activeElement.closest('.row').getAttribute('aria-rowindex')`),
      String(order.length + 1),
      'the last row now',
    );
    assert.equal((await page.evaluate<string[]>(RUNS_IN_VIEW)).at(-1), order[3], 'in view');

    // From the top again, ArrowDown asks for the next run, which a filter answered meanwhile leaves out:
    // the grid takes the focus.
    const now = [...order.slice(0, 3), ...order.slice(4), order[3]];
    await page.locator('.grid').evaluate((el) => {
      el.scrollTop = 0;
    });
    await atRest(page);
    await page.locator(`.row-check[aria-label="Select run ${now[0]}"]`).focus();
    const rows = now.filter((id) => id !== now[1]).map((id) => data.runIds.indexOf(id));
    const asked = await page.evaluate<string>(
      keyThenUpdate('ArrowDown', {
        type: 'table/filtered',
        payload: { version: 2, query: { expression: 'x', status: '', task: '', text: '' }, rows },
      }),
    );
    assert.equal(asked, `box ${now[0]}`);
    await until(
      page,
      `document.querySelector('.grid').getAttribute('aria-rowcount') === '${rows.length + 1}'`,
    );
    await atRest(page);
    assert.equal(await focusOf(page), 'grid');
    assert.deepEqual(await h.viewErrors(), []);
    await page.context().close();
  });
});
