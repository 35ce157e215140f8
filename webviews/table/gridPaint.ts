/**
 * The free (not pinned) cells' text, drawn on a 2D canvas while the grid scrolls.
 *
 * Why: in a DOM grid, a column that enters the view is a new cell in every drawn row, and each such row is
 * laid out and repainted again; at 10,000 runs × 1,000 columns that costs 30-60 ms a frame (the table
 * bench). Drawn on a canvas, a scroll frame moves the pixels already drawn and draws only the strips that
 * entered: a few rows or one column, about a hundred texts.
 *
 * The DOM keeps everything else: the header, the rows (hover, selection, clicks, keyboard), the pinned
 * columns and the grid's ARIA structure. The rows' free cells stay in the DOM with their text for screen
 * readers, find-in-page and tests, drawn transparent; the grid writes them when the scroll stops
 * (grid.ts). The canvas lies under the rows and over nothing else: the pinned columns' opaque background
 * covers it on the left, the sticky header on the top.
 *
 * The canvas is placed in the grid's content coordinates (over the part in view, plus a margin), so that it
 * moves with the rows when the browser scrolls ahead of the page's next frame, as the DOM cells did.
 * Colours and font are read from the page's CSS (the VS Code theme), again when the theme changes.
 */
import type { FieldValue } from '../../src/shared/fieldOrder';
import { cellText, type DisplayItem, type TableModel } from './model';
import type { RowLayout } from './gridRows';

/** Extra content drawn beyond the view on each side, in px (about the DOM rows' overscan). */
const MARGIN_X = 120;
const MARGIN_Y = 96;
/** A cell's horizontal padding in px (`.cell` in table.css). */
const PAD_X = 6;
/** A cell's top padding in px (`.cell` in table.css); the text's baseline is this plus the font's ascent. */
const PAD_TOP = 3;
const ELLIPSIS = '…';
/** Truncated texts kept, by width and text, before the cache is emptied. */
const FIT_CACHE = 4096;

/** A rectangle in the grid's content coordinates, px. */
interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** What the canvas is drawn with: read from the page's CSS. */
interface Look {
  font: string;
  ascent: number;
  /** The width of a wide glyph, px: a text of `n` such glyphs or fewer that fits needs no measuring. */
  wide: number;
  text: string;
  selectedText: string;
  selectedBackground: string;
  hoverBackground: string;
  status: Map<string, string>;
}

/** Where the grid is scrolled to and how large its view is, px. */
export interface PaintView {
  scrollLeft: number;
  scrollTop: number;
  width: number;
  height: number;
}

/** Draws the free cells of the run rows in view on a canvas placed under the grid's rows. */
export class CellPainter {
  /** The canvas, to be put in the grid's content before the rows. */
  readonly element = document.createElement('canvas');
  private readonly context: CanvasRenderingContext2D;
  private look: Look | undefined;
  private layout: RowLayout = { pinned: [], free: [], leadWidth: 0, width: 0 };
  private items: readonly DisplayItem[] = [];
  /** The left edge of each free column in content px, and the right edge of the last. */
  private starts = new Float64Array(1);
  /** What the canvas shows, in content px, or undefined when it must be drawn whole. */
  private drawn: Box | undefined;
  private ratio = 1;
  private hovered = -1;
  /** Display items to be drawn again (selection or hover changed), drawn at the next {@link paint}. */
  private readonly dirtyItems = new Set<number>();
  private readonly fits = new Map<string, string>();

  constructor(
    private readonly model: TableModel,
    private readonly rowTop: (item: number) => number,
    private readonly rowHeight: number,
    private readonly headerHeight: number,
    private readonly isSelected: (runId: string) => boolean,
  ) {
    const context = this.element.getContext('2d');
    if (context === null) {
      throw new Error('The experiments table needs a 2D canvas.');
    }
    this.context = context;
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
    this.drawn = undefined;
    this.dirtyItems.clear();
  }

