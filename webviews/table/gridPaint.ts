/**
 * The table's rows drawn on canvas tiles, which are all the rows show while the grid scrolls.
 *
 * Why: in a DOM grid, each scroll frame lays out and paints the rows that enter the view, and a horizontal
 * step moves the sticky pinned part of every row, which the browser repaints row by row; at
 * 10,000 runs × 1,000 columns that costs 15-60 ms a frame (the table bench). Drawn on canvas tiles fixed
 * in the grid's content, a scroll frame draws only the tiles that entered the view (a row or a column of
 * small tiles, or none), the browser moves the rest without drawing, and the DOM rows are not rendered
 * (grid.ts places them again when the scroll stops).
 *
 * Two sheets of tiles: the free (not pinned) cells, in tiles of whole columns and eight whole rows, and the
 * pinned part (the selection box, the star and the pinned columns, over the editor's background) in a
 * pane that sticks to the view's left as the rows' pinned part does. A tile shows a finished bitmap
 * (a `bitmaprenderer` canvas): the browser hands a 2D canvas's pixels to the compositor again in every
 * frame, drawn or not (about 60 µs per tile a frame in Chromium's traces), a bitmap only when it is
 * replaced. Commit groups' header rows stay DOM rows and are left blank here.
 *
 * While the view scrolls steadily, the tiles the next frames will bring into view are drawn ahead by a worker
 * (tileFarm.ts) on another core; a frame then shows them as they are. A tile not back in time is drawn here.
 *
 * The DOM rows, when rendered, lie over the tiles and show the same (plus focus, tooltips and the pointer's
 * hover through CSS). Colours, font and the selection box's place are read from the page's CSS (the
 * VS Code theme, gridLook.ts), again when the theme changes.
 */
import type { DisplayItem, TableModel } from './model';
import type { RowLayout } from './gridRows';
import { drawTile, tileSize, tileWidth, type TileRow } from './gridDraw';
import { TextLook, type Look } from './gridLook';
import { TileFarm } from './tileFarm';
import {
  cutSheet,
  keyTile,
  LEAD,
  regionHolds,
  ScrollTrend,
  STEADY_MS,
  TILE_ROWS,
  tileKey,
  tileRegion,
  type PaintView,
  type Region,
  type TileSheet,
} from './tileRegion';

/** Extra content drawn beyond the view on each side, in px (about the DOM rows' overscan). */
const MARGIN_X = 120;
const MARGIN_Y = 96;
/** Tiles in the margin (not in view) drawn here per frame at most when no worker draws them. */
const MARGIN_TILES_PER_FRAME = 4;
/** Tiles kept aside (hidden) for reuse beyond those in use, per sheet. */
const SPARE_TILES = 24;
/** Frames ahead of a steady scroll whose tiles the worker is asked for. */
const AHEAD_FRAMES = 3;
/** Tile rows above and below a view at rest asked of the worker, at most. */
const RING_ROWS = 2;
/** Tiles asked of the worker per paint at most. */
const ASK_PER_PAINT = 64;

/**
 * One tile: column `x` of tiles (free columns `tileColumns[x]` up to the next tile's, or {@link LEAD})
 * and row `y` (display items `8y` to `8y + 7`), drawn for {@link CellPainter}'s `version`.
 */
interface Tile {
  canvas: HTMLCanvasElement;
  renderer: ImageBitmapRenderingContext;
  x: number;
  y: number;
  version: number;
}

/** The canvas tiles are drawn on before their pixels move to the tile shown. */
interface Scratch {
  canvas: OffscreenCanvas;
  context: OffscreenCanvasRenderingContext2D;
}

/**
 * Draws the run rows in view on canvas tiles placed under the grid's DOM rows. The free cells' tiles are
 * fixed in the grid's content, the pinned part's in a pane sticking to the view's left: a scroll moves
 * them (the browser does that, without drawing), tiles that leave the view are reused for those that
 * enter, and only those are drawn (or shown as the worker drew them ahead).
 */
