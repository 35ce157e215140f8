/**
 * The experiments table (webviews/table) in headless Chromium under the extension's CSP: 60 runs over two
 * commits with a markup param, a `__proto__` param and a metric named with escape sequences, all shown as
 * text; sorting by a metric (Shift-click adds a key), collapsing a commit group, hiding and pinning a column,
 * selecting runs and posting Compare, a star and an export of the shown rows and columns. While scrolling
 * reuses rows and cells, the ARIA grid positions (`aria-rowindex`, `aria-colindex`) follow the display.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_TABLE_LAYOUT, type TableHostMessage } from '../../src/protocol/table';
import { chromiumSkipReason } from '../helpers/chromium';
import { repoRoot } from '../helpers/reportBundle';
import {
  COVERS_VIEW,
  MISPLACED_CELLS,
  NEXT_FRAMES,
  ROW_GEOMETRY,
  rowsInView,
  type RowInView,
  tableDataOf,
} from '../helpers/tableGrid';
import { openWebview, until, type PostedMessage, chromiumView } from '../helpers/webviewPage';
import { run } from '../unit/compare/runs';

const dir = mkdtempSync(join(tmpdir(), 'xlens-table-webview-'));
const MARKUP = '<img src=x onerror=alert(1)>';
const ESCAPES = 'acc\u001b[31m\\n';

function records() {
  return Array.from({ length: 60 }, (_, i) => {
    const record = run(`20261206T10${String(i).padStart(2, '0')}00Z-0000000${i % 10}`, {
      params: { lr: 0.001 * ((i % 7) + 1), epochs: 10 + i, [MARKUP]: 'x', ['__proto__']: i },
      metrics: { val_accuracy: [0.5, 0.6 + (i % 13) / 100], loss: [1, 0.5 - i / 1000], [ESCAPES]: [i] },
      durationMs: 1000 * (i + 1),
    });
    if (i % 2 === 1) {
      record.git = { ...record.git, commit: 'b'.repeat(40) };
    }
    return record;
  }).reverse();
}

/** In the page: counts the writes of `aria-rowindex` and `aria-colindex` in the grid from now on. */
const COUNT_ARIA_WRITES = `(() => {
  window.__ariaWrites = { row: 0, col: 0 };
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.attributeName === 'aria-rowindex') window.__ariaWrites.row++;
      else window.__ariaWrites.col++;
    }
  }).observe(document.querySelector('.grid'), {
    subtree: true,
    attributeFilter: ['aria-rowindex', 'aria-colindex'],
  });
})()`;

