/**
 * The experiments table's rows drawn on canvas tiles (webviews/table/gridPaint.ts), which are all the rows
 * show while the grid scrolls, in headless Chromium under the extension's CSP, 400 runs × 80 params, one of
 * them pinned:
 * - after scroll steps of every kind (wheel steps down, right, up and left, a jump far away, back), the
 *   tiles kept and drawn as they entered (the free cells' and the pinned part's) are pixel for pixel the
 *   tiles drawn all anew at the same place;
 * - every text on the tiles lands (through the tile's place on the page) on the DOM cell with that text,
 *   free or pinned, and every DOM cell in view with a text is drawn, within the cell's padding (cut with an
 *   ellipsis where it does not fit);
 * - while it scrolls the grid is `aria-busy` and its DOM rows are not rendered; once the scroll stops they
 *   show the rows in view again;
 * - a selected row's band in the free part is the theme's selection colour, read again on a theme change;
 * - the pinned part drawn on its tiles is, pixel for pixel at points clear of text, the DOM rows' pinned
 *   part: the selection box checked and not, the selected row's band, the background and the border.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { DEFAULT_TABLE_LAYOUT, type TableHostMessage } from '../../src/protocol/table';
import { pixelAt, tableDataOf } from '../helpers/tableGrid';
import { chromiumSkipReason } from '../helpers/chromium';
import { openWebview, until, chromiumView } from '../helpers/webviewPage';
import { run } from '../unit/compare/runs';

const dir = mkdtempSync(join(tmpdir(), 'xlens-table-canvas-'));
/** A fresh value for a CSS variable nothing reads: setting it is a theme change to the page. */
let themeChanges = 0;

function records() {
  return Array.from({ length: 400 }, (_, i) => {
    const params: Record<string, number | string> = Object.create(null);
    for (let p = 0; p < 80; p++) {
      params[`p${String(p).padStart(2, '0')}`] =
        p % 9 === 0 ? `text ${'x'.repeat((i * 7 + p) % 30)} ${i}` : ((i + 1) * (p + 3)) / 7;
    }
    if (i % 10 === 0) {
      // A value far longer than any cell (a pasted config): drawn by its start and an ellipsis.
      params.p01 = `long ${'0123456789 '.repeat(20_000)}`;
    }
    return run(`20261207T${String(1000 + i).padStart(6, '0')}Z-0000000${i % 10}`, {
      params,
      status: i % 6 === 0 ? 'failed' : 'succeeded',
      metrics: { val_accuracy: [0.5, 0.5 + i / 1000] },
    });
  }).reverse();
}

/**
 * In the page: records, for each tile, the texts of the bitmap it shows, in content coordinates (the
 * painter draws a tile on an offscreen canvas whose transform maps content px onto it, so `fillText`'s
 * arguments are content px, then moves the bitmap to the tile).
 */
const SPY = `(() => {
  const proto = OffscreenCanvasRenderingContext2D.prototype;
  const { fillText } = proto;
  const { transferToImageBitmap } = OffscreenCanvas.prototype;
  const { transferFromImageBitmap } = ImageBitmapRenderingContext.prototype;
  window.__texts = new Map();
  const drawing = new Map();
  const bitmaps = new WeakMap();
  proto.fillText = function (text, x, y, ...rest) {
    if (!drawing.has(this.canvas)) drawing.set(this.canvas, []);
    const at = this.getTransform().transformPoint(new DOMPoint(x, y));
    drawing.get(this.canvas).push({ text, px: at.x, py: at.y, width: this.measureText(text).width });
    return fillText.call(this, text, x, y, ...rest);
  };
  OffscreenCanvas.prototype.transferToImageBitmap = function () {
    const bitmap = transferToImageBitmap.call(this);
    bitmaps.set(bitmap, drawing.get(this) ?? []);
    drawing.delete(this);
    return bitmap;
  };
  // A bitmap this page did not make came from the tile worker (drawn with the same code in its own global).
  window.__fromWorker = new Set();
  // The tiles asked of the worker, as tile rows' top edges in content px (8 rows of 24 px under a 30 px header).
  window.__asked = [];
  if (typeof Worker === 'function') {
    const { postMessage } = Worker.prototype;
    Worker.prototype.postMessage = function (order, ...rest) {
      for (const job of order.jobs ?? []) window.__asked.push(30 + job.y * 8 * 24);
      return postMessage.call(this, order, ...rest);
    };
  }
  ImageBitmapRenderingContext.prototype.transferFromImageBitmap = function (bitmap) {
    window.__texts.set(this.canvas, bitmaps.get(bitmap) ?? []);
    if (bitmaps.has(bitmap)) window.__fromWorker.delete(this.canvas); else window.__fromWorker.add(this.canvas);
    return transferFromImageBitmap.call(this, bitmap);
  };
})()`;