export class CellPainter {
  /** The tiles' layer, to be put in the grid's content before the rows. */
  readonly element = document.createElement('div');
  /** The pinned part's pane, sticking to the view's left. */
  private readonly leadPane = document.createElement('div');
  private readonly text = new TextLook();
  private look: Look | undefined;
  private items: readonly DisplayItem[] = [];
  /** The columns as tiles are cut from them; replaced (not changed) with each layout. */
  private sheet: TileSheet;
  /** The tiles in use by {@link key}, and spare ones (hidden) of each sheet. */
  private readonly tiles = new Map<number, Tile>();
  private readonly spare: Tile[] = [];
  private readonly spareLead: Tile[] = [];
  /** Raised when every tile is to be drawn again (contents, layout, theme or pixel ratio changed). */
  private version = 1;
  private ratio = 1;
  private hovered = -1;
  /** Display items to be drawn again (the hover moved), drawn at the next {@link paint}. */
  private readonly dirtyItems = new Set<number>();
  /** Where tiles are drawn, by pixel width (emptied with each layout). */
  private readonly scratch = new Map<number, Scratch>();
  /** The worker drawing tiles ahead of a scroll; `undefined` when the page cannot run one. */
  private readonly farm = TileFarm.start();
  /** Where the scroll goes: the tiles ahead are asked of the worker. */
  private readonly trend = new ScrollTrend();

  /** The timer of the paint that ends a scroll's trend (then the tiles asked ahead are dropped), or 0. */
  private trendEnd = 0;

  /** `requestPaint` asks the grid for a {@link paint} in a coming frame. */
  constructor(
    private readonly model: TableModel,
    rowHeight: number,
    headerHeight: number,
    private readonly isSelected: (runId: string) => boolean,
    private readonly requestPaint: () => void,
  ) {
    this.element.className = 'grid-paint';
    this.element.setAttribute('aria-hidden', 'true');
    this.leadPane.className = 'lead-pane';
    this.element.append(this.leadPane);
    this.sheet = cutSheet({ free: [], pinned: [], leadWidth: 0 }, rowHeight, headerHeight);
  }

  /** Takes a new layout of the columns and display items; the next {@link paint} draws everything. */
  setLayout(layout: RowLayout, items: readonly DisplayItem[]): void {
    this.items = items;
    this.sheet = cutSheet(layout, this.sheet.rowHeight, this.sheet.headerHeight);
    this.leadPane.style.width = `${layout.leadWidth}px`;
    // Every tile is placed again: its place and width come from the layout.
    for (const tile of this.tiles.values()) {
      (tile.x === LEAD ? this.spareLead : this.spare).push(tile);
    }
    this.tiles.clear();
    this.scratch.clear();
    this.hovered = -1;
    this.invalidate();
  }

  /** Makes the next {@link paint} draw everything (cell contents, selection or the theme changed). */
  invalidate(): void {
    this.version++;
    this.dirtyItems.clear();
  }

  /** Forgets the colours and font read from the page (the theme changed) and draws everything again. */
  restyle(): void {
    this.look = undefined;
    this.text.clear();
    this.invalidate();
  }

  /** Marks display item `item` as the hovered row (`-1`: none); its band is drawn at the next paint. */
  hover(item: number): boolean {
    if (item === this.hovered) {
      return false;
    }
    for (const changed of [this.hovered, item]) {
      this.dirtyItems.add(changed);
      if (changed >= 0) {
        this.farm?.forgetRow(Math.floor(changed / TILE_ROWS));
      }
    }
    this.hovered = item;
    return true;
  }

  /** Stops the tile worker. */
  dispose(): void {
    clearTimeout(this.trendEnd);
    this.farm?.dispose();
  }

