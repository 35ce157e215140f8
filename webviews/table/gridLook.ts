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
  /** The advance of the ellipsis a cut text ends with, px. */
  ellipsis: number;
  text: string;
  selectedText: string;
  selectedBackground: string;
  hoverBackground: string;
  status: Map<string, string>;
  /** The pinned part's opaque background (the editor's) and its right border (outside its width): colour and width, px. */
  leadBackground: string;
  leadBorder: string;
  leadBorderWidth: number;
  /** The star's colour when on. */
  starOn: string;
  /** A row's selection box: left and top edge in its row and size, px; fill, border and check colours. */
  box: {
    x: number;
    y: number;
    size: number;
    fill: string;
    border: string;
    check: string;
    checkedFill: string;
  };
}

/**
 * Reads the theme's look and fits texts to cells, measuring with a canvas of its own (an `OffscreenCanvas`:
 * the tile worker fits texts with one too, and {@link read} is for the page only).
 */
export class TextLook {
  private readonly measure: OffscreenCanvasRenderingContext2D;
  private readonly fits = new Map<string, string>();

  constructor() {
    const measure = new OffscreenCanvas(1, 1).getContext('2d');
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
    // Printable ASCII is fitted by the sum of the characters' advances (1 px to spare for rounding and
    // kerning, which in UI fonts narrows more than it widens): most cells need no measuring.
    let sum = 1;
    let kept = 0;
    let ascii = true;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      const advance = code < 128 ? look.ascii[code] : NaN;
      if (Number.isNaN(advance)) {
        ascii = false;
        break;
      }
      sum += advance;
      if (sum + look.ellipsis <= room) {
        kept = i + 1;
      } else if (sum > room) {
        break;
      }
    }
    if (ascii) {
      if (!cut && sum <= room) {
        return text;
      }
      return kept === 0 ? '' : text.slice(0, kept) + ELLIPSIS;
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
    const select = document.createElement('div');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.className = 'row-check';
    box.tabIndex = -1;
    select.className = 'cell select';
    select.append(box);
    lead.className = 'lead';
    lead.append(select, cell);
    row.append(lead);
    row.setAttribute('aria-hidden', 'true');
    row.style.cssText = 'position:absolute;visibility:hidden;width:200px;overflow:hidden;contain:strict';
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
      // Only an alpha of 0 is no band: `rgb(200, 0, 0)` ends in `, 0)` too, and is red.
      return color === 'transparent' || /^rgba\([^)]*,\s*0\)$/.test(color) ? '' : color;
    };
    const selectedBackground = band('--vscode-list-activeSelectionBackground');
    const hoverBackground = band('--vscode-list-hoverBackground');
    const status = new Map<string, string>();
    for (const name of ['failed', 'running', 'queued']) {
      status.set(name, read('row run', `cell status-${name}`).color);
    }
    const starOn = read('row run', 'cell star on').color;
    read('row run');
    const leadStyle = getComputedStyle(lead);
    const leadBackground = leadStyle.backgroundColor;
    const leadBorder = leadStyle.borderRightColor;
    const leadBorderWidth = parseFloat(leadStyle.borderRightWidth) || 0;
    const rowBox = row.getBoundingClientRect();
    const boxBox = box.getBoundingClientRect();
    const boxStyle = getComputedStyle(box);
    const fill = boxStyle.backgroundColor;
    const border = boxStyle.borderTopColor;
    box.checked = true;
    const checkedStyle = getComputedStyle(box);
    const checkedFill = checkedStyle.backgroundColor;
    const check = getComputedStyle(box, '::after').borderRightColor;
    row.remove();
    const context = this.measure;
    context.font = font;
    return {
      font,
      ascent: context.measureText('Wg').fontBoundingBoxAscent,
      wide: Math.max(...['W', 'M', '@', '—'].map((glyph) => context.measureText(glyph).width)),
      ellipsis: context.measureText(ELLIPSIS).width,
      ascii: Float64Array.from({ length: 128 }, (_, code) =>
        code >= 32 && code < 127 ? context.measureText(String.fromCharCode(code)).width : NaN,
      ),
      text,
      selectedText,
      selectedBackground,
      hoverBackground,
      status,
      leadBackground,
      leadBorder,
      leadBorderWidth,
      starOn,
      box: {
        x: boxBox.left - rowBox.left,
        y: boxBox.top - rowBox.top,
        size: boxBox.width,
        fill,
        border,
        check,
        checkedFill,
      },
    };
  }
}

/**
 * Calls `onTheme` when the theme changes (CSS variables on `<html>`, classes on `<body>`) and `onDensity`
 * when the device pixel ratio does (a zoom, a screen of another density: tiles are drawn again, sharp,
 * without waiting for a scroll). Returns what stops watching.
 */
export function watchLook(onTheme: () => void, onDensity: () => void): () => void {
  const theme = new MutationObserver(onTheme);
  theme.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  theme.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  // The query matches the density it was made for until that changes; then one for the new density.
  let density = matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`);
  const onChange = (): void => {
    density.removeEventListener('change', onChange);
    density = matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`);
    density.addEventListener('change', onChange);
    onDensity();
  };
  density.addEventListener('change', onChange);
  return () => {
    theme.disconnect();
    density.removeEventListener('change', onChange);
  };
}