/** In the page, before the view's script: keeps the media query lists the page makes, to notify them. */
const WATCH_MEDIA = `(() => {
  const { matchMedia } = window;
  window.__mediaQueries = [];
  window.matchMedia = (query) => {
    const list = matchMedia.call(window, query);
    window.__mediaQueries.push(list);
    return list;
  };
})();`;

/** In the page: how many tiles shown (not spare, in view or in its margin) show a bitmap the tile worker drew. */
const WORKER_TILES = `[...document.querySelectorAll('.grid-paint canvas')]
  .filter((c) => c.style.visibility !== 'hidden' && window.__fromWorker.has(c)).length`;

/**
 * In the page: a steady scroll of `frames` frames by (`dx`, `dy`) px each, one step per animation frame (as
 * a scrollbar drag), so the tile worker draws the tiles ahead of the view. Resolves in the frame after the
 * last step (the scroll's trend still on) with the lowest tile row asked of the worker during the scroll
 * (its top edge in content px, -1 for none) and the view's bottom edge.
 */
const steadyScroll = (dx: number, dy: number, frames: number): string => `new Promise((resolve) => {
  const grid = document.querySelector('.grid');
  window.__asked = [];
  let n = 0;
  const step = () => {
    if (n++ === ${frames}) {
      resolve({ below: Math.max(-1, ...window.__asked), bottom: grid.scrollTop + grid.clientHeight });
      return;
    }
    grid.scrollTop += ${dy};
    grid.scrollLeft += ${dx};
    requestAnimationFrame(step);
  };
  step();
})`;

/** In the page: the tiles shown (not spare), each as its place and its pixels, in a stable order. */
const PIXELS = `[...document.querySelectorAll('.grid-paint canvas')]
  .filter((c) => c.style.visibility !== 'hidden')
  .map((c) => c.parentElement.className + ' ' + c.style.transform + ' ' + c.toDataURL())
  .sort()`;

/**
 * In the page: the texts on the tiles shown, each where it lands in content coordinates (its canvas pixel
 * through the tile's place on the page), without the copies of a cell cut by a tile's edge.
 */
const TEXTS = `(() => {
  const content = document.querySelector('.grid-canvas').getBoundingClientRect();
  const seen = new Map();
  for (const canvas of document.querySelectorAll('.grid-paint canvas')) {
    if (canvas.style.visibility === 'hidden') continue;
    const box = canvas.getBoundingClientRect();
    const ratio = canvas.width / box.width;
    for (const t of window.__texts.get(canvas) ?? []) {
      const x = Math.round(box.left - content.left + t.px / ratio), y = Math.round(box.top - content.top + t.py / ratio);
      const lead = canvas.parentElement.classList.contains('lead-pane');
      seen.set(t.text + '|' + x + '|' + y + '|' + lead, { text: t.text, x, y, width: t.width, lead });
    }
  }
  return [...seen.values()];
})()`;

/** In the page: resolves after the next two animation frames. */
const NEXT_FRAMES = 'new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))';
const SETTLED = '!document.querySelector(".grid").hasAttribute("aria-busy")';

/**
 * Scrolls the grid to (`left`, `top`): its scroll event comes before the next frame's callbacks, the grid
 * draws in that frame and writes its DOM cells in the first frame without a scroll.
 */
async function scrollTo(page: Page, left: number, top: number): Promise<void> {
  await page.locator('.grid').evaluate(
    (el, to) => {
      el.scrollTop = to.top;
      el.scrollLeft = to.left;
    },
    { top, left },
  );
  await page.evaluate(NEXT_FRAMES);
  await until(page, SETTLED);
}

