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
 * The DOM rows, when rendered, lie over the tiles and show the same (plus focus, tooltips and the pointer's
 * hover through CSS). Colours, font and the selection box's place are read from the page's CSS (the
 * VS Code theme, gridLook.ts), again when the theme changes.
 */
import type { DisplayItem, TableModel } from './model';
import { SELECT_WIDTH, STAR_WIDTH, type RowLayout } from './gridRows';
import { drawBox, drawStar, drawText } from './gridDraw';
import { TextLook, type Look } from './gridLook';

/** Extra content drawn beyond the view on each side, in px (about the DOM rows' overscan). */
const MARGIN_X = 120;
const MARGIN_Y = 96;
/** A free tile's least width in content px: whole columns up to about two; wider for a wider column. */
const TILE_WIDTH = 256;
/** Rows per tile. */
const TILE_ROWS = 8;
/** Tiles in the margin (not in view) drawn per frame at most; the rest in the next frames. */
const MARGIN_TILES_PER_FRAME = 4;
/** Tiles kept aside (hidden) for reuse beyond those in use, per sheet. */
const SPARE_TILES = 24;
/** The tile column of the pinned part's sheet. */
const LEAD = -1;

/** Where the grid is scrolled to and how large its view is, px. */
export interface PaintView {
  scrollLeft: number;
  scrollTop: number;
  width: number;
  height: number;
}

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
 * enter, and only those are drawn.
 */
export class CellPainter {
  /** The tiles' layer, to be put in the grid's content before the rows. */
  readonly element = document.createElement('div');
  /** The pinned part's pane, sticking to the view's left. */
  private readonly leadPane = document.createElement('div');
  private readonly text = new TextLook();
  private look: Look | undefined;
  private layout: RowLayout = { pinned: [], free: [], leadWidth: 0, width: 0 };
  private items: readonly DisplayItem[] = [];
  /** The left edge of each free column in content px, and the right edge of the last. */
  private starts = new Float64Array(1);
  /** The first free column of each tile column, and the count of free columns after the last. */
  private tileColumns = new Int32Array(1);
  /** The width of the free tiles' canvases, px: at least every tile column's. */
  private tileWidth = TILE_WIDTH;
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

  constructor(
    private readonly model: TableModel,
    private readonly rowTop: (item: number) => number,
    private readonly rowHeight: number,
    private readonly headerHeight: number,
    private readonly isSelected: (runId: string) => boolean,
  ) {
    this.element.className = 'grid-paint';
    this.element.setAttribute('aria-hidden', 'true');
    this.leadPane.className = 'lead-pane';
    this.element.append(this.leadPane);
  }

  /** Takes a new layout of the columns and display items; the next {@link paint} draws everything. */
  setLayout(layout: RowLayout, items: readonly DisplayItem[]): void {
    this.layout = layout;
    this.items = items;
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
    this.starts = starts;
    this.tileColumns = Int32Array.from(tileColumns);
    this.tileWidth = Math.max(widest, x - tileStart);
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
    this.dirtyItems.add(this.hovered);
    this.dirtyItems.add(item);
    this.hovered = item;
    return true;
  }