  /**
   * Draws the tiles that meet `view` and are not drawn yet, and those in the margin around it: a few here
   * per frame, or all by the worker. Asks the worker for the tiles the next frames of a steady scroll will
   * show. Returns whether margin tiles are left to draw (then call again in the next frame).
   */
  paint(view: PaintView): boolean {
    const look = (this.look ??= this.text.read(this.element.parentElement ?? document.body));
    const ratio = window.devicePixelRatio || 1;
    if (ratio !== this.ratio) {
      this.ratio = ratio;
      this.version++;
    }
    const farm = this.farm?.alive === true ? this.farm : undefined;
    const sheet = this.sheet;
    const tileHeight = TILE_ROWS * sheet.rowHeight;
    const starts = sheet.starts;
    const around = tileRegion(sheet, this.items.length, view, MARGIN_X, MARGIN_Y);
    const inside = tileRegion(sheet, this.items.length, view, 0, 0);
    const { x0, x1, y0, y1 } = around;
    let budget = MARGIN_TILES_PER_FRAME;
    /** Tiles newly in use, placed once all are drawn. */
    const placed: Tile[] = [];
    let more = false;
    const free = x1 >= x0;
    for (const [key, tile] of this.tiles) {
      if ((tile.x !== LEAD && (!free || tile.x < x0 || tile.x > x1)) || tile.y < y0 || tile.y > y1) {
        this.tiles.delete(key);
        (tile.x === LEAD ? this.spareLead : this.spare).push(tile);
      }
    }
    for (let y = y0; y <= y1; y++) {
      for (let x = sheet.leadWidth > 0 ? LEAD : x0; x <= x1; x = x === LEAD ? x0 : x + 1) {
        if (x !== LEAD && !free) {
          break;
        }
        const key = tileKey(x, y);
        let tile = this.tiles.get(key);
        const stale = tile === undefined || tile.version !== this.version || this.hasDirtyRow(y);
        if (!stale) {
          continue;
        }
        const inView = (x === LEAD || (x >= inside.x0 && x <= inside.x1)) && y >= inside.y0 && y <= inside.y1;
        const bitmap = farm?.take(key, this.version);
        if (bitmap === undefined && !inView) {
          let later = false;
          if (farm !== undefined && !farm.lost(key, this.version)) {
            // The worker draws margin tiles: asked now (unless asked already), shown in a later frame.
            if (!farm.waiting(key, this.version)) {
              farm.ask(key, this.version, x, y, this.ratio, this.tileRows(x, y));
            }
            later = true;
          } else if (budget === 0) {
            later = true;
          } else {
            budget--;
          }
          if (later) {
            // A tile drawn for an older version is put aside, not shown stale.
            if (tile !== undefined) {
              this.tiles.delete(key);
              (x === LEAD ? this.spareLead : this.spare).push(tile);
            }
            more = true;
            continue;
          }
        }
        if (tile === undefined) {
          tile = (x === LEAD ? this.spareLead.pop() : this.spare.pop()) ?? this.newTile(x === LEAD);
          tile.x = x;
          tile.y = y;
          placed.push(tile);
          this.tiles.set(key, tile);
        }
        this.show(look, tile, bitmap);
        if (bitmap === undefined) {
          farm?.forget(key);
        }
      }
    }
    this.dirtyItems.clear();
    if (farm !== undefined) {
      this.askAhead(farm, look, view, around);
    }
    for (const pool of [this.spare, this.spareLead]) {
      for (const tile of pool.splice(SPARE_TILES)) {
        tile.canvas.remove();
      }
    }
    // Style is written after every tile is drawn: drawing text makes the browser bring the page's style up
    // to date first, so a style write between two tiles would cost a style pass for each.
    for (const tile of placed) {
      const style = tile.canvas.style;
      const left = tile.x === LEAD ? 0 : starts[sheet.tileColumns[tile.x]];
      style.transform = `translate(${left}px, ${sheet.headerHeight + tile.y * tileHeight}px)`;
      style.width = `${tileWidth(sheet, look, tile.x)}px`;
      style.height = `${tileHeight}px`;
      style.visibility = '';
    }
    for (const tile of this.spare) {
      tile.canvas.style.visibility = 'hidden';
    }
    for (const tile of this.spareLead) {
      tile.canvas.style.visibility = 'hidden';
    }
    return more;
  }

  /**
   * Asks the worker for the tiles of the views the next {@link AHEAD_FRAMES} frames will show if the scroll
   * goes on as its last two steps did (and their margins), nearest first, and forgets the tiles asked or
   * kept that neither those views nor `around` (this view with its margin) hold.
   */
  private askAhead(farm: TileFarm, look: Look, view: PaintView, around: Region): void {
    const ahead = this.trend
      .ahead(view, AHEAD_FRAMES, Number(document.timeline.currentTime ?? performance.now()))
      .map((next) => tileRegion(this.sheet, this.items.length, next, MARGIN_X, MARGIN_Y));
    clearTimeout(this.trendEnd);
    if (ahead.length > 0) {
      // Once the scroll stops, a paint drops the tiles asked ahead (no other paint may come).
      this.trendEnd = window.setTimeout(() => {
        this.trendEnd = 0;
        this.requestPaint();
      }, STEADY_MS + 1);
    } else {
      // At rest: a few tile rows above and below, for the first frames of the next scroll (which way is not
      // known); no more than half the bitmaps the farm keeps, so none is dropped to make room for another.
      const { width, height } = tileSize(this.sheet, look, 0, this.ratio);
      const perRow = around.x1 - around.x0 + 1 + (this.sheet.leadWidth > 0 ? 1 : 0);
      const rows = Math.min(RING_ROWS, Math.floor(farm.capacity(width * height) / 4 / Math.max(1, perRow)));
      const last = Math.ceil(this.items.length / TILE_ROWS) - 1;
      if (rows > 0) {
        ahead.push({ ...around, y0: Math.max(0, around.y0 - rows), y1: Math.min(last, around.y1 + rows) });
      }
    }
    let asks = ASK_PER_PAINT;
    for (const region of ahead) {
      for (let y = region.y0; y <= region.y1 && asks > 0; y++) {
        for (
          let x = this.sheet.leadWidth > 0 ? LEAD : region.x0;
          x <= region.x1 && asks > 0;
          x = x === LEAD ? region.x0 : x + 1
        ) {
          const key = tileKey(x, y);
          if (this.tiles.get(key)?.version === this.version || farm.has(key, this.version)) {
            continue;
          }
          farm.ask(key, this.version, x, y, this.ratio, this.tileRows(x, y));
          asks--;
        }
      }
    }
    farm.keepOnly(this.version, (key) => {
      const { x, y } = keyTile(key);
      return regionHolds(around, x, y) || ahead.some((region) => regionHolds(region, x, y));
    });
    farm.send(this.version, this.sheet, look);
  }