/** Changes the theme (a CSS variable on <html>), which makes the grid draw every tile again, and waits. */
async function drawWhole(page: Page, property: string, value: string): Promise<void> {
  await page.evaluate(
    `document.documentElement.style.setProperty(${JSON.stringify(property)}, ${JSON.stringify(value)})`,
  );
  await page.evaluate(NEXT_FRAMES);
  await until(page, SETTLED);
}

/** In the page: the DOM's free cells with a text in the view below the header, in content coordinates. */
const DOM_CELLS = `(() => {
  const grid = document.querySelector('.grid');
  const view = grid.getBoundingClientRect();
  const content = document.querySelector('.grid-canvas').getBoundingClientRect();
  const header = document.querySelector('.grid-header').getBoundingClientRect().bottom;
  const lead = document.querySelector('.row.run .lead').getBoundingClientRect().right;
  const cells = [];
  for (const cell of document.querySelectorAll('.row.run .cell.free, .row.run .lead .cell:not(.select):not(.star)')) {
    const box = cell.getBoundingClientRect();
    const pinned = !cell.classList.contains('free');
    if (cell.textContent === '' || box.bottom <= header || box.top >= view.bottom || (!pinned && box.right <= lead) || box.left >= view.right) continue;
    cells.push({ text: cell.textContent, pinned, left: box.left - content.left, right: box.right - content.left, top: box.top - content.top, bottom: box.bottom - content.top });
  }
  return { cells, view: { left: lead - content.left, right: view.right - content.left, top: header - content.top, bottom: view.bottom - content.top } };
})()`;

