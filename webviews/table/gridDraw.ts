/**
 * What a canvas tile (gridPaint.ts) draws, as the DOM rows show it (table.css): per cell a text fitted with
 * an ellipsis, numbers to the right, over the row's selection or hover band; in the pinned part the
 * selection box and the star. Coordinates are the grid's content px; the context maps them onto the tile.
 *
 * A tile is drawn from plain data ({@link TileSheet}, {@link TileRow}), the same in the page and in the
 * tile worker (tileWorker.ts), so a tile drawn in either has the same pixels.
 */
import type { FieldValue } from '../../src/shared/fieldOrder';
import { cellText, type ShownColumn } from './model';
import { SELECT_WIDTH, STAR_WIDTH } from './gridRows';
import type { Look, TextLook } from './gridLook';
import { LEAD, TILE_ROWS, type TileSheet } from './tileRegion';

/** One row of a tile as drawn. */
export interface TileRow {
  selected: boolean;
  hovered: boolean;
  starred: boolean;
  /** The row's values of the tile's columns, left to right (of the pinned columns in the pinned part's tile). */
  values: FieldValue[];
}

/** The width of tile column `x`'s tiles ({@link LEAD}: the pinned part with its border), px. */
export function tileWidth(sheet: TileSheet, look: Look, x: number): number {
  return x === LEAD ? sheet.leadWidth + look.leadBorderWidth : sheet.tileWidth;
}

/** The size of tile column `x`'s tiles in device px at `ratio` device px per CSS px. */
export function tileSize(
  sheet: TileSheet,
  look: Look,
  x: number,
  ratio: number,
): { width: number; height: number } {
  return {
    width: Math.ceil(tileWidth(sheet, look, x) * ratio),
    height: Math.ceil(TILE_ROWS * sheet.rowHeight * ratio),
  };
}

/**
 * Draws tile (`x`, `y`) whole on `context`, a blank canvas of {@link tileSize}: tile column `x` of the free
 * cells (or {@link LEAD}) and rows `8y` to `8y + 7`, whose data is `rows` in order (`null`: a commit
 * group's header row, left blank).
 */
export function drawTile(
  fitter: TextLook,
  look: Look,
  context: OffscreenCanvasRenderingContext2D,
  sheet: TileSheet,
  x: number,
  y: number,
  rows: readonly (TileRow | null)[],
  ratio: number,
): void {
  const lead = x === LEAD;
  const left = lead ? 0 : sheet.starts[sheet.tileColumns[x]];
  const top = sheet.headerHeight + y * TILE_ROWS * sheet.rowHeight;
  context.setTransform(ratio, 0, 0, ratio, -left * ratio, -top * ratio);
  // Set for every tile: a context the browser discarded and restored has lost its state.
  context.font = look.font;
  context.textBaseline = 'alphabetic';
  context.direction = 'ltr';
  rows.forEach((row, i) => {
    if (row === null) {
      return;
    }
    const rowTop = top + i * sheet.rowHeight;
    if (lead) {
      drawLead(fitter, look, context, sheet, row, rowTop);
      return;
    }
    const first = sheet.tileColumns[x];
    const band = bandOf(look, row);
    row.values.forEach((value, i) => {
      const column = first + i;
      const cellLeft = sheet.starts[column];
      const width = sheet.starts[column + 1] - cellLeft;
      if (band !== '') {
        context.fillStyle = band;
        context.fillRect(cellLeft, rowTop, width, sheet.rowHeight);
      }
      drawText(fitter, look, context, sheet.free[column], value, row.selected, cellLeft, width, rowTop);
    });
  });
}

/** The row's band colour: selection, hover or none (`''`). */
function bandOf(look: Look, row: TileRow): string {
  return row.selected ? look.selectedBackground : row.hovered ? look.hoverBackground : '';
}

