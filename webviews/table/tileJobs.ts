/**
 * The messages between the experiments table's page and its tile worker (tileWorker.ts), which draws the
 * canvas tiles a scroll will bring into view next while the page draws the current frame.
 *
 * Everything in them is data the structured clone algorithm copies (HTML Living Standard, "Structured
 * serialization"); tile bitmaps move without a copy (transferred `ImageBitmap`s).
 */
import type { Look } from './gridLook';
import type { TileRow } from './gridDraw';
import type { TileSheet } from './tileRegion';

/** One tile to draw: tile column `x` (or `LEAD`) and tile row `y`, its rows' data, for request `id`. */
export interface TileJob {
  /** The tile's key in the page (`y × 65536 + x + 1`). */
  key: number;
  /** The request's number, unique in the page: a result answers the latest request of its key only. */
  id: number;
  x: number;
  y: number;
  /** Device px per CSS px. */
  ratio: number;
  rows: (TileRow | null)[];
}

/**
 * Page → worker. `version` is the page's drawing version: the worker skips jobs of older versions. `sheet`
 * and `look` come when they changed (both with the first message); `drop` lists requests no longer wanted.
 */
export interface TileOrder {
  version: number;
  sheet?: TileSheet;
  look?: Look;
  jobs: TileJob[];
  drop: number[];
}

/** Worker → page: the tile of request `id`, drawn; or `bitmap` null when the worker could not draw it. */
export interface TileDrawn {
  key: number;
  id: number;
  bitmap: ImageBitmap | null;
}