  /** Whether a display item to be drawn again (the hover moved) is in tile row `y`. */
  private hasDirtyRow(y: number): boolean {
    for (const item of this.dirtyItems) {
      if (item >= 0 && Math.floor(item / TILE_ROWS) === y) {
        return true;
      }
    }
    return false;
  }

  private newTile(lead: boolean): Tile {
    const canvas = document.createElement('canvas');
    const renderer = canvas.getContext('bitmaprenderer');
    if (renderer === null) {
      throw new Error('The experiments table needs canvas bitmaps (bitmaprenderer).');
    }
    (lead ? this.leadPane : this.element).append(canvas);
    return { canvas, renderer, x: 0, y: 0, version: 0 };
  }

  /** A canvas `width` × `height` px to draw on, kept for the next tile of that width. */
  private scratchFor(width: number, height: number): Scratch {
    let scratch = this.scratch.get(width);
    if (scratch === undefined || scratch.canvas.height !== height) {
      const canvas = new OffscreenCanvas(width, height);
      const context = canvas.getContext('2d');
      if (context === null) {
        throw new Error('The experiments table needs a 2D canvas.');
      }
      scratch = { canvas, context };
      this.scratch.set(width, scratch);
    }
    return scratch;
  }

  /** The data tile (`x`, `y`) is drawn from: per display item a run's row, or `null` for a group's. */
  private tileRows(x: number, y: number): (TileRow | null)[] {
    const data = this.model.data;
    const columns =
      x === LEAD
        ? this.sheet.pinned
        : this.sheet.free.slice(this.sheet.tileColumns[x], this.sheet.tileColumns[x + 1]);
    const rows: (TileRow | null)[] = [];
    const last = Math.min(this.items.length, (y + 1) * TILE_ROWS);
    for (let item = y * TILE_ROWS; item < last; item++) {
      const display = this.items[item];
      if (display?.kind !== 'run') {
        rows.push(null);
        continue;
      }
      const row = display.row;
      rows.push({
        selected: this.isSelected(data.runIds[row]),
        hovered: item === this.hovered,
        starred: data.starred[row],
        values: columns.map((shown) => data.values[shown.index][row]),
      });
    }
    return rows;
  }

  /** Shows `tile` whole for the current version: `bitmap` (the worker's drawing of it), or drawn here. */
  private show(look: Look, tile: Tile, bitmap: ImageBitmap | undefined): void {
    const { width, height } = tileSize(this.sheet, look, tile.x, this.ratio);
    if (tile.canvas.width !== width || tile.canvas.height !== height) {
      tile.canvas.width = width;
      tile.canvas.height = height;
    }
    tile.version = this.version;
    if (bitmap !== undefined) {
      tile.renderer.transferFromImageBitmap(bitmap);
      return;
    }
    const scratch = this.scratchFor(width, height);
    drawTile(
      this.text,
      look,
      scratch.context,
      this.sheet,
      tile.x,
      tile.y,
      this.tileRows(tile.x, tile.y),
      this.ratio,
    );
    // The scratch canvas is left blank by the move, ready for the next tile.
    tile.renderer.transferFromImageBitmap(scratch.canvas.transferToImageBitmap());
  }
}
