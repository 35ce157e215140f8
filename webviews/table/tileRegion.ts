/**
 * Where the experiments table's canvas tiles (gridPaint.ts) lie: which tiles meet a view, their keys, and
 * where a steady scroll takes the view in the next frames (the tiles the worker draws ahead, tileFarm.ts).
 */
import type { ShownColumn } from './model';

/** Rows per tile. */
export const TILE_ROWS = 8;
/** The tile column of the pinned part's sheet. */
export const LEAD = -1;

/** A scroll step older than this does not say where the view goes next, ms. */
export const STEADY_MS = 100;

/** The columns as tiles are cut from them: what drawing a tile needs of the grid's layout. */
export interface TileSheet {
  /** The free (not pinned) columns, left to right. */
  free: readonly ShownColumn[];
  /** The pinned columns, drawn in the pinned part after the selection box and the star. */
  pinned: readonly ShownColumn[];
  /** The pinned part's width (box, star and pinned columns; its border is outside), px. */
  leadWidth: number;
  /** The left edge of each free column in content px, and the right edge of the last. */
  starts: Float64Array;
  /** The first free column of each tile column, and the count of free columns after the last. */
  tileColumns: Int32Array;
  /** The width of a free tile, px: at least every tile column's. */
  tileWidth: number;
  /** A row's height and the header's above the first row, px. */
  rowHeight: number;
  headerHeight: number;
}

/** A free tile's least width in content px: whole columns up to about two; wider for a wider column. */
const TILE_WIDTH = 256;

/**
 * Cuts the columns of a layout into tile columns: the free columns (`free`, after the pinned part's
 * `leadWidth` px) in runs of whole columns about {@link TILE_WIDTH} px wide (a wider column alone).
 */
export function cutSheet(
  layout: { free: readonly ShownColumn[]; pinned: readonly ShownColumn[]; leadWidth: number },
  rowHeight: number,
  headerHeight: number,
): TileSheet {
  const count = layout.free.length;
  const starts = new Float64Array(count + 1);
  const tileColumns: number[] = [];
  let x = layout.leadWidth;
  let tileStart = x;
  let widest = TILE_WIDTH;
  layout.free.forEach((shown, i) => {
    if (i === 0 || x + shown.width - tileStart > TILE_WIDTH) {
      widest = Math.max(widest, x - tileStart);
      tileColumns.push(i);
      tileStart = x;
    }
    starts[i] = x;
    x += shown.width;
  });
  starts[count] = x;
  tileColumns.push(count);
  return {
    free: layout.free,
    pinned: layout.pinned,
    leadWidth: layout.leadWidth,
    starts,
    tileColumns: Int32Array.from(tileColumns),
    tileWidth: Math.max(widest, x - tileStart),
    rowHeight,
    headerHeight,
  };
}

/** Where the grid is scrolled to and how large its view is, px. */
export interface PaintView {
  scrollLeft: number;
  scrollTop: number;
  width: number;
  height: number;
}

/** The tile columns `x0..x1` (and {@link LEAD}) and rows `y0..y1` meeting a view; `x1 < x0`: no free tile. */
export interface Region {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** The key of tile column `x` (or {@link LEAD}) and tile row `y`: `y × 65536 + x + 1`. */
export function tileKey(x: number, y: number): number {
  return y * 65536 + x + 1;
}

/** Tile column and row of a key made by {@link tileKey}. */
export function keyTile(key: number): { x: number; y: number } {
  return { x: (key % 65536) - 1, y: Math.floor(key / 65536) };
}

/** Whether `region` holds tile (`x`, `y`); the pinned part's tiles ({@link LEAD}) in any of its rows. */
export function regionHolds(region: Region, x: number, y: number): boolean {
  return y >= region.y0 && y <= region.y1 && (x === LEAD || (x >= region.x0 && x <= region.x1));
}

/**
 * The tiles meeting `view` widened by `marginX`/`marginY` px on each side, for a sheet of `items` display
 * items.
 */
export function tileRegion(
  sheet: TileSheet,
  items: number,
  view: PaintView,
  marginX: number,
  marginY: number,
): Region {
  const { leadWidth, starts, rowHeight, headerHeight } = sheet;
  const end = starts[starts.length - 1];
  const rows = Math.ceil(items / TILE_ROWS);
  const rowTile = (y: number): number => Math.floor((y - headerHeight) / (TILE_ROWS * rowHeight));
  const x0 = tileAt(sheet, view.scrollLeft + leadWidth - marginX);
  const x1 = tileAt(sheet, Math.min(end, view.scrollLeft + view.width + marginX) - 1);
  return {
    x0,
    x1: end > leadWidth ? x1 : x0 - 1,
    y0: Math.max(0, rowTile(view.scrollTop + headerHeight - marginY)),
    y1: Math.min(rows - 1, rowTile(view.scrollTop + view.height + marginY - 1)),
  };
}

/** The tile column holding content x (the first left of the first, the last right of the last). */
function tileAt(sheet: TileSheet, x: number): number {
  const columns = sheet.tileColumns;
  const starts = sheet.starts;
  let low = 0;
  let high = columns.length - 2;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[columns[mid]] <= x) {
      low = mid;
    } else {
      high = mid - 1;
    }
  }
  return low;
}

/** The last scroll steps between paints, and where they take the view next. */
export class ScrollTrend {
  private last: PaintView | undefined;
  private steps: { dx: number; dy: number; at: number }[] = [];

  /**
   * Notes the view of a paint in the animation frame of time `frame` (ms; paints of one frame share it) and
   * returns the views of the next `frames` steps if the scroll goes on as its last two steps did on average
   * (a scrollbar drag that moves right every other frame moves half as far each step). None once the last
   * step is older than {@link STEADY_MS} (the scroll stopped), or after a jump (a step of more than twice
   * the view, as a key or a link scrolls).
   */
  ahead(view: PaintView, frames: number, frame: number): PaintView[] {
    const last = this.last;
    if (last !== undefined && (last.scrollTop !== view.scrollTop || last.scrollLeft !== view.scrollLeft)) {
      const dx = view.scrollLeft - last.scrollLeft;
      const dy = view.scrollTop - last.scrollTop;
      const jump = Math.abs(dx) > 2 * view.width || Math.abs(dy) > 2 * view.height;
      this.steps = jump
        ? []
        : [...this.steps.filter((step) => frame - step.at <= STEADY_MS).slice(-1), { dx, dy, at: frame }];
    }
    this.last = view;
    this.steps = this.steps.filter((step) => frame - step.at <= STEADY_MS);
    if (this.steps.length === 0) {
      return [];
    }
    const dx = this.steps.reduce((sum, step) => sum + step.dx, 0) / this.steps.length;
    const dy = this.steps.reduce((sum, step) => sum + step.dy, 0) / this.steps.length;
    return Array.from({ length: frames }, (_, i) => ({
      ...view,
      scrollLeft: view.scrollLeft + dx * (i + 1),
      scrollTop: view.scrollTop + dy * (i + 1),
    }));
  }
}
