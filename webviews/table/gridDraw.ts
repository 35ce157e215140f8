/**
 * What a canvas tile (gridPaint.ts) draws of one cell, as the DOM cell shows it (table.css): a text fitted
 * with an ellipsis, numbers to the right; a row's selection box; its star. Coordinates are the grid's
 * content px; the context maps them onto the tile.
 */
import type { FieldValue } from '../../src/shared/fieldOrder';
import { cellText, type ShownColumn } from './model';
import { SELECT_WIDTH, STAR_WIDTH } from './gridRows';
import type { Look, TextLook } from './gridLook';

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
