/**
 * How the experiments table's canvas tiles draw text (gridPaint.ts): the font and colours of the page's CSS
 * (the VS Code theme), and texts cut with an ellipsis to fit a cell as `text-overflow: ellipsis` does.
 */

const ELLIPSIS = '…';
/** Truncated texts kept, by width and text, before the cache is emptied. */
const FIT_CACHE = 4096;

/** What the canvas is drawn with: read from the page's CSS. */
export interface Look {
  font: string;
  ascent: number;
  /** The width of a wide glyph, px: a text of `n` such glyphs or fewer that fits needs no measuring. */
  wide: number;
  /** The advance of each printable ASCII character by its code, px (NaN for the others). */
  ascii: Float64Array;
  text: string;
  selectedText: string;
  selectedBackground: string;
  hoverBackground: string;
  status: Map<string, string>;
}

/** Reads the theme's look and fits texts to cells, measuring with a canvas of its own. */
export class TextLook {
  private readonly measure: CanvasRenderingContext2D;
  private readonly fits = new Map<string, string>();

  constructor() {
    const measure = document.createElement('canvas').getContext('2d');
    if (measure === null) {
      throw new Error('The experiments table needs a 2D canvas.');
    }
    this.measure = measure;
  }

  /** Forgets the texts fitted so far (the font changed). */
  clear(): void {
    this.fits.clear();
  }

  /** `whole` as it fits in `room` px, cut with an ellipsis as `text-overflow: ellipsis` does. */
  fit(look: Look, whole: string, room: number): string {
    if (whole.length * look.wide <= room || whole === '') {
      return whole;
    }
    // No cell shows more characters than it has px: a long value (a pasted file, a whole config) is
    // measured by its start only.
    const cut = whole.length > room + 1;
    const text = cut ? whole.slice(0, Math.max(1, Math.ceil(room)) + 1) : whole;
    // The sum of the characters' advances (1 px to spare for rounding): most cells need no measuring.
    let sum = cut ? Infinity : 1;
    for (let i = 0; i < text.length && sum <= room; i++) {
      const code = text.charCodeAt(i);
      sum += code < 128 ? look.ascii[code] : NaN;
    }
    if (sum <= room) {
      return text;
    }
    const key = `${room}\u0000${cut ? 'cut' : ''}\u0000${text}`;
    const known = this.fits.get(key);
    if (known !== undefined) {
      return known;
    }
    const context = this.measure;
    if (context.font !== look.font) {
      context.font = look.font;
    }
    let fitted = text;
    if (cut || context.measureText(text).width > room) {
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
  read(parent: Element): Look {
    const row = document.createElement('div');
    const lead = document.createElement('div');
    const cell = document.createElement('div');
    lead.className = 'lead';
    lead.append(cell);
    row.append(lead);
    row.setAttribute('aria-hidden', 'true');
    row.style.cssText = 'position:absolute;visibility:hidden;width:0;height:0;overflow:hidden';
    parent.append(row);
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
    const context = this.measure;
    context.font = font;
    return {
      font,
      ascent: context.measureText('Wg').fontBoundingBoxAscent,
      wide: Math.max(...['W', 'M', '@', '—'].map((glyph) => context.measureText(glyph).width)),
      ascii: Float64Array.from({ length: 128 }, (_, code) =>
        code >= 32 && code < 127 ? context.measureText(String.fromCharCode(code)).width : NaN,
      ),
      text,
      selectedText,
      selectedBackground,
      hoverBackground,
      status,
    };
  }
}
