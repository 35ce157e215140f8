/**
 * The experiments table's data as the host builds it, and page scripts that read the table's grid
 * (webviews/table/grid.ts) as a user and a screen reader see it: where its rows are drawn, whether rows
 * cover the view, whether cells sit under their column's header. Each script is for `page.evaluate`.
 */
import type { Page } from 'playwright-core';
import type { RunRecord } from '../../src/core/runs/types';
import { buildTableData } from '../../src/features/table/viewModel';
import type { TableData, TableHostMessage, TableLayout } from '../../src/protocol/table';
import { openWebview, until, type ChromiumView, type ViewPage } from './webviewPage';

/** The table's data for `records` as the host builds it: version 1, HEAD `head`, no aggregates or notes. */
export function tableDataOf(records: readonly RunRecord[], head = 'b'.repeat(40)): TableData {
  return buildTableData(records, { version: 1, head, aggregates: new Map(), annotations: new Map() });
}

/**
 * Opens the table's page (1100 × 520 px) in `view`'s Chromium with `data` and `layout` as its first
 * snapshot; resolves once the view reported its first rows (`table/rendered`).
 */
export async function openTable(
  view: ChromiumView,
  dir: string,
  data: TableData,
  layout: TableLayout,
): Promise<ViewPage<TableHostMessage>> {
  const h = await openWebview<TableHostMessage>(view.browser, view.bundle, {
    dir,
    viewport: { width: 1100, height: 520 },
  });
  await h.post({ type: 'table/snapshot', payload: { data, layout } });
  await until(h.page, 'window.__posted.some((m) => m.type === "table/rendered")');
  return h;
}

/**
 * Answers the view's filter with the display rows `rows` (indices into the snapshot's runs, no groups)
 * and resolves once the grid counts them (`aria-rowcount`: the rows and the header).
 */
export async function showFiltered(h: ViewPage<TableHostMessage>, rows: number[]): Promise<void> {
  await h.post({
    type: 'table/filtered',
    payload: { version: 1, query: { expression: 'x', status: '', task: '', text: '' }, rows },
  });
  await until(
    h.page,
    `document.querySelector('.grid').getAttribute('aria-rowcount') === '${rows.length + 1}'`,
  );
}

/**
 * Resolves once the table is drawn at rest: two frames on, and the grid not `aria-busy` (no tiles left
 * for later frames, the DOM rows placed). For views the rows do not cover; see {@link COVERS_VIEW}.
 */
export async function atRest(page: Page): Promise<void> {
  await page.evaluate(NEXT_FRAMES);
  await until(page, '!document.querySelector(".grid").hasAttribute("aria-busy")');
}

/** In the page: the offset of display item 0 in the canvas and a row's height, before any scrolling. */
export const ROW_GEOMETRY = `(() => {
  const canvas = document.querySelector('.grid-canvas').getBoundingClientRect();
  const tops = [...document.querySelectorAll('.grid-body > .row, .grid-groups > .row')].map((r) => r.getBoundingClientRect().top - canvas.top);
  return { offset: Math.min(...tops), height: document.querySelector('.row.run').getBoundingClientRect().height };
})()`;

/** In the page: resolves after the next two animation frames. */
export const NEXT_FRAMES =
  'new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))';

/** In the page: whether drawn rows cover the grid's view below the header (the frame has been drawn). */
export const COVERS_VIEW = `(() => {
  const grid = document.querySelector('.grid').getBoundingClientRect();
  const top = document.querySelector('.grid-header').getBoundingClientRect().bottom;
  const boxes = [...document.querySelectorAll('.grid-body > .row, .grid-groups > .row')].map((r) => r.getBoundingClientRect());
  for (let y = top + 1; y < grid.bottom - 1; y += 4) {
    if (!boxes.some((b) => b.top <= y && b.bottom > y)) return false;
  }
  return true;
})()`;

/** A row in view: its display index (from where it is drawn), `aria-rowindex`, role and DOM position. */
export interface RowInView {
  display: number;
  aria: number;
  role: string | null;
  dom: number;
}

/** In the page: the rows in view in display order (display index from the row's place on screen). */
export function rowsInView(geometry: { offset: number; height: number }): string {
  return `(() => {
    const grid = document.querySelector('.grid').getBoundingClientRect();
    const canvas = document.querySelector('.grid-canvas').getBoundingClientRect();
    const below = document.querySelector('.grid-header').getBoundingClientRect().bottom;
    return [...document.querySelectorAll('.grid-body > .row, .grid-groups > .row')]
      .map((row, dom) => ({ row, dom, box: row.getBoundingClientRect() }))
      .filter(({ box }) => box.bottom > below && box.top < grid.bottom)
      .map(({ row, dom, box }) => ({
        display: Math.round((box.top - canvas.top - ${geometry.offset}) / ${geometry.height}),
        aria: Number(row.getAttribute('aria-rowindex')),
        role: row.getAttribute('role'),
        dom,
      }))
      .sort((a, b) => a.display - b.display);
  })()`;
}

/** In the page: the cells of run rows in view not drawn under the column header of their `aria-colindex`. */
export const MISPLACED_CELLS = `(() => {
  const heads = new Map([...document.querySelectorAll('.grid-header [role=columnheader]')].map((head) => [
    head.getAttribute('aria-colindex'),
    head.getBoundingClientRect(),
  ]));
  const grid = document.querySelector('.grid').getBoundingClientRect();
  const wrong = [];
  for (const cell of document.querySelectorAll('.row.run [role=gridcell]')) {
    const box = cell.getBoundingClientRect();
    if (box.bottom <= grid.top || box.top >= grid.bottom) continue;
    const head = heads.get(cell.getAttribute('aria-colindex'));
    if (!head || Math.abs(head.left - box.left) > 0.5 || Math.abs(head.width - box.width) > 0.5) {
      wrong.push(cell.getAttribute('aria-colindex') + ' "' + cell.textContent + '" at ' + box.left);
    }
  }
  return wrong;
})()`;

/** The RGBA of the page's pixel at (`x`, `y`) CSS px as shown on screen (a 1 × 1 screenshot, decoded in the page). */
export async function pixelAt(page: Page, point: { x: number; y: number }): Promise<number[]> {
  const png = await page.screenshot({
    clip: { x: Math.floor(point.x), y: Math.floor(point.y), width: 1, height: 1 },
  });
  return page.evaluate<number[]>(`(async () => {
    const bytes = Uint8Array.from(atob(${JSON.stringify(png.toString('base64'))}), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const context = new OffscreenCanvas(1, 1).getContext('2d');
    context.drawImage(bitmap, 0, 0);
    return [...context.getImageData(0, 0, 1, 1).data];
  })()`);
}