describe(
  'experiments table in headless Chromium under the extension CSP',
  { skip: chromiumSkipReason() },
  () => {
    const chromium = chromiumView('table', dir);

    it('keeps the ARIA grid positions in display order while scrolling reuses rows and cells', async () => {
      const data = tableDataOf(records());
      const h = await openWebview<TableHostMessage>(chromium.browser, chromium.bundle, {
        dir,
        viewport: { width: 900, height: 500 },
      });
      await h.post({ type: 'table/snapshot', payload: { data, layout: DEFAULT_TABLE_LAYOUT } });
      await until(h.page, 'window.__posted.some((m) => m.type === "table/rendered")');
      const grid = h.page.locator('.grid');
      assert.equal(await grid.getAttribute('role'), 'grid');
      // The header row, two commit groups and 60 runs.
      assert.equal(await grid.getAttribute('aria-rowcount'), '63');
      assert.equal(await h.page.locator('.grid-header').getAttribute('aria-rowindex'), '1');
      assert.equal(await h.page.locator('.grid-body').getAttribute('role'), 'rowgroup');

      // Where display item 0 is drawn and a row's height, measured before any scrolling.
      const geometry = await h.page.evaluate<{ offset: number; height: number }>(ROW_GEOMETRY);
      /**
       * After a scroll: its event comes before the next frame's callbacks, the grid draws its canvas tiles in
       * that frame and places its DOM rows in the first frame without a scroll (`aria-busy` until then).
       */
      const drawn = async (): Promise<void> => {
        await h.page.evaluate(NEXT_FRAMES);
        await until(h.page, COVERS_VIEW);
        await until(h.page, '!document.querySelector(".grid").hasAttribute("aria-busy")');
      };
      let reordered = false;
      for (const [top, left] of [
        [500, 0],
        [1100, 700],
        [300, 300],
        [1600, 0],
      ]) {
        await grid.evaluate(
          (el, to) => {
            el.scrollTop = to.top;
            el.scrollLeft = to.left;
          },
          { top, left },
        );
        await drawn();
        const rows = await h.page.evaluate<RowInView[]>(rowsInView(geometry));
        assert.ok(rows.length > 10, `${rows.length} rows in view`);
        assert.deepEqual(
          rows.map((r) => r.aria),
          rows.map((r) => r.display + 2),
          `aria-rowindex of the rows in view at scrollTop ${top}`,
        );
        assert.ok(rows.every((r) => r.role === 'row'));
        assert.deepEqual(await h.page.evaluate<string[]>(MISPLACED_CELLS), [], `cells at scrollLeft ${left}`);
        reordered ||= rows.some((r, i) => i > 0 && r.dom < rows[i - 1].dom);
      }
      assert.ok(reordered, 'scrolling reused rows, so the DOM order differs from the display order');

      // Cheap per frame: a scroll by 3 rows writes the row index of the (at most 3) rows reused, no other.
      await grid.evaluate((el) => {
        el.scrollTop = 300;
        el.scrollLeft = 0;
      });
      await drawn();
      await h.page.evaluate(COUNT_ARIA_WRITES);
      await grid.evaluate((el, by) => {
        el.scrollTop += by;
      }, 3 * geometry.height);
      await drawn();
      const writes = await h.page.evaluate<{ row: number; col: number }>('window.__ariaWrites');
      assert.ok(writes.row >= 1 && writes.row <= 3, `${writes.row} aria-rowindex writes`);
      assert.equal(writes.col, 0, 'no cell changed its column');
      // At the far right, the last column's header carries the column count.
      await grid.evaluate((el) => {
        el.scrollLeft = el.scrollWidth;
      });
      await drawn();
      const last = await h.page.evaluate<number>(
        `Math.max(...[...document.querySelectorAll('.grid-header [role=columnheader]')].map((c) => Number(c.getAttribute('aria-colindex'))))`,
      );
      assert.equal(await grid.getAttribute('aria-colcount'), String(last));
      assert.deepEqual(await h.viewErrors(), []);
      await h.page.context().close();
    });

    it('shows names as text, sorts, groups, pins, selects, compares, stars and exports', async () => {
      const runs = records();
      const data = tableDataOf(runs);
      const h = await openWebview<TableHostMessage>(chromium.browser, chromium.bundle, {
        dir,
        viewport: { width: 1400, height: 700 },
      });
      const posted = async (type: string): Promise<PostedMessage[]> =>
        (await h.posted()).filter((m) => m.type === type);
      await h.post({ type: 'table/snapshot', payload: { data, layout: DEFAULT_TABLE_LAYOUT } });
      await until(h.page, 'window.__posted.some((m) => m.type === "table/rendered")');

      const header = await h.page.locator('.grid-header').innerText();
      assert.ok(header.includes('task') && header.includes('lr'), header);
      // Virtualized: far fewer row elements than runs.
      const rendered = await h.page.locator('.row.run').count();
      assert.ok(rendered > 5 && rendered < 60, `${rendered} rows in the DOM`);
      // The HEAD group comes first.
      assert.match(await h.page.locator('.row.group').first().innerText(), /bbbbbbb \(HEAD\) · 30 runs/);
      // A click on a group's header collapses its runs, another shows them again (the pointer reaches it
      // over the run rows' box).
      const rowCount = await h.page.locator('.grid').getAttribute('aria-rowcount');
      await h.page.locator('.row.group .group-label').first().click();
      await until(
        h.page,
        `document.querySelector('.grid').getAttribute('aria-rowcount') === '${Number(rowCount) - 30}'`,
      );
      await h.page.locator('.row.group .group-label').first().click();
      await until(h.page, `document.querySelector('.grid').getAttribute('aria-rowcount') === '${rowCount}'`);

      // Names from data are text: scroll the columns of the markup, __proto__ and escape names into view.
      await h.page.locator('.grid').evaluate((el) => {
        el.scrollLeft = el.scrollWidth;
      });
      await until(h.page, 'document.querySelector(".grid-header").innerText.includes("__proto__")');
      const names = await h.page.locator('.grid-header').innerText();
      assert.ok(names.includes(MARKUP), 'markup param shown as text');
      assert.ok(
        names.includes(ESCAPES.replace('\u001b', '')) || names.includes(ESCAPES),
        'escape name shown',
      );
      assert.equal(await h.page.locator('img').count(), 0);
      await h.page.locator('.grid').evaluate((el) => {
        el.scrollLeft = 0;
      });

      // Sort by val_accuracy (best first), then Shift-click duration as a second key.
      await h.page.locator('label:has-text("group by commit") input').uncheck();
      await h.page.locator('.cell.head', { hasText: 'val_accuracy' }).click();
      await h.page.locator('.cell.head', { hasText: 'duration' }).click({ modifiers: ['Shift'] });
      await until(
        h.page,
        'window.__posted.some((m) => m.type === "table/layout" && m.payload.sort.length === 2)',
      );
      const layout = (await posted('table/layout')).at(-1)!.payload as typeof DEFAULT_TABLE_LAYOUT;
      assert.deepEqual(layout.sort, [
        { key: 'metrics.val_accuracy', descending: true },
        { key: 'duration', descending: false },
      ]);
      assert.equal(layout.grouped, false);
      const best = Math.max(...runs.map((r) => r.metrics.val_accuracy.last));
      // Display item i is ARIA row i + 2 (rows are reused, so their DOM order is not the display order).
      const row = (i: number) => h.page.locator(`.row.run[aria-rowindex="${i + 2}"]`);
      const firstRow = await row(0).innerText();
      assert.ok(firstRow.includes(String(best)), `${firstRow} starts with the best val_accuracy ${best}`);

      // Select 3 runs (click, Ctrl-click, checkbox) and compare them in the order shown.
      const selectThree = async (): Promise<void> => {
        await row(0).locator('.cell').nth(3).click();
        await row(1)
          .locator('.cell')
          .nth(3)
          .click({ modifiers: ['Control'] });
        await row(2).locator('.row-check').check();
      };
      await selectThree();
      // The header's select-all box says "some" (mixed), then "all" once every shown run is selected.
      const selectAll = h.page.getByRole('checkbox', { name: 'Select all shown runs' });
      const boxState = (): Promise<string> =>
        selectAll.evaluate((box) => {
          const input = box as unknown as { indeterminate: boolean; checked: boolean };
          return input.indeterminate ? 'some' : input.checked ? 'all' : 'none';
        });
      assert.equal(await boxState(), 'some');
      await selectAll.click();
      assert.equal(await boxState(), 'all');
      await selectAll.click();
      assert.equal(await boxState(), 'none');
      await selectThree();
      assert.equal(await boxState(), 'some');
      await h.page.locator('button', { hasText: 'Compare 3' }).click();
      const compare = (await posted('table/compare')).at(-1)!.payload as { runIds: string[] };
      assert.equal(compare.runIds.length, 3);

      // Star the first row.
      await row(0).locator('.star').click();
      const annotate = (await posted('table/annotate')).at(-1)!.payload as { starred: boolean };
      assert.equal(annotate.starred, true);

      // Hide epochs and pin task through the chooser; then export.
      await h.page.locator('button', { hasText: 'Columns…' }).click();
      await h.page.locator('.chooser input[type=search]').fill('params.');
      await h.page
        .locator('.chooser li', { hasText: 'params.epochs' })
        .locator('input[type=checkbox]')
        .uncheck();
      await h.page.locator('.chooser input[type=search]').fill('task');
      await h.page.locator('.chooser li', { hasText: 'task' }).locator('button', { hasText: 'Pin' }).click();
      const pinned = (await posted('table/layout')).at(-1)!.payload as typeof DEFAULT_TABLE_LAYOUT;
      assert.deepEqual(pinned.pinned, ['task']);
      assert.deepEqual(pinned.hidden, ['params.epochs']);
      await h.page.locator('button', { hasText: 'Columns…' }).click();
      await h.page.locator('button', { hasText: 'Export CSV' }).click();
      const exported = (await posted('table/export')).at(-1)!.payload as {
        runIds: string[];
        columns: string[];
      };
      assert.equal(exported.runIds.length, 60);
      assert.equal(exported.columns[0], 'task', 'pinned first');
      assert.ok(!exported.columns.includes('params.epochs'));

      // A filter error from the host shows inline, the character at its column marked.
      await h.page.locator('.expression').fill('val_accuracy > (');
      await until(
        h.page,
        'window.__posted.some((m) => m.type === "table/query" && m.payload.expression === "val_accuracy > (")',
      );
      await h.post({
        type: 'table/filtered',
        payload: {
          version: 1,
          query: { expression: 'val_accuracy > (', status: '', task: '', text: '' },
          rows: null,
          error: { message: 'filter: column 16: "(" is not closed', column: 16 },
        },
      });
      await until(h.page, 'document.querySelector(".filter-error mark.at") !== null');
      // The expression checked, with the character at column 16 marked.
      assert.deepEqual(
        await h.page.evaluate<string[]>(
          `[...document.querySelector('.filter-error pre').childNodes].map((n) => n.textContent)`,
        ),
        ['val_accuracy > ', '(', ''],
      );
      await h.post({
        type: 'table/filtered',
        payload: { version: 1, query: { expression: '', status: '', task: '', text: '' }, rows: [0, 1, 2] },
      });
      await until(h.page, 'document.querySelectorAll(".row.run").length === 3');

      // A note on the one selected run.
      await row(1).locator('.cell').nth(3).click();
      await h.page.locator('.note-bar input').fill('lr too high <b>?</b>');
      await h.page.locator('.note-bar input').press('Enter');
      const note = (await posted('table/annotate')).at(-1)!.payload as { note: string; runId: string };
      assert.equal(note.note, 'lr too high <b>?</b>');

      // A running run's new values arrive as a row update, not a new snapshot.
      const task = data.columns.findIndex((c) => c.key === 'task');
      const values = data.values.map((column) => column[0]);
      values[task] = 'retrained';
      await h.post({
        type: 'table/rows',
        payload: { version: 2, previous: 1, rows: [{ index: 0, values, starred: true, note: '' }] },
      });
      await until(
        h.page,
        '[...document.querySelectorAll(".row.run")].some((r) => r.innerText.includes("retrained"))',
      );

      assert.deepEqual(h.problems.csp, []);
      assert.deepEqual(h.problems.console, []);
      assert.deepEqual(h.problems.page, []);
      assert.deepEqual(h.problems.dialogs, []);
      assert.deepEqual(h.problems.requests, []);
      assert.deepEqual(await h.viewErrors(), []);
      mkdirSync(join(repoRoot, 'test-results'), { recursive: true });
      await h.page.screenshot({ path: join(repoRoot, 'test-results', 'table-view.png') });
      await h.page.context().close();
    });
  },
);