/** Draws a row's pinned part as the DOM row's `.lead` shows it: box, star and pinned cells. */
function drawLead(
  fitter: TextLook,
  look: Look,
  context: OffscreenCanvasRenderingContext2D,
  sheet: TileSheet,
  row: TileRow,
  top: number,
): void {
  const height = sheet.rowHeight;
  context.fillStyle = look.leadBackground;
  context.fillRect(0, top, sheet.leadWidth + look.leadBorderWidth, height);
  const band = bandOf(look, row);
  if (band !== '') {
    context.fillStyle = band;
    context.fillRect(0, top, sheet.leadWidth, height);
  }
  context.fillStyle = look.leadBorder;
  context.fillRect(sheet.leadWidth, top, look.leadBorderWidth, height);
  drawBox(look, context, top, row.selected);
  drawStar(look, context, top, row.starred, row.selected);
  let left = SELECT_WIDTH + STAR_WIDTH;
  sheet.pinned.forEach((shown, i) => {
    drawText(fitter, look, context, shown, row.values[i], row.selected, left, shown.width, top);
    left += shown.width;
  });
}

/** A cell's horizontal padding in px (`.cell` in table.css). */
const PAD_X = 6;
/** A cell's top padding in px (`.cell` in table.css); the text's baseline is this plus the font's ascent. */
const PAD_TOP = 3;

/**
 * Draws a cell's text for `value` in the cell `width` px wide whose left edge is `left` in a row whose top
 * edge is `top`: cut with an ellipsis where it does not fit, numbers to the right, status in its colour.
 */
export function drawText(
  fitter: TextLook,
  look: Look,
  context: OffscreenCanvasRenderingContext2D,
  shown: ShownColumn,
  value: FieldValue,
  selected: boolean,
  left: number,
  width: number,
  top: number,
): void {
  const text = fitter.fit(look, cellText(shown.column, value), width - 2 * PAD_X);
  if (text === '') {
    return;
  }
  context.fillStyle =
    (shown.column.key === 'status' ? look.status.get(String(value)) : undefined) ??
    (selected ? look.selectedText : look.text);
  const number = typeof value === 'number';
  context.textAlign = number ? 'right' : 'left';
  context.fillText(text, number ? left + width - PAD_X : left + PAD_X, top + PAD_TOP + look.ascent);
}

/** Draws the selection box of the row whose top edge is `top`, as table.css draws the DOM's: checked when `selected`. */
export function drawBox(
  look: Look,
  context: OffscreenCanvasRenderingContext2D,
  top: number,
  selected: boolean,
): void {
  const box = look.box;
  const x = box.x;
  const y = top + box.y;
  context.beginPath();
  context.roundRect(x + 0.5, y + 0.5, box.size - 1, box.size - 1, 3);
  context.fillStyle = selected ? box.checkedFill : box.fill;
  context.fill();
  context.strokeStyle = box.border;
  context.lineWidth = 1;
  context.stroke();
  if (selected) {
    // The tick of table.css: the right and bottom borders (2 px) of a 5 × 9 px box at (4, 1) in the
    // padding box, turned 45° about its centre; their centre lines from the box's border edge.
    context.beginPath();
    context.moveTo(x + 3.26, y + 7.21);
    context.lineTo(x + 6.09, y + 10.04);
    context.lineTo(x + 11.74, y + 4.38);
    context.strokeStyle = box.check;
    context.lineWidth = 2;
    context.lineCap = 'butt';
    context.lineJoin = 'miter';
    context.stroke();
  }
}

/** Draws the star of the row whose top edge is `top`: filled and in the theme's colour when `starred`. */
export function drawStar(
  look: Look,
  context: OffscreenCanvasRenderingContext2D,
  top: number,
  starred: boolean,
  selected: boolean,
): void {
  context.fillStyle = starred ? look.starOn : selected ? look.selectedText : look.text;
  context.textAlign = 'center';
  context.fillText(starred ? '★' : '☆', SELECT_WIDTH + STAR_WIDTH / 2, top + PAD_TOP + look.ascent);
}
