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
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  DEFAULT_TABLE_LAYOUT,
  type TableData,
  type TableHostMessage,
  type TableLayout,
} from '../../src/protocol/table';
import { TableModel, cellText, columnWidth } from '../../webviews/table/model';
import { chromiumSkipReason } from '../helpers/chromium';
import {
  COVERS_VIEW,
  MISPLACED_CELLS,
  NEXT_FRAMES,
  atRest,
  openTable,
  ROW_GEOMETRY,
  rowsInView,
  type RowInView,
  pixelAt,
  showFiltered,
  tableDataOf,
} from '../helpers/tableGrid';
import { openWebview, until, chromiumView } from '../helpers/webviewPage';
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

/** A drawn run row in view as the page shows it: its run, ARIA row index, star, selection and cells. */
interface ShownRow {
  runId: string;
  aria: number;
  star: string;
  checked: boolean;
  selected: string | null;
  /** ARIA column index, text and class of each cell after the selection box and the star. */
  cells: [number, string, string][];
}

/** In the page: the rendered run rows in view, top to bottom, with their cells. */
const SHOWN_ROWS = `(() => {
  const grid = document.querySelector('.grid').getBoundingClientRect();
  const below = document.querySelector('.grid-header').getBoundingClientRect().bottom;
  return [...document.querySelectorAll('.grid-body > .row.run')]
    .map((row) => ({ row, box: row.getBoundingClientRect() }))
    .filter(({ box }) => box.bottom > below && box.top < grid.bottom)
    .sort((a, b) => a.box.top - b.box.top)
    .map(({ row }) => ({
      runId: row.querySelector('.row-check').getAttribute('aria-label').replace('Select run ', ''),
      aria: Number(row.getAttribute('aria-rowindex')),
      star: row.querySelector('.cell.star').textContent,
      checked: row.querySelector('.row-check').checked,
      selected: row.getAttribute('aria-selected'),
      cells: [...row.querySelectorAll('[role=gridcell]')]
        .filter((cell) => Number(cell.getAttribute('aria-colindex')) > 2)
        .map((cell) => [Number(cell.getAttribute('aria-colindex')), cell.textContent, cell.className]),
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
 * Checks every run row in view against `data` and the selected runs: each cell's text and number class
 * are its run's value in the column of its header, the star and the selection are its run's; rows stand in
 * display order under their ARIA row index, cells under their column's header (same left and width).
 * Returns the run ids shown, top to bottom.
 */
async function checkShown(
  page: Page,
  data: TableData,
  selected: ReadonlySet<string>,
  geometry: { offset: number; height: number },
): Promise<string[]> {
  const keys = new Map(await page.evaluate<[number, string][]>(HEADER_KEYS));
  const shown = await page.evaluate<ShownRow[]>(SHOWN_ROWS);
  assert.ok(shown.length > 8, `${shown.length} rows in view`);
  let checked = 0;
  for (const row of shown) {
    const index = data.runIds.indexOf(row.runId);
    assert.ok(index >= 0, row.runId);
    assert.equal(row.star, data.starred[index] ? '★' : '☆', `${row.runId} star`);
    assert.equal(row.checked, selected.has(row.runId), `${row.runId} checked`);
    assert.equal(row.selected, String(selected.has(row.runId)), `${row.runId} aria-selected`);
    for (const [col, text, className] of row.cells) {
      const key = keys.get(col);
      const column = data.columns.findIndex((c) => c.key === key);
      if (key === undefined || column < 0) {
        continue;
      }
      const value = data.values[column][index];
      assert.equal(text, cellText(data.columns[column], value), `${row.runId} ${key}`);
      assert.equal(
        className.split(' ').includes('num'),
        typeof value === 'number',
        `${row.runId} ${key} class`,
      );
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

/** Whether the pixel at `point` shows the hover band (red, as set by the test) or not, from a screenshot. */
async function bandAt(page: Page, point: { x: number; y: number }): Promise<'hover' | 'other'> {
  const [r, g, b] = await pixelAt(page, point);
  return r > 150 && g < 60 && b < 60 ? 'hover' : 'other';
}

/** In the page: what holds the focus: `grid`, `box <run id>` (a row's checkbox) or the element's tag. */
const FOCUS = `(() => {
  const active = document.activeElement;
  if (active?.classList.contains('grid')) return 'grid';
  if (active?.classList.contains('row-check')) return 'box ' + active.getAttribute('aria-label');
  if (active?.closest('.grid-header') && active.type === 'checkbox') return 'select-all';
  if (active?.closest('.chooser li')) return 'chooser ' + active.closest('li').dataset.key + ' ' + active.dataset.control;
  return active?.tagName ?? 'none';
})()`;

describe('experiments table keeps its rows', { skip: chromiumSkipReason() }, () => {
  const chromium = chromiumView('table', dir);

  it('through a sort, new values, a filter, grouping and a new column order, writing what each row now shows', async () => {
    const data = tableDataOf(records());
    const h = await openWebview<TableHostMessage>(chromium.browser, chromium.bundle, {
      dir,
      viewport: { width: 1100, height: 520 },
    });
    const page = h.page;
    const flat = { ...DEFAULT_TABLE_LAYOUT, grouped: false };
    await page.evaluate(
      `document.documentElement.style.setProperty('--vscode-list-hoverBackground', 'rgb(200, 0, 0)')`,
    );
    await h.post({ type: 'table/snapshot', payload: { data, layout: flat } });
    await until(page, 'window.__posted.some((m) => m.type === "table/rendered")');
    await settled(page);
    const geometry = await page.evaluate<{ offset: number; height: number }>(ROW_GEOMETRY);
    // Two runs selected with their checkboxes.
    const selected = new Set<string>();
    for (const n of [1, 4]) {
      const box = page.locator('.grid-body .row.run[aria-rowindex="' + (n + 2) + '"] .row-check');
      selected.add((await box.getAttribute('aria-label'))!.replace('Select run ', ''));
      await box.check();
    }
    await settled(page);
    const unsorted = await checkShown(page, data, selected, geometry);
    const accuracy = data.columns.findIndex((c) => c.key === 'metrics.val_accuracy');
    const loss = data.columns.findIndex((c) => c.key === 'metrics.loss');

    // Sort by val_accuracy, best first.
    assert.ok((await page.evaluate<number>(MARK_ROWS)) > 8);
    await page.locator('.cell.head[data-key="metrics.val_accuracy"]').click();
    await settled(page);
    assert.equal(await page.evaluate<number>(NEW_ROWS), 0, 'every drawn row was kept');
    const sorted = await checkShown(page, data, selected, geometry);
    assert.notDeepEqual(sorted, unsorted);
    const values = sorted.map((id) => data.values[accuracy][data.runIds.indexOf(id)] as number);
    assert.deepEqual(
      values,
      [...values].sort((a, b) => b - a),
      'best first',
    );

    // New values of loss (its aggregate changed; some runs have none): the rows keep their runs, and the
    // focused checkbox its focus.
    const focused = sorted[2];
    await page.locator(`.row-check[aria-label="Select run ${focused}"]`).focus();
    const losses = data.values[loss].map((v, i) => (i % 5 === 0 ? null : typeof v === 'number' ? v * 3 : v));
    await h.post({
      type: 'table/column',
      payload: { version: 1, column: data.columns[loss], values: losses },
    });
    data.values[loss] = losses;
    await settled(page);
    assert.equal(await page.evaluate<number>(NEW_ROWS), 0);
    assert.deepEqual(await checkShown(page, data, selected, geometry), sorted);
    assert.equal(await page.evaluate<string>(FOCUS), `box Select run ${focused}`);

    // The pointer over a row: its band is drawn on the canvas under its free cells, and still after an
    // update keeps the row (no pointer event comes for it then).
    const spot = await page.evaluate<{ x: number; y: number }>(`(() => {
      const row = document.querySelector('.grid-body > .row.run[aria-rowindex="6"]').getBoundingClientRect();
      return { x: document.querySelector('.grid-header .lead').getBoundingClientRect().right + 30, y: row.top + 1 };
    })()`);
    await page.mouse.move(spot.x, spot.y + 10);
    await settled(page);
    assert.equal(await bandAt(page, spot), 'hover', "the hovered row's band");
    await h.post({
      type: 'table/column',
      payload: { version: 1, column: data.columns[loss], values: losses },
    });
    await settled(page);
    assert.equal(await bandAt(page, spot), 'hover', "the hovered row's band after an update");

    // A filter without the two runs above the focused one: the focus follows its run two rows up.
    const query = { expression: 'x', status: '', task: '', text: '' };
    const above = new Set(sorted.slice(0, 2));
    await h.post({
      type: 'table/filtered',
      payload: { version: 1, query, rows: data.runIds.flatMap((id, i) => (above.has(id) ? [] : [i])) },
    });
    await until(
      page,
      `document.querySelector('.grid').getAttribute('aria-rowcount') === '${data.runIds.length - 1}'`,
    );
    await settled(page);
    assert.equal(await page.evaluate<string>(FOCUS), `box Select run ${focused}`);
    assert.equal(
      await page.evaluate<string>(`document.activeElement.closest('.row').getAttribute('aria-rowindex')`),
      '2',
    );

    // A filter the host answered, without the focused run: fewer rows, those left kept and written again;
    // the row that held the focus shows another run, and that run is not shown: the grid takes the focus.
    const rows = data.runIds.flatMap((id, i) => (i % 3 === 0 && id !== focused ? [i] : []));
    await showFiltered(h, rows);
    await settled(page);
    assert.equal(await page.evaluate<number>(NEW_ROWS), 0);
    const filtered = await checkShown(page, data, selected, geometry);
    assert.ok(filtered.every((id) => rows.includes(data.runIds.indexOf(id))));
    assert.equal(await page.evaluate<string>(FOCUS), 'grid');

    // Scrolled across and down: the kept rows' free cells follow the columns in view.
    await page.locator('.grid').evaluate((el) => {
      el.scrollLeft = 400;
      el.scrollTop = 200;
    });
    await settled(page);
    await checkShown(page, data, selected, geometry);

    // Grouped by commit: group header rows take places run rows held.
    await page.evaluate(MARK_ROWS);
    await page.locator('label:has-text("group by commit") input').check();
    await settled(page);
    assert.ok((await page.locator('.grid-groups > .row.group').count()) > 0);
    assert.equal(await page.evaluate<number>(NEW_ROWS), 0);
    await checkShown(page, data, selected, geometry);

    // Through the column chooser, a column moved left past one of its width: rows kept, each cell under
    // its new column. Then past one of another width: the same count and total width, but not the same
    // cells, so every cell must be laid out anew.
    await page.locator('.grid').evaluate((el) => {
      el.scrollLeft = 0;
    });
    await page.locator('button', { hasText: 'Columns…' }).click();
    const columns = data.columns;
    const sameWidth = columns.findIndex(
      (c, i) => i > 0 && c.kind === 'param' && columns[i - 1].kind === 'param',
    );
    const otherWidth = columns.findIndex(
      (c, i) => i > 1 && c.kind === 'attribute' && columnWidth(c) !== columnWidth(columns[i - 1]),
    );
    assert.ok(sameWidth > 0 && otherWidth > 0);
    for (const moved of [sameWidth, otherWidth]) {
      const [a, b] = [columns[moved - 1].key, columns[moved].key];
      const label = columns[moved].kind === 'param' ? `params.${columns[moved].name}` : columns[moved].name;
      await page.evaluate(MARK_ROWS);
      await page.locator('.chooser input[type=search]').fill(label);
      await page
        .locator('.chooser li')
        .filter({ has: page.getByText(label, { exact: true }) })
        .locator('button', { hasText: '↑' })
        .click();
      await until(
        page,
        `(() => { const col = new Map(${HEADER_KEYS}.map(([c, k]) => [k, c]));
          return col.get('${b}') < col.get('${a}'); })()`,
      );
      await settled(page);
      if (moved === sameWidth) {
        assert.equal(await page.evaluate<number>(NEW_ROWS), 0, `${b} moved before ${a}`);
      }
      await checkShown(page, data, selected, geometry);
    }
    assert.deepEqual(await h.viewErrors(), []);
    await page.context().close();
  });

  it('keeps keyboard focus and a Shift-click range on the runs, not on the reused rows', async () => {
    const data = tableDataOf(records());
    const h = await openWebview<TableHostMessage>(chromium.browser, chromium.bundle, {
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

    // Scrolled down far enough that rows were reused: ArrowDown and ArrowUp go down and up the display order.
    // (A jump of 37 rows: every row drawn left the view, and the spares took the new places in reverse.)
    await page.locator('.grid').evaluate((el) => {
      el.scrollTop = 888;
    });
    await settled(page);
    const order = (await page.evaluate<ShownRow[]>(SHOWN_ROWS)).map((r) => r.runId);
    await page.locator(`.row-check[aria-label="Select run ${order[1]}"]`).focus();
    for (const [key, at] of [
      ['ArrowDown', 2],
      ['ArrowDown', 3],
      ['ArrowDown', 4],
      ['ArrowDown', 5],
      ['ArrowUp', 4],
      ['ArrowUp', 3],
    ] as const) {
      await page.keyboard.press(key);
      assert.equal(await page.evaluate<string>(FOCUS), `box Select run ${order[at]}`, `${key} to row ${at}`);
    }
    // The rows are one stop of the Tab order: Tab leaves them for what follows the grid, Shift-Tab for the
    // header, from any row (before, Tab from the last run went back to a reused row's box: a trap).
    const leaves = `(() => { const a = document.activeElement; return a.closest('.grid') === null ? 'after' : a.closest('.grid-header') !== null ? 'header' : 'rows'; })()`;
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate<string>(leaves), 'after', 'Tab leaves the rows');
    await page.locator(`.row-check[aria-label="Select run ${order[3]}"]`).focus();
    await page.keyboard.press('Shift+Tab');
    assert.equal(await page.evaluate<string>(leaves), 'header', 'Shift-Tab goes to the header');
    // From the last run: ArrowDown stays, Tab leaves; from the grid, ArrowDown goes to the first row in view.
    await page.locator('.grid').evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await settled(page);
    const end = (await page.evaluate<ShownRow[]>(SHOWN_ROWS)).map((r) => r.runId);
    await page.locator(`.row-check[aria-label="Select run ${end.at(-1)}"]`).focus();
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate<string>(FOCUS), `box Select run ${end.at(-1)}`);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate<string>(leaves), 'after', 'Tab from the last run leaves the rows');
    const whole = await page.evaluate<string>(`(() => {
      const below = document.querySelector('.grid-header').getBoundingClientRect().bottom;
      const rows = [...document.querySelectorAll('.grid-body > .row.run')].filter((r) => r.getBoundingClientRect().top >= below - 0.5);
      rows.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
      return rows[0].querySelector('.row-check').getAttribute('aria-label');
    })()`);
    await page.locator('.grid').focus();
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate<string>(FOCUS), `box ${whole}`, 'the first row wholly in view');
    await page.locator('.grid').evaluate((el) => {
      el.scrollTop = 888;
    });
    await settled(page);

    // A focused select-all box keeps the focus while the header is drawn anew.
    await page.locator('.grid-header input[type=checkbox]').focus();
    const loss = data.columns.findIndex((c) => c.key === 'metrics.loss');
    await h.post({
      type: 'table/column',
      payload: { version: 1, column: data.columns[loss], values: data.values[loss] },
    });
    await settled(page);
    assert.equal(await page.evaluate<string>(FOCUS), 'select-all');

    // From the keyboard: Enter on a header cell sorts by its column, and the cell keeps the focus; Enter and
    // Space on a commit group's header collapse and expand it, and it keeps the focus.
    await page.locator('.cell.head[data-key="params.epochs"]').focus();
    await page.keyboard.press('Enter');
    await until(
      page,
      `window.__posted.some((m) => m.type === 'table/layout' && m.payload.sort[0]?.key === 'params.epochs')`,
    );
    assert.equal(
      await page.evaluate<string | undefined>(`document.activeElement.dataset.key`),
      'params.epochs',
    );
    await page.locator('.grid').evaluate((el) => {
      el.scrollTop = 0;
    });
    await page.locator('label:has-text("group by commit") input').check();
    await settled(page);
    const rowCount = Number(await page.locator('.grid').getAttribute('aria-rowcount'));
    const group = await page.evaluate<string>(
      `document.querySelector('.grid-groups .group-label').textContent`,
    );
    await page.locator('.grid-groups .group-label').first().focus();
    for (const [key, count] of [
      ['Enter', rowCount - 40],
      [' ', rowCount],
    ] as const) {
      await page.keyboard.press(key === ' ' ? 'Space' : key);
      await until(page, `document.querySelector('.grid').getAttribute('aria-rowcount') === '${count}'`);
      await settled(page);
      assert.equal(
        await page.evaluate<string>(
          `document.activeElement.classList.contains('group-label') ? document.activeElement.closest('.row').getAttribute('aria-rowindex') : 'none'`,
        ),
        '2',
        `${key} on ${group}`,
      );
    }
    // Scrolled until its row leaves the view (and is removed), the group's header gives the focus to the
    // grid, not the page.
    await page.locator('.grid').evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await settled(page);
    assert.equal(await page.evaluate<string>(FOCUS), 'grid');
    await page.locator('.grid').evaluate((el) => {
      el.scrollTop = 0;
    });
    await settled(page);
    await page.locator('label:has-text("group by commit") input').uncheck();
    await settled(page);

    // In the column chooser, the control used keeps the focus though the list is drawn anew: ↑ pressed
    // with Enter, an aggregate chosen with the keyboard (and the host's new values of the column).
    await page.locator('button', { hasText: 'Columns…' }).click();
    await page.locator('.chooser input[type=search]').fill('params.');
    const up = page.locator('.chooser li[data-key="params.lr"] [data-control="up"]');
    await up.focus();
    await page.keyboard.press('Enter');
    await until(page, `window.__posted.filter((m) => m.type === 'table/layout').length > 0`);
    assert.equal(await page.evaluate<string>(FOCUS), 'chooser params.lr up');
    await page.locator('.chooser input[type=search]').fill('loss');
    await page.locator('.chooser li[data-key="metrics.loss"] select').focus();
    await page.keyboard.press('ArrowDown');
    await until(page, `window.__posted.some((m) => m.type === 'table/aggregate')`);
    await h.post({
      type: 'table/column',
      payload: { version: 1, column: { ...data.columns[loss], aggregate: 'min' }, values: data.values[loss] },
    });
    await settled(page);
    assert.equal(await page.evaluate<string>(FOCUS), 'chooser metrics.loss aggregate');
    await page.locator('button', { hasText: 'Columns…' }).click();

    // A click anchors a run; after a sort moves it, a Shift-click selects from where the run now is.
    await page.locator('.grid').evaluate((el) => {
      el.scrollTop = 0;
    });
    await settled(page);
    const cellOf = (n: number) =>
      page.locator(`.grid-body > .row.run[aria-rowindex="${n + 2}"] [role=gridcell][aria-colindex="3"]`);
    const anchor = (await page.evaluate<ShownRow[]>(SHOWN_ROWS))[1].runId;
    await cellOf(1).click();
    await page.locator('.cell.head[data-key="params.lr"]').click();
    await until(
      page,
      'window.__posted.some((m) => m.type === "table/layout" && m.payload.sort.length === 1)',
    );
    await settled(page);
    await cellOf(4).click({ modifiers: ['Shift'] });
    const layout = (await h.posted()).filter((m) => m.type === 'table/layout').at(-1)!.payload as TableLayout;
    const items = new TableModel(data, layout)
      .displayItems()
      .flatMap((d) => (d.kind === 'run' ? [data.runIds[d.row]] : []));
    const from = items.indexOf(anchor);
    const expected = items.slice(Math.min(from, 4), Math.max(from, 4) + 1);
    assert.ok(expected.length >= 2 && expected.includes(anchor));
    await page.locator('button', { hasText: 'Compare' }).click();
    await until(page, 'window.__posted.some((m) => m.type === "table/compare")');
    const compared = (await h.posted()).find((m) => m.type === 'table/compare')!.payload as {
      runIds: string[];
    };
    assert.deepEqual([...compared.runIds].sort(), [...expected].sort());

    // One run selected: its note as the host last sent it, unless the user is editing it.
    await cellOf(0).click();
    const one = (await page.evaluate<ShownRow[]>(SHOWN_ROWS))[0].runId;
    const index = data.runIds.indexOf(one);
    const rowsUpdate = (version: number, note: string) =>
      h.post({
        type: 'table/rows',
        payload: {
          version,
          previous: version - 1,
          rows: [{ index, values: data.values.map((v) => v[index]), starred: false, note }],
        },
      });
    const note = page.locator('input.note');
    await rowsUpdate(2, 'from the host');
    await until(page, `document.querySelector('input.note')?.value === 'from the host'`);
    await note.focus();
    await page.keyboard.type(' and mine');
    await rowsUpdate(3, 'again from the host');
    await settled(page);
    assert.equal(await note.inputValue(), 'from the host and mine');
    assert.equal(
      await page.evaluate<boolean>(`document.activeElement === document.querySelector('input.note')`),
      true,
    );
    assert.deepEqual(await h.viewErrors(), []);
    await page.context().close();
  });

  it('counts and compares a run shown in two rows (one id twice) once', async () => {
    const twice = records().slice(0, 3);
    const data = tableDataOf([...twice, { ...twice[0] }]);
    const h = await openWebview<TableHostMessage>(chromium.browser, chromium.bundle, {
      dir,
      viewport: { width: 1100, height: 520 },
    });
    await h.post({
      type: 'table/snapshot',
      payload: { data, layout: { ...DEFAULT_TABLE_LAYOUT, grouped: false } },
    });
    await until(h.page, 'window.__posted.some((m) => m.type === "table/rendered")');
    // Four rows do not cover the view: settled once drawn and not busy.
    await h.page.evaluate(NEXT_FRAMES);
    await until(h.page, '!document.querySelector(".grid").hasAttribute("aria-busy")');
    await h.page.locator(`.row-check[aria-label="Select run ${twice[0].id}"]`).first().check();
    await h.page.locator(`.row-check[aria-label="Select run ${twice[1].id}"]`).check();
    await h.page.locator('button', { hasText: 'Compare 2' }).click();
    await until(h.page, 'window.__posted.some((m) => m.type === "table/compare")');
    const compared = (await h.posted()).find((m) => m.type === 'table/compare')!.payload as {
      runIds: string[];
    };
    assert.deepEqual([...compared.runIds].sort(), [twice[0].id, twice[1].id].sort());
    assert.match(await h.page.locator('.count').innerText(), /, 2 selected$/);
    await h.page.context().close();
  });

  it("keeps a focused header cell its column's while the view scrolls sideways", async () => {
    const wide = Array.from({ length: 12 }, (_, i) =>
      run(`20261207T1100${String(i).padStart(2, '0')}Z-000001${String(i).padStart(2, '0')}`, {
        params: Object.fromEntries(
          Array.from({ length: 60 }, (_, p) => [`p${String(p).padStart(2, '0')}`, i * p]),
        ),
      }),
    );
    const h = await openTable(chromium, dir, tableDataOf(wide), { ...DEFAULT_TABLE_LAYOUT, grouped: false });
    const { page } = h;
    const data = tableDataOf(wide);
    let version = 1;
    // A running run's new values: the header is drawn anew.
    const live = () =>
      h.post({
        type: 'table/rows',
        payload: {
          version: ++version,
          previous: version - 1,
          rows: [
            {
              index: 0,
              values: data.values.map((column) => column[0]),
              starred: version % 2 === 0,
              note: '',
            },
          ],
        },
      });
    // Twelve rows do not cover the view: wait for the grid at rest.
    const rested = () => atRest(page);
    await rested();
    await page.locator('.cell.head[data-key="params.p02"]').focus();
    // Its column leaves the view (header cells of the columns that leave are reused for those that enter),
    // then comes back: the focus stays on a cell of its own column, never on another column's or the page.
    for (const left of [3000, 100_000, 0]) {
      await page.locator('.grid').evaluate((el, x) => {
        el.scrollLeft = x;
      }, left);
      await rested();
      assert.deepEqual(
        await page.evaluate<[string | undefined, boolean]>(
          `[document.activeElement.dataset.key, document.activeElement.matches('.grid-header .cell.head')]`,
        ),
        ['params.p02', true],
        `scrolled to ${left}`,
      );
      // And through an update (live values), which draws the header anew.
      await live();
      await until(page, `document.querySelector('.grid').getAttribute('aria-busy') === null`);
      await page.evaluate(NEXT_FRAMES);
      assert.deepEqual(
        await page.evaluate<[string | undefined, boolean]>(
          `[document.activeElement.dataset.key, document.activeElement.matches('.grid-header .cell.head')]`,
        ),
        ['params.p02', true],
        `an update while scrolled to ${left}`,
      );
    }
    await page.keyboard.press('Enter');
    await until(
      page,
      `window.__posted.some((m) => m.type === 'table/layout' && m.payload.sort[0]?.key === 'params.p02')`,
    );
    assert.deepEqual(await h.viewErrors(), []);
    await page.context().close();
  });

  it('keeps the focus on a group header by its commit when a new run moves the group down', async () => {
    // Three commits, HEAD's first: a new run of HEAD moves the two groups after it one place down.
    const commits = ['c', 'a', 'e'].map((c) => c.repeat(40));
    const withCommit = (i: number, commit: string) => {
      const record = run(`20261207T12${String(i).padStart(2, '0')}00Z-000002${String(i).padStart(2, '0')}`, {
        params: { lr: 0.001 * (i + 1) },
        metrics: { val_accuracy: [0.5, 0.6 + i / 100] },
      });
      record.git = { ...record.git, commit };
      return record;
    };
    const runs = Array.from({ length: 6 }, (_, n) => withCommit(5 - n, commits[n % 3]));
    const h = await openTable(chromium, dir, tableDataOf(runs, commits[0]), {
      ...DEFAULT_TABLE_LAYOUT,
      grouped: true,
    });
    const { page } = h;
    // A few rows do not cover the view: wait for the grid at rest.
    const rested = () => atRest(page);
    await rested();
    const labels = () =>
      page.evaluate<[string, string][]>(`[...document.querySelectorAll('.grid-groups > .row.group')]
        .sort((a, b) => Number(a.getAttribute('aria-rowindex')) - Number(b.getAttribute('aria-rowindex')))
        .map((row) => [row.getAttribute('aria-rowindex'), row.querySelector('.group-label').textContent])`);
    const label = (sha: string) => page.locator('.grid-groups .group-label', { hasText: sha.slice(0, 7) });
    const focused = `document.activeElement.classList.contains('group-label') ? document.activeElement.textContent : ${FOCUS}`;
    assert.deepEqual(
      (await labels()).map(([, text]) => text.match(/[0-9a-f]{7}/)?.[0]),
      commits.map((c) => c.slice(0, 7)),
    );

    // The middle group collapsed, the last one's header focused: the middle one's header is where the last
    // one's will be after the update, so following the place would focus (and Enter toggle) the wrong group.
    await label(commits[1]).click();
    await until(page, `document.querySelector('.grid').getAttribute('aria-rowcount') === '8'`);
    await rested();
    const last = label(commits[2]);
    await last.focus();
    const text = (await last.textContent())!;
    const before = await labels();
    assert.equal(before.at(-1)?.[1], text);

    await h.post({
      type: 'table/snapshot',
      payload: {
        data: tableDataOf([withCommit(6, commits[0]), ...runs], commits[0]),
        layout: { ...DEFAULT_TABLE_LAYOUT, grouped: true },
      },
    });
    await until(page, `document.querySelector('.grid').getAttribute('aria-rowcount') === '9'`);
    await rested();
    const after = await labels();
    assert.deepEqual(
      after.slice(1).map(([at, title]) => [Number(at), title]),
      before.slice(1).map(([at, title]) => [Number(at) + 1, title]),
      'the groups after HEAD moved one place down',
    );
    assert.equal(await page.evaluate<string>(focused), text);

    // Enter collapses the focused group, not the one now at its old place, and its header keeps the focus.
    await page.keyboard.press('Enter');
    await until(page, `document.querySelector('.grid').getAttribute('aria-rowcount') === '7'`);
    await rested();
    assert.equal(await page.evaluate<string>(focused), text.replace('▾', '▸'));
    assert.match((await label(commits[1]).textContent())!, /^▸/);
    assert.deepEqual(await h.viewErrors(), []);
    await page.context().close();
  });
});