  /**
   * Draws the tiles that meet `view` and are not drawn yet, and a few of those in the margin around it.
   * Returns whether margin tiles are left to draw (then call again in the next frame).
   */
  paint(view: PaintView): boolean {
    const look = (this.look ??= this.text.read(this.element.parentElement ?? document.body));
    const ratio = window.devicePixelRatio || 1;
    if (ratio !== this.ratio) {
      this.ratio = ratio;
      this.version++;
    }
    const tileHeight = TILE_ROWS * this.rowHeight;
    const lead = this.layout.leadWidth;
    const starts = this.starts;
    const end = starts[starts.length - 1];
    const rows = Math.ceil(this.items.length / TILE_ROWS);
    const rowTile = (y: number): number => Math.floor((y - this.headerHeight) / tileHeight);
    // Tile columns and rows meeting the view with its margin, and the view itself.
    const x0 = this.tileAt(view.scrollLeft + lead - MARGIN_X);
    const x1 = this.tileAt(Math.min(end, view.scrollLeft + view.width + MARGIN_X) - 1);
    const y0 = Math.max(0, rowTile(view.scrollTop + this.headerHeight - MARGIN_Y));
    const y1 = Math.min(rows - 1, rowTile(view.scrollTop + view.height + MARGIN_Y - 1));
    const inX0 = this.tileAt(view.scrollLeft + lead);
    const inX1 = this.tileAt(Math.min(end, view.scrollLeft + view.width) - 1);
    const inY0 = Math.max(0, rowTile(view.scrollTop + this.headerHeight));
    const inY1 = Math.min(rows - 1, rowTile(view.scrollTop + view.height - 1));
    let budget = MARGIN_TILES_PER_FRAME;
    /** Tiles newly in use, placed once all are drawn. */
    const placed: Tile[] = [];
    let more = false;
    const free = x1 >= x0 && end > lead;
    for (const [key, tile] of this.tiles) {
      if ((tile.x !== LEAD && (!free || tile.x < x0 || tile.x > x1)) || tile.y < y0 || tile.y > y1) {
        this.tiles.delete(key);
        (tile.x === LEAD ? this.spareLead : this.spare).push(tile);
      }
    }
    for (let y = y0; y <= y1; y++) {
      for (let x = lead > 0 ? LEAD : x0; x <= x1; x = x === LEAD ? x0 : x + 1) {
        if (x !== LEAD && !free) {
          break;
        }
        const key = this.key(x, y);
        let tile = this.tiles.get(key);
        const inView = (x === LEAD || (x >= inX0 && x <= inX1)) && y >= inY0 && y <= inY1;
        const stale = tile === undefined || tile.version !== this.version || this.hasDirtyRow(y);
        if (!inView && stale) {
          if (budget === 0) {
            // Left for a later frame; a tile drawn for an older version is put aside, not shown stale.
            if (tile !== undefined) {
              this.tiles.delete(key);
              (x === LEAD ? this.spareLead : this.spare).push(tile);
            }
            more = true;
            continue;
          }
          budget--;
        }
        if (tile === undefined) {
          tile = (x === LEAD ? this.spareLead.pop() : this.spare.pop()) ?? this.newTile(x === LEAD);
          tile.x = x;
          tile.y = y;
          tile.version = 0;
          placed.push(tile);
          this.tiles.set(key, tile);
        }
        if (stale) {
          this.drawTile(look, tile);
        }
      }
    }
    this.dirtyItems.clear();
    for (const pool of [this.spare, this.spareLead]) {
      for (const tile of pool.splice(SPARE_TILES)) {
        tile.canvas.remove();
      }
    }
    // Style is written after every tile is drawn: drawing text makes the browser bring the page's style up
    // to date first, so a style write between two tiles would cost a style pass for each.
    for (const tile of placed) {
      const style = tile.canvas.style;
      const left = tile.x === LEAD ? 0 : starts[this.tileColumns[tile.x]];
      style.transform = `translate(${left}px, ${this.headerHeight + tile.y * tileHeight}px)`;
      style.width = `${this.sheetWidth(look, tile.x === LEAD)}px`;
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

  /** The width of a tile of the pinned part's sheet (with the pinned part's border) or of the free one, px. */
  private sheetWidth(look: Look, lead: boolean): number {
    return lead ? this.layout.leadWidth + look.leadBorderWidth : this.tileWidth;
  }

  /** The key of tile column `x` (or {@link LEAD}) and tile row `y` in {@link tiles}. */
  private key(x: number, y: number): number {
    return y * 65536 + x + 1;
  }

  /** The tile column holding content x (the first left of the first, the last right of the last). */
  private tileAt(x: number): number {
    const columns = this.tileColumns;
    const starts = this.starts;
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

  /** Draws `tile` whole: its rows' free cells of its columns, or their pinned part. */
  private drawTile(look: Look, tile: Tile): void {
    const ratio = this.ratio;
    const lead = tile.x === LEAD;
    const tileHeight = TILE_ROWS * this.rowHeight;
    const width = Math.ceil(this.sheetWidth(look, lead) * ratio);
    const height = Math.ceil(tileHeight * ratio);
    const scratch = this.scratchFor(width, height);
    const { context } = scratch;
    if (tile.canvas.width !== width || tile.canvas.height !== height) {
      tile.canvas.width = width;
      tile.canvas.height = height;
    }
    tile.version = this.version;
    const left = lead ? 0 : this.starts[this.tileColumns[tile.x]];
    const top = this.headerHeight + tile.y * tileHeight;
    context.setTransform(ratio, 0, 0, ratio, -left * ratio, -top * ratio);
    // Set for every tile: a context the browser discarded and restored has lost its state.
    context.font = look.font;
    context.textBaseline = 'alphabetic';
    context.direction = 'ltr';
    const first = tile.y * TILE_ROWS;
    const last = Math.min(this.items.length - 1, first + TILE_ROWS - 1);
    for (let item = first; item <= last; item++) {
      const display = this.items[item];
      if (display?.kind !== 'run') {
        continue;
      }
      if (lead) {
        this.drawLead(look, context, display.row, item);
      } else {
        for (let column = this.tileColumns[tile.x]; column < this.tileColumns[tile.x + 1]; column++) {
          this.drawCell(look, context, display.row, item, column);
        }
      }
    }
    // The scratch canvas is left blank by the move, ready for the next tile.
    tile.renderer.transferFromImageBitmap(scratch.canvas.transferToImageBitmap());
  }

  /** The row's band colour: selection, hover or none (`''`). */
  private band(look: Look, selected: boolean, item: number): string {
    return selected ? look.selectedBackground : item === this.hovered ? look.hoverBackground : '';
  }

  /** Draws a row's pinned part as the DOM row's `.lead` shows it: box, star and pinned cells. */
  private drawLead(look: Look, context: OffscreenCanvasRenderingContext2D, row: number, item: number): void {
    const data = this.model.data;
    const top = this.rowTop(item);
    const selected = this.isSelected(data.runIds[row]);
    const height = this.rowHeight;
    context.fillStyle = look.leadBackground;
    context.fillRect(0, top, this.layout.leadWidth + look.leadBorderWidth, height);
    const band = this.band(look, selected, item);
    if (band !== '') {
      context.fillStyle = band;
      context.fillRect(0, top, this.layout.leadWidth, height);
    }
    context.fillStyle = look.leadBorder;
    context.fillRect(this.layout.leadWidth, top, look.leadBorderWidth, height);
    drawBox(look, context, top, selected);
    drawStar(look, context, top, data.starred[row], selected);
    let left = SELECT_WIDTH + STAR_WIDTH;
    for (const shown of this.layout.pinned) {
      drawText(
        this.text,
        look,
        context,
        shown,
        data.values[shown.index][row],
        selected,
        left,
        shown.width,
        top,
      );
      left += shown.width;
    }
  }

  private drawCell(
    look: Look,
    context: OffscreenCanvasRenderingContext2D,
    row: number,
    item: number,
    column: number,
  ): void {
    const data = this.model.data;
    const selected = this.isSelected(data.runIds[row]);
    const left = this.starts[column];
    const width = this.starts[column + 1] - left;
    const top = this.rowTop(item);
    const band = this.band(look, selected, item);
    if (band !== '') {
      context.fillStyle = band;
      context.fillRect(left, top, width, this.rowHeight);
    }
    const shown = this.layout.free[column];
    drawText(this.text, look, context, shown, data.values[shown.index][row], selected, left, width, top);
  }
}
