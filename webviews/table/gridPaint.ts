/**
 * The free (not pinned) cells' text, drawn on canvas tiles while the grid scrolls.
 *
 * Why: in a DOM grid, a column that enters the view is a new cell in every drawn row, and each such row is
 * laid out and repainted again; at 10,000 runs × 1,000 columns that costs 30-60 ms a frame (the table
 * bench). Drawn on canvas tiles fixed in the grid's content, a scroll frame draws only the tiles that
 * entered the view: a row or a column of small tiles, or none. (One canvas the size of the view, whose
 * pixels are moved by each scroll, costs more: the browser then copies the whole canvas every frame.)
 *
 * The DOM keeps everything else: the header, the rows (hover, selection, clicks, keyboard), the pinned
 * columns and the grid's ARIA structure. The rows' free cells stay in the DOM with their text for screen
 * readers, find-in-page and tests, drawn transparent; the grid writes them when the scroll stops
 * (grid.ts). The tiles lie under the rows and over nothing else: the pinned columns' opaque background
 * covers them on the left, the sticky header on the top.
 *
 * Colours and font are read from the page's CSS (the VS Code theme), again when the theme changes.
 */
import type { FieldValue } from '../../src/shared/fieldOrder';
import { cellText, type DisplayItem, type TableModel } from './model';
import type { RowLayout } from './gridRows';
import { TextLook, type Look } from './gridLook';

/** Extra content drawn beyond the view on each side, in px (about the DOM rows' overscan). */
const MARGIN_X = 120;
const MARGIN_Y = 96;
/** A tile's size in content px: about two columns by eight rows. */
const TILE_WIDTH = 256;
const TILE_ROWS = 8;
/** Tiles in the margin (not in view) drawn per frame at most; the rest in the next frames. */
const MARGIN_TILES_PER_FRAME = 4;
/** Tiles kept aside (hidden) for reuse beyond those in use. */
const SPARE_TILES = 24;
/** A cell's horizontal padding in px (`.cell` in table.css). */
const PAD_X = 6;
/** A cell's top padding in px (`.cell` in table.css); the text's baseline is this plus the font's ascent. */
const PAD_TOP = 3;

/** Where the grid is scrolled to and how large its view is, px. */
export interface PaintView {
  scrollLeft: number;
  scrollTop: number;
  width: number;
  height: number;
}

/** One canvas of the tiling: column `x` and row `y` of tiles, drawn for {@link CellPainter}'s `version`. */
interface Tile {
  canvas: HTMLCanvasElement;
  context: CanvasRenderingContext2D;
  x: number;
  y: number;
  version: number;
  /** The font last set on the context (`''`: none since its size was set, which resets it). */
  font: string;
}

/**
 * Draws the free cells of the run rows in view on canvas tiles placed under the grid's rows. The tiles are
 * fixed in the grid's content: a scroll moves them with the rows (the browser does that, without drawing),
 * tiles that leave the view are reused for those that enter, and only those are drawn. A frame of a wheel
 * scroll draws a row or a column of small tiles, or none.
 */
export class CellPainter {
  /** The tiles' layer, to be put in the grid's content before the rows. */
  readonly element = document.createElement('div');
  private readonly text = new TextLook();
  private look: Look | undefined;
  private layout: RowLayout = { pinned: [], free: [], leadWidth: 0, width: 0 };
  private items: readonly DisplayItem[] = [];
  /** The left edge of each free column in content px, and the right edge of the last. */
  private starts = new Float64Array(1);
  /** The tiles in use by `y * 65536 + x`, and spare ones (hidden). */
  private readonly tiles = new Map<number, Tile>();
  private readonly spare: Tile[] = [];
  /** Raised when every tile is to be drawn again (contents, layout, theme or pixel ratio changed). */
  private version = 1;
  private ratio = 1;
  private hovered = -1;
  /** Display items to be drawn again (selection or hover changed), drawn at the next {@link paint}. */
  private readonly dirtyItems = new Set<number>();