interface Cell {
  text: string;
  /** A pinned column's cell (drawn on the pinned part's tiles), else a free one. */
  pinned: boolean;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

describe('experiments table canvas in headless Chromium', { skip: chromiumSkipReason() }, () => {
  const chromium = chromiumView('table', dir);

  // With the tile worker (the panel's page), and without one (a page that cannot start it: every tile is
  // drawn by the page, those in the margin a few per frame).
  for (const workers of [true, false]) {
    it(`draws tiles as drawn anew, the texts the DOM cells say, and settles the DOM after the scroll${workers ? '' : ', without a tile worker'}`, async () => {
      const data = tableDataOf(records());
      const h = await openWebview<TableHostMessage>(chromium.browser, chromium.bundle, {
        dir,
        viewport: { width: 1000, height: 600 },
        initScript: (workers ? '' : 'delete window.Worker;') + WATCH_MEDIA,
      });
      const page = h.page;
      await page.evaluate(SPY);
      await page.evaluate(
        `document.documentElement.style.setProperty('--vscode-list-hoverBackground', 'rgba(90, 120, 200, 0.4)')`,
      );
      // One pinned column, of texts (some cut with an ellipsis), drawn on the pinned part's tiles.
      const layout = { ...DEFAULT_TABLE_LAYOUT, pinned: ['params.p09'] };
      await h.post({ type: 'table/snapshot', payload: { data, layout } });
      await until(page, 'window.__posted.some((m) => m.type === "table/rendered")');

      // Wheel steps in every direction, a jump far away and back; after each group, the tiles kept and drawn
      // as they entered are, pixel for pixel, the tiles drawn all anew at the same place.
      const steps: [number, number][][] = [
        [
          [0, 100],
          [100, 200],
          [100, 300],
          [200, 400],
          [200, 500],
        ],
        [
          [150, 430],
          [90, 380],
          [90, 250],
          [37, 211],
        ],
        [
          [2600, 5000],
          [2700, 5096],
        ],
        [
          [2650, 5040],
          [0, 0],
        ],
      ];
      /**
       * The tiles kept and drawn as they entered are the tiles drawn all anew at the same place; their texts
       * are the DOM cells' texts, place for place; the pinned part's tiles are as wide as the DOM's.
       */
      const check = async (label: string, pinnedInView: boolean, fromWorker = false): Promise<void> => {
        if (fromWorker) {
          // Tiles in view as the worker drew them ahead of the scroll, compared before the pointer moves.
          await until(page, SETTLED);
          const shown = await page.evaluate<number>(WORKER_TILES);
          if (workers) {
            assert.ok(shown >= 6, `${shown} tiles in view drawn by the tile worker ${label}`);
          } else {
            assert.equal(shown, 0, `no tile worker ${label}`);
          }
        } else {
          // The pointer over one row, then another: each row's band is drawn again where it lies.
          await page.mouse.move(700, 300);
          await page.evaluate(NEXT_FRAMES);
          await page.mouse.move(700, 380);
          await page.evaluate(NEXT_FRAMES);
          await until(page, SETTLED);
        }
        const moved = await page.evaluate<string[]>(PIXELS);
        assert.ok(moved.length > 6, `${moved.length} tiles`);
        await drawWhole(page, '--xlens-test-theme', String(++themeChanges));
        const redrawn = await page.evaluate<string[]>(PIXELS);
        const head = (t: string): string => t.slice(0, t.indexOf(' data:'));
        const differing = moved.filter((t) => !redrawn.includes(t)).map(head);
        const added = redrawn.filter((t) => !moved.includes(t)).map(head);
        assert.deepEqual(
          { differing, added },
          { differing: [], added: [] },
          `tiles ${label}: ${moved.length} kept, ${redrawn.length} redrawn`,
        );
        const widths = await page.evaluate<number[]>(`[
        document.querySelector('.row.run .lead').getBoundingClientRect().width,
        ...[...document.querySelectorAll('.lead-pane canvas')]
          .filter((c) => c.style.visibility !== 'hidden')
          .map((c) => c.getBoundingClientRect().width),
      ]`);
        assert.ok(
          widths.length > 2 && widths.every((w) => w === widths[0]),
          `pinned part's widths ${label}: ${widths.join(', ')}`,
        );

        // The tiles' texts are the DOM cells' texts, place for place.
        const { cells, view } = await page.evaluate<{ cells: Cell[]; view: Omit<Cell, 'text' | 'pinned'> }>(
          DOM_CELLS,
        );
        const texts =
          await page.evaluate<{ text: string; x: number; y: number; width: number; lead: boolean }[]>(TEXTS);
        assert.ok(cells.length > 50, `${cells.length} cells in view`);
        assert.equal(
          cells.filter((c) => c.pinned).length > 10,
          pinnedInView,
          `pinned cells in view ${label}`,
        );
        const unmatched = cells.filter((cell) => {
          const drawn = texts.filter(
            (t) =>
              t.lead === cell.pinned &&
              t.y > cell.top &&
              t.y < cell.bottom &&
              t.x >= cell.left &&
              t.x <= cell.right,
          );
          // The text as the cell reads, or its start and an ellipsis; within the cell's padding (6 px a side).
          return (
            drawn.length !== 1 ||
            !(
              drawn[0].text === cell.text ||
              (drawn[0].text.endsWith('…') && cell.text.startsWith(drawn[0].text.slice(0, -1)))
            ) ||
            drawn[0].width > cell.right - cell.left - 12 + 0.5
          );
        });
        assert.deepEqual(
          unmatched.slice(0, 3),
          [],
          `${unmatched.length} DOM cells not drawn as they read ${label}`,
        );
        const stray = texts.filter(
          (t) =>
            t.y > view.top + 20 &&
            t.y < view.bottom - 4 &&
            t.x > view.left + 8 &&
            t.x < view.right - 8 &&
            !t.lead &&
            !cells.some((c) => t.y > c.top && t.y < c.bottom && t.x >= c.left && t.x <= c.right),
        );
        assert.deepEqual(stray.slice(0, 3), [], `texts drawn where the DOM has no cell ${label}`);
      };
      let compared = 0;
      for (const positions of steps) {
        for (const [left, top] of positions) {
          await scrollTo(page, left, top);
        }
        await check(`after steps ${JSON.stringify(positions)}`, true);
        compared++;
      }
      // A steady scroll down and right, then up and left: the tiles in view are the tile worker's, drawn ahead,
      // and are pixel for pixel the tiles drawn here anew.
      await page.mouse.move(5, 5);
      await scrollTo(page, 0, 0);
      const asked = await page.evaluate<{ below: number; bottom: number }>(steadyScroll(40, 180, 12));
      // The tiles of the next frames were asked for during the scroll: rows more than a frame's step below
      // the view and its 96 px margin (the tiles asked around a view at rest are asked only once it stops).
      assert.equal(
        asked.below > asked.bottom + 96 + 180,
        workers,
        `tiles asked of the worker reach ${asked.below} px, the view ends at ${asked.bottom} px`,
      );
      await check('after a steady scroll down and right', true, true);
      await page.evaluate(steadyScroll(-30, -150, 10));
      await check('after a steady scroll up and left', true, true);
      // A new layout of the columns (another column pinned, then none) places every tile again.
      const pinToggle = async (name: string): Promise<void> => {
        await page.getByRole('button', { name: 'Columns…' }).click();
        await page
          .locator('.chooser li', { hasText: name })
          .first()
          .locator('button', { hasText: /^(Pin|Unpin)$/ })
          .click();
        await page.getByRole('button', { name: 'Columns…' }).click();
        await page.evaluate(NEXT_FRAMES);
        await until(page, SETTLED);
      };
      await scrollTo(page, 150, 430);
      await pinToggle('params.p18');
      await check('with p09 and p18 pinned', true);
      await pinToggle('params.p09');
      await pinToggle('params.p18');
      await check('with none pinned', false);
      await pinToggle('params.p09');
      assert.equal(compared, steps.length);

      // At the far right and bottom, the tiles past the last column and row add nothing to scroll to.
      await scrollTo(page, 1e6, 1e7);
      const extent = await page.evaluate<number[]>(`(() => {
      const grid = document.querySelector('.grid');
      const content = document.querySelector('.grid-canvas');
      return [grid.scrollWidth, content.offsetWidth, grid.scrollHeight, content.offsetHeight];
    })()`);
      assert.deepEqual([extent[0], extent[2]], [extent[1], extent[3]], 'scroll size is the content size');

      // While a scroll goes on, the grid is busy and its DOM rows are not rendered until it stops.
      await scrollTo(page, 0, 0);
      await page.evaluate(`new Promise((resolve) => {
      const grid = document.querySelector('.grid');
      window.__busy = [];
      let n = 0;
      const step = () => {
        window.__busy.push(grid.getAttribute('aria-busy') + (document.querySelector('.grid-body').classList.contains('scrolling') ? ' hidden' : ''));
        if (n++ === 6) { resolve(); return; }
        grid.scrollTop += 100;
        requestAnimationFrame(() => setTimeout(step));
      };
      step();
    })`);
      const busy = await page.evaluate<(string | null)[]>('window.__busy');
      assert.equal(busy[0], 'null', 'not busy before the scroll');
      // While it scrolls, the DOM rows are not rendered (the tiles show the rows) and the grid is busy.
      assert.ok(
        busy.slice(1).some((b) => b === 'true hidden'),
        `aria-busy and rows hidden while scrolling: ${JSON.stringify(busy)}`,
      );
      assert.ok(!busy.includes('null hidden'), `rows hidden only while busy: ${JSON.stringify(busy)}`);
      await until(page, '!document.querySelector(".grid").hasAttribute("aria-busy")');
      assert.equal(
        await page.evaluate(`document.querySelector('.grid-body').classList.contains('scrolling')`),
        false,
        'rows rendered once the scroll stopped',
      );
      const settled = await page.evaluate<{ cells: Cell[] }>(DOM_CELLS);
      assert.ok(settled.cells.length > 50);

      // A row holding the focus stays rendered while the grid scrolls, and keeps it; once its row is reused
      // for another run, the grid takes the focus.
      await scrollTo(page, 0, 0);
      const focused = await page.evaluate<string>(`(() => {
      const header = document.querySelector('.grid-header').getBoundingClientRect().bottom;
      const rows = [...document.querySelectorAll('.row.run')].filter((r) => r.getBoundingClientRect().top > header + 40);
      rows.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
      rows[0].querySelector('.row-check').focus();
      return rows[0].getAttribute('aria-rowindex');
    })()`);
      const during = await page.evaluate<string[]>(`new Promise((resolve) => {
      const grid = document.querySelector('.grid');
      grid.scrollTop += 30;
      requestAnimationFrame(() => setTimeout(() => {
        const row = document.activeElement.closest('.row');
        resolve([
          document.querySelector('.grid-body').classList.contains('scrolling') ? 'scrolling' : 'settled',
          row?.getAttribute('aria-rowindex') ?? 'no row',
          row ? getComputedStyle(row).contentVisibility : '',
          getComputedStyle(document.querySelector('.row.run:not(:focus-within)')).contentVisibility,
        ]);
      }));
    })`);
      assert.deepEqual(during, ['scrolling', focused, 'visible', 'hidden']);
      await until(page, SETTLED);
      assert.equal(
        await page.evaluate(`document.activeElement.closest('.row')?.getAttribute('aria-rowindex')`),
        focused,
      );
      await scrollTo(page, 0, 3000);
      assert.equal(await page.evaluate(`document.activeElement.className`), 'grid');
      await scrollTo(page, 0, 0);

      // A click on a row while its contents are not rendered (mid-scroll) goes to what the canvas shows at
      // that place: the selection box there selects the run, the star there stars it.
      /** Scrolls by 30 px and, while the rows' contents are not rendered, clicks `dx` px into the view's left. */
      const midScrollClick = (dx: number): Promise<{ target: string; row: string }> =>
        page.evaluate(`new Promise((resolve) => {
        const grid = document.querySelector('.grid');
        grid.scrollTop += 30;
        requestAnimationFrame(() => setTimeout(() => {
          const header = document.querySelector('.grid-header').getBoundingClientRect().bottom;
          const x = grid.getBoundingClientRect().left + ${dx}, y = header + 60;
          const target = document.elementFromPoint(x, y);
          const row = target.getAttribute('aria-rowindex');
          target.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: x, clientY: y }));
          resolve({ target: target.className, row });
        }));
      })`);
      const boxClick = await midScrollClick(12);
      await until(page, SETTLED);
      const starClick = await midScrollClick(40);
      await until(page, SETTLED);
      for (const click of [boxClick, starClick]) {
        assert.match(
          click.target,
          /^row run/,
          'the click lands on the row while its contents are not rendered',
        );
      }
      const [boxRow, starRow] = [boxClick.row, starClick.row];
      await until(
        page,
        `document.querySelector('.row.run[aria-rowindex="${boxRow}"]').classList.contains('selected')`,
      );
      await until(
        page,
        `document.querySelector('.row.run[aria-rowindex="${starRow}"] .cell.star').textContent === '★'`,
      );
      await page.locator(`.row.run[aria-rowindex="${boxRow}"] .row-check`).uncheck();
      await page.locator(`.row.run[aria-rowindex="${starRow}"] .cell.star`).click();
      await until(
        page,
        `document.querySelector('.row.run[aria-rowindex="${starRow}"] .cell.star').textContent === '☆'`,
      );

      // A selected row's band in the free part is the theme's selection colour, read again when it changes.
      await drawWhole(page, '--vscode-list-activeSelectionBackground', 'rgb(0, 96, 192)');
      await page.locator('.row.run').first().locator('.row-check').check();
      const band = async (): Promise<number[]> => {
        await until(page, 'document.querySelector(".row.run.selected") !== null');
        await drawWhole(page, '--xlens-test-theme', String(++themeChanges));
        return page.evaluate<number[]>(`(() => {
        // Near the right end of the view, at the top of the selected row, clear of any text.
        const row = document.querySelector('.row.run.selected').getBoundingClientRect();
        const px = document.querySelector('.grid').getBoundingClientRect().right - 30, py = row.top + 2;
        const canvas = [...document.querySelectorAll('.grid-paint canvas')].find((c) => {
          const b = c.getBoundingClientRect();
          return c.style.visibility !== 'hidden' && px >= b.left && px < b.right && py >= b.top && py < b.bottom;
        });
        const box = canvas.getBoundingClientRect();
        const ratio = canvas.width / box.width;
        const x = Math.floor((px - box.left) * ratio), y = Math.floor((py - box.top) * ratio);
        // A tile shows a bitmap: read its pixels through a 2D canvas.
        const copy = document.createElement('canvas');
        copy.width = canvas.width;
        copy.height = canvas.height;
        const context = copy.getContext('2d');
        context.drawImage(canvas, 0, 0);
        return [...context.getImageData(x, y, 1, 1).data];
      })()`);
      };
      assert.deepEqual(await band(), [0, 96, 192, 255]);
      await drawWhole(page, '--vscode-list-activeSelectionBackground', 'rgb(200, 10, 20)');
      assert.deepEqual(await band(), [200, 10, 20, 255]);

      // The pinned part as its tiles draw it (the DOM rows not rendered, as while the grid scrolls) is, at
      // points clear of any text, the DOM rows' pinned part: the selection box filled and bordered, checked or
      // not, the band of a selected row, the editor's background, the pinned part's border.
      for (const [name, value] of [
        ['--vscode-checkbox-background', 'rgb(250, 240, 10)'],
        ['--vscode-checkbox-selectBackground', 'rgb(0, 200, 0)'],
        ['--vscode-checkbox-border', 'rgb(120, 0, 160)'],
        ['--vscode-editor-background', 'rgb(20, 30, 40)'],
        ['--vscode-panel-border', 'rgb(255, 128, 0)'],
        ['--vscode-list-activeSelectionBackground', 'rgba(90, 120, 200, 0.5)'],
      ]) {
        await drawWhole(page, name, value);
      }
      const points = await page.evaluate<{ x: number; y: number; what: string }[]>(`(() => {
      const selected = document.querySelector('.row.run.selected');
      const plain = [...document.querySelectorAll('.row.run:not(.selected)')].find((row) => {
        const top = row.getBoundingClientRect().top;
        return top > selected.getBoundingClientRect().bottom && top < document.querySelector('.grid').getBoundingClientRect().bottom - 48;
      });
      const points = [];
      for (const [row, kind] of [[selected, 'selected'], [plain, 'plain']]) {
        const box = row.querySelector('.row-check').getBoundingClientRect();
        const lead = row.querySelector('.lead').getBoundingClientRect();
        const top = row.getBoundingClientRect().top;
        points.push(
          { x: box.left + 2, y: box.top + 2, what: kind + ' box, top left' },
          { x: box.left + 11, y: box.top + 11, what: kind + ' box, bottom right' },
          { x: box.left, y: box.top + 7, what: kind + ' box border' },
          { x: box.right + 3, y: top + 12, what: kind + ' background' },
          { x: lead.right - 1, y: top + 12, what: kind + ' border' },
        );
      }
      return points;
    })()`);
      const pixels = async (): Promise<string[]> => {
        const out: string[] = [];
        for (const point of points) {
          const rgba = await pixelAt(page, point);
          out.push(`${point.what}: ${rgba.map((c) => Math.round(c / 4)).join(',')}`);
        }
        return out;
      };
      const fromDom = await pixels();
      await page.evaluate(`document.activeElement.blur()`);
      await page.evaluate(`document.querySelector('.grid-body').classList.add('scrolling')`);
      await page.evaluate(NEXT_FRAMES);
      const fromTiles = await pixels();
      await page.evaluate(`document.querySelector('.grid-body').classList.remove('scrolling')`);
      assert.deepEqual(fromTiles, fromDom);
      assert.equal(
        new Set(fromDom).size,
        fromDom.length,
        `every point tells its part apart: ${fromDom.join('; ')}`,
      );
      // A zoom (two device px per CSS px): the tiles in view are drawn again at the new density, sharp,
      // without a scroll.
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Emulation.setDeviceMetricsOverride', {
        width: 1000,
        height: 600,
        deviceScaleFactor: 2,
        mobile: false,
      });
      await until(page, 'window.devicePixelRatio === 2');
      // Chromium's emulation changes the ratio without telling the page's resolution queries, as a move to
      // another screen does: the queries the page watches are told here.
      await page.evaluate(`window.__mediaQueries
        .filter((list) => list.media.includes('resolution'))
        .forEach((list) => list.dispatchEvent(new Event('change')))`);
      await until(
        page,
        `[...document.querySelectorAll('.grid-paint canvas')].filter((c) => c.style.visibility !== 'hidden')
          .every((c) => c.width === 2 * Math.round(c.getBoundingClientRect().width))`,
      );
      assert.deepEqual(await h.viewErrors(), []);
      // The policy lets the page start its tile worker (worker-src blob:), and nothing else broke.
      assert.deepEqual(h.problems, { console: [], page: [], dialogs: [], requests: [], csp: [] });
      await page.context().close();
    });
  }
});