  /** Forgets the colours and font read from the page (the theme changed) and draws everything again. */
  restyle(): void {
    this.look = undefined;
    this.fits.clear();
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

  /** Draws the free cells in `view` (and the margin around it), reusing the pixels already drawn. */
  paint(view: PaintView): void {
    const look = (this.look ??= this.readLook());
    const lead = this.layout.leadWidth;
    const box: Box = {
      x: Math.max(0, view.scrollLeft + lead - MARGIN_X),
      y: Math.max(0, view.scrollTop + this.headerHeight - MARGIN_Y),
      w: Math.max(0, view.width - lead + 2 * MARGIN_X),
      h: Math.max(0, view.height - this.headerHeight + 2 * MARGIN_Y),
    };
    const ratio = window.devicePixelRatio || 1;
    const width = Math.ceil(box.w * ratio);
    const height = Math.ceil(box.h * ratio);
    const context = this.context;
    if (this.element.width !== width || this.element.height !== height || this.ratio !== ratio) {
      this.element.width = width;
      this.element.height = height;
      this.element.style.width = `${box.w}px`;
      this.element.style.height = `${box.h}px`;
      this.ratio = ratio;
      this.drawn = undefined;
    }
    if (width === 0 || height === 0) {
      return;
    }
    let kept = this.drawn === undefined ? undefined : intersect(this.drawn, box);
    if (this.drawn !== undefined && kept !== undefined) {
      if (this.drawn.x !== box.x || this.drawn.y !== box.y) {
        // Move what is drawn by the scroll: the part of the old box still in view lands where it is now.
        context.setTransform(1, 0, 0, 1, 0, 0);
        context.globalCompositeOperation = 'copy';
        context.drawImage(
          this.element,
          Math.round((this.drawn.x - box.x) * ratio),
          Math.round((this.drawn.y - box.y) * ratio),
        );
        context.globalCompositeOperation = 'source-over';
      }
    } else {
      kept = undefined;
      context.setTransform(1, 0, 0, 1, 0, 0);
      context.clearRect(0, 0, width, height);
    }
    this.element.style.transform = `translate(${box.x}px, ${box.y}px)`;
    context.setTransform(ratio, 0, 0, ratio, -box.x * ratio, -box.y * ratio);
    context.font = look.font;
    context.textBaseline = 'alphabetic';
    const [firstItem, lastItem] = this.itemRange(box);
    const [firstColumn, lastColumn] = this.columnRange(box);
    for (let item = firstItem; item <= lastItem; item++) {
      const display = this.items[item];
      if (display?.kind !== 'run') {
        continue;
      }
      const top = this.rowTop(item);
      const whole = this.dirtyItems.has(item) || !inside(kept, top, this.rowHeight, true);
      for (let column = firstColumn; column <= lastColumn; column++) {
        const left = this.starts[column];
        const right = this.starts[column + 1];
        if (whole || !inside(kept, left, right - left, false)) {
          this.drawCell(look, display.row, item, column, left, right - left, top, kept !== undefined);
        }
      }
    }
    this.dirtyItems.clear();
    this.drawn = box;
  }

  /** The display items whose rows meet `box` (`last < first`: none). */
  private itemRange(box: Box): [number, number] {
    const first = Math.max(0, Math.floor((box.y - this.headerHeight) / this.rowHeight));
    const last = Math.min(
      this.items.length - 1,
      Math.floor((box.y + box.h - this.headerHeight) / this.rowHeight),
    );
    return [first, last];
  }

  /** The free columns that meet `box` (`last < first`: none), by binary search over their edges. */
  private columnRange(box: Box): [number, number] {
    const count = this.layout.free.length;
    if (count === 0) {
      return [0, -1];
    }
    return [Math.max(0, this.columnAt(box.x)), Math.min(count - 1, this.columnAt(box.x + box.w))];
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
    row: number,
    item: number,
    column: number,
    left: number,
    width: number,
    top: number,
    clear: boolean,
  ): void {
    const context = this.context;
    const data = this.model.data;
    const selected = this.isSelected(data.runIds[row]);
    if (clear) {
      context.clearRect(left, top, width, this.rowHeight);
    }
    const band = selected ? look.selectedBackground : item === this.hovered ? look.hoverBackground : '';
    if (band !== '') {
      context.fillStyle = band;
      context.fillRect(left, top, width, this.rowHeight);
    }
    const shown = this.layout.free[column];
    const value: FieldValue = data.values[shown.index][row];
    const text = this.fit(look, cellText(shown.column, value), width - 2 * PAD_X);
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

  /** `text` as it fits in `room` px, cut with an ellipsis as `text-overflow: ellipsis` does. */
  private fit(look: Look, text: string, room: number): string {
    if (text.length * look.wide <= room || text === '') {
      return text;
    }
    const key = `${room}\u0000${text}`;
    const known = this.fits.get(key);
    if (known !== undefined) {
      return known;
    }
    const context = this.context;
    let fitted = text;
    if (context.measureText(text).width > room) {
      let low = 0;
      let high = text.length;
      while (low < high) {
        const mid = (low + high + 1) >> 1;
        if (context.measureText(text.slice(0, mid) + ELLIPSIS).width <= room) {
          low = mid;
        } else {
          high = mid - 1;
        }
      }
      fitted = low === 0 ? '' : text.slice(0, low) + ELLIPSIS;
    }
    if (this.fits.size >= FIT_CACHE) {
      this.fits.clear();
    }
    this.fits.set(key, fitted);
    return fitted;
  }

  /**
   * Reads font and colours from the page's CSS (the theme): from a hidden probe row built as the grid's
   * rows are (`.row.run` > `.lead` > `.cell`), whose computed colours are always `rgb()`/`rgba()` values a
   * canvas takes, whatever the theme wrote.
   */
  private readLook(): Look {
    const row = document.createElement('div');
    const lead = document.createElement('div');
    const cell = document.createElement('div');
    lead.className = 'lead';
    lead.append(cell);
    row.append(lead);
    row.setAttribute('aria-hidden', 'true');
    row.style.cssText = 'position:absolute;visibility:hidden;width:0;height:0;overflow:hidden';
    (this.element.parentElement ?? document.body).append(row);
    const read = (rowClass: string, cellClass = 'cell', color = ''): CSSStyleDeclaration => {
      row.className = rowClass;
      cell.className = cellClass;
      cell.style.color = color;
      return getComputedStyle(cell);
    };
    const plain = read('row run');
    const font = `${plain.fontStyle} ${plain.fontWeight} ${plain.fontSize} ${plain.fontFamily}`;
    const text = plain.color;
    const selectedText = read('row run selected').color;
    // The bands as the rows' CSS colours them (table.css), resolved to rgb()/rgba() through `color`.
    const band = (variable: string): string => {
      const color = read('row run', 'cell', `var(${variable}, transparent)`).color;
      return color === 'transparent' || /,\s*0\)$/.test(color) ? '' : color;
    };
    const selectedBackground = band('--vscode-list-activeSelectionBackground');
    const hoverBackground = band('--vscode-list-hoverBackground');
    const status = new Map<string, string>();
    for (const name of ['failed', 'running', 'queued']) {
      status.set(name, read('row run', `cell status-${name}`).color);
    }
    row.remove();
    const context = this.context;
    context.font = font;
    return {
      font,
      ascent: context.measureText('Wg').fontBoundingBoxAscent,
      wide: Math.max(...['W', 'M', '@', '—'].map((glyph) => context.measureText(glyph).width)),
      text,
      selectedText,
      selectedBackground,
      hoverBackground,
      status,
    };
  }
}

function intersect(a: Box, b: Box): Box | undefined {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const right = Math.min(a.x + a.w, b.x + b.w);
  const bottom = Math.min(a.y + a.h, b.y + b.h);
  return right > x && bottom > y ? { x, y, w: right - x, h: bottom - y } : undefined;
}

/** Whether the span from `start` of `size` px lies inside `box` (vertically, or horizontally). */
function inside(box: Box | undefined, start: number, size: number, vertical: boolean): boolean {
  if (box === undefined) {
    return false;
  }
  return vertical
    ? start >= box.y && start + size <= box.y + box.h
    : start >= box.x && start + size <= box.x + box.w;
}