  constructor(
    private readonly model: TableModel,
    private readonly rowTop: (item: number) => number,
    private readonly rowHeight: number,
    private readonly headerHeight: number,
    private readonly isSelected: (runId: string) => boolean,
  ) {
    this.element.className = 'grid-paint';
    this.element.setAttribute('aria-hidden', 'true');
  }

  /** Takes a new layout of the columns and display items; the next {@link paint} draws everything. */
  setLayout(layout: RowLayout, items: readonly DisplayItem[]): void {
    this.layout = layout;
    this.items = items;
    const starts = new Float64Array(layout.free.length + 1);
    let x = layout.leadWidth;
    layout.free.forEach((shown, i) => {
      starts[i] = x;
      x += shown.width;
    });
    starts[layout.free.length] = x;
    this.starts = starts;
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
    const lead = this.layout.leadWidth;
    const tileHeight = TILE_ROWS * this.rowHeight;
    const left = Math.max(0, view.scrollLeft + lead - MARGIN_X);
    const top = Math.max(0, view.scrollTop + this.headerHeight - MARGIN_Y);
    const right = Math.min(this.starts[this.starts.length - 1], view.scrollLeft + view.width + MARGIN_X);
    const bottom = Math.min(this.rowTop(this.items.length), view.scrollTop + view.height + MARGIN_Y);
    const x0 = Math.floor(left / TILE_WIDTH);
    const x1 = Math.ceil(right / TILE_WIDTH) - 1;
    const y0 = Math.floor(top / tileHeight);
    const y1 = Math.ceil(bottom / tileHeight) - 1;
    // The tiles the view itself meets (without the margin): drawn in this frame whatever it costs.
    const inX0 = Math.floor((view.scrollLeft + lead) / TILE_WIDTH);
    const inX1 = Math.ceil((view.scrollLeft + view.width) / TILE_WIDTH) - 1;
    const inY0 = Math.floor((view.scrollTop + this.headerHeight) / tileHeight);
    const inY1 = Math.ceil((view.scrollTop + view.height) / tileHeight) - 1;
    let budget = MARGIN_TILES_PER_FRAME;
    /** Tiles newly in use, placed once all are drawn. */
    const placed: Tile[] = [];
    let more = false;
    for (const [key, tile] of this.tiles) {
      if (tile.x < x0 || tile.x > x1 || tile.y < y0 || tile.y > y1) {
        this.tiles.delete(key);
        this.spare.push(tile);
      }
    }
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const key = y * 65536 + x;
        let tile = this.tiles.get(key);
        const inView = x >= inX0 && x <= inX1 && y >= inY0 && y <= inY1;
        if (!inView && (tile === undefined || tile.version !== this.version)) {
          if (budget === 0) {
            // Left for a later frame; a tile drawn for an older version is put aside, not shown stale.
            if (tile !== undefined) {
              this.tiles.delete(key);
              this.spare.push(tile);
            }
            more = true;
            continue;
          }
          budget--;
        }
        if (tile === undefined) {
          tile = this.spare.pop() ?? this.newTile();
          tile.x = x;
          tile.y = y;
          tile.version = 0;
          placed.push(tile);
          this.tiles.set(key, tile);
        }
        if (tile.version !== this.version) {
          this.drawTile(look, tile, tileHeight);
        } else if (this.dirtyItems.size > 0) {
          for (const item of this.dirtyItems) {
            const rowTop = this.rowTop(item);
            if (item >= 0 && rowTop >= y * tileHeight && rowTop < (y + 1) * tileHeight) {
              this.drawRow(look, tile, item, true);
            }
          }
        }
      }
    }
    this.dirtyItems.clear();
    for (const tile of this.spare.splice(SPARE_TILES)) {
      tile.canvas.remove();
    }
    // Style is written after every text is drawn: drawing text makes the browser bring the page's style up
    // to date first, so a style write between two tiles would cost a style pass for each.
    for (const tile of placed) {
      const style = tile.canvas.style;
      style.transform = `translate(${tile.x * TILE_WIDTH}px, ${tile.y * tileHeight}px)`;
      style.width = `${TILE_WIDTH}px`;
      style.height = `${tileHeight}px`;
      style.visibility = '';
    }
    for (const tile of this.spare) {
      tile.canvas.style.visibility = 'hidden';
    }
    return more;
  }

  private newTile(): Tile {
    const canvas = document.createElement('canvas');
    const context = canvas.getContext('2d');
    if (context === null) {
      throw new Error('The experiments table needs a 2D canvas.');
    }
    this.element.append(canvas);
    return { canvas, context, x: 0, y: 0, version: 0, font: '' };
  }

  /** Draws `tile` whole: every run row's free cells that meet it (cut by its edges). */
  private drawTile(look: Look, tile: Tile, tileHeight: number): void {
    const ratio = this.ratio;
    const width = Math.ceil(TILE_WIDTH * ratio);
    const height = Math.ceil(tileHeight * ratio);
    const { canvas, context } = tile;
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
      tile.font = '';
    } else {
      context.setTransform(1, 0, 0, 1, 0, 0);
      context.clearRect(0, 0, width, height);
    }
    tile.version = this.version;
    context.setTransform(ratio, 0, 0, ratio, -tile.x * TILE_WIDTH * ratio, -tile.y * tileHeight * ratio);
    // Setting a canvas's font makes the browser bring the page's style up to date first: only when it changed.
    if (tile.font !== look.font) {
      tile.font = look.font;
      context.font = look.font;
      context.textBaseline = 'alphabetic';
      // "inherit" (the default) would read the canvas's style on every text drawn.
      context.direction = 'ltr';
    }
    const first = Math.max(0, Math.floor((tile.y * tileHeight - this.headerHeight) / this.rowHeight));
    const last = Math.min(
      this.items.length - 1,
      Math.floor(((tile.y + 1) * tileHeight - this.headerHeight) / this.rowHeight),
    );
    for (let item = first; item <= last; item++) {
      this.drawRow(look, tile, item, false);
    }
  }

  /** Draws display item `item`'s free cells that meet `tile`, after clearing its band there if `clear`. */
  private drawRow(look: Look, tile: Tile, item: number, clear: boolean): void {
    const display = this.items[item];
    if (display?.kind !== 'run') {
      return;
    }
    const top = this.rowTop(item);
    const left = tile.x * TILE_WIDTH;
    if (clear) {
      tile.context.clearRect(left, top, TILE_WIDTH, this.rowHeight);
    }
    const count = this.layout.free.length;
    const first = Math.max(0, this.columnAt(left));
    const last = Math.min(count - 1, this.columnAt(left + TILE_WIDTH));
    for (let column = first; column <= last; column++) {
      const start = this.starts[column];
      this.drawCell(
        look,
        tile.context,
        display.row,
        item,
        column,
        start,
        this.starts[column + 1] - start,
        top,
      );
    }
  }

  /** The free column under content x (`-1` left of the first, `count` right of the last). */
  private columnAt(x: number): number {
    const starts = this.starts;
    let low = 0;
    let high = starts.length - 1;
    if (x < starts[0]) {
      return -1;
    }
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= x) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    return low;
  }

  private drawCell(
    look: Look,
    context: CanvasRenderingContext2D,
    row: number,
    item: number,
    column: number,
    left: number,
    width: number,
    top: number,
  ): void {
    const data = this.model.data;
    const selected = this.isSelected(data.runIds[row]);
    const band = selected ? look.selectedBackground : item === this.hovered ? look.hoverBackground : '';
    if (band !== '') {
      context.fillStyle = band;
      context.fillRect(left, top, width, this.rowHeight);
    }
    const shown = this.layout.free[column];
    const value: FieldValue = data.values[shown.index][row];
    const text = this.text.fit(look, cellText(shown.column, value), width - 2 * PAD_X);
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
}
