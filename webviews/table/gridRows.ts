/**
 * The drawn DOM rows of the grid, reused as the view moves (placed by gridPlace.ts, again once a scroll
 * stops): a run's row that left the view takes the place of one that entered, and in each row a cell
 * whose column left takes the place of one whose column entered. A reused row or cell is written only
 * where it differs (text through its kept Text node, class, position), so placing them costs a few text
 * and style writes per cell, not new elements.
 *
 * Since a reused row's place in the DOM is not its place on screen, the rows and cells carry the ARIA
 * grid's positions (WAI-ARIA 1.2, `grid`, `row`, `gridcell`; the "Data Grid" pattern of the ARIA Authoring
 * Practices): `aria-rowindex` (1-based, the header row is 1, display item `i` is `i + 2`) and
 * `aria-colindex` ({@link colIndex}), written, like the rest, only when a row's item or a cell's column
 * changes, so screen readers read the rows in display order.
 */
import type { FieldValue } from '../../src/shared/fieldOrder';
import { cellText, groupTitle, type DisplayItem, type ShownColumn, type TableModel } from './model';

export const SELECT_WIDTH = 28;
export const STAR_WIDTH = 24;
/** The columns before the pinned ones: the selection box and the star. */
export const LEAD_COLUMNS = 2;

/** The ARIA column index (1-based) of pinned column `index`, or of free column `index` when `free`. */
export function colIndex(layout: RowLayout, index: number, free: boolean): number {
  return LEAD_COLUMNS + 1 + (free ? layout.pinned.length : 0) + index;
}

/** The ARIA column count of a layout: the lead columns, the pinned and the free ones. */
export function colCount(layout: RowLayout): number {
  return LEAD_COLUMNS + layout.pinned.length + layout.free.length;
}

/** The left edge in px in the grid's content of free column `index` of `layout`. */
export function freeStart(layout: RowLayout, index: number): number {
  let start = layout.leadWidth;
  for (let i = 0; i < index; i++) {
    start += layout.free[i].width;
  }
  return start;
}

/**
 * Where to scroll the grid sideways (px) so that free column `index` of `layout` is in a view `width` px
 * wide right of the pinned part, now scrolled to `left` px: `left` when it is in view already.
 */
export function revealedAt(layout: RowLayout, index: number, left: number, width: number): number {
  const start = freeStart(layout, index);
  const end = start + layout.free[index].width;
  if (start < left + layout.leadWidth) {
    return start - layout.leadWidth;
  }
  return end > left + width ? Math.min(start - layout.leadWidth, end - width) : left;
}

/** The ARIA row index of display item `item` (the header row is 1). */
export function rowIndex(item: number): number {
  return item + 2;
}

/** A drawn cell and what it shows. */
export interface CellSlot {
  element: HTMLDivElement;
  text: Text;
  className: string;
  /** Left edge in px in its row (free cells only), `-1` before it is placed. */
  left: number;
  width: number;
  /** Its `aria-colindex`, `-1` before it is set. */
  col: number;
}

/** A drawn run row. `row` is the data row it shows, `-1` when its contents are to be written again. */
export interface RunRow {
  kind: 'run';
  element: HTMLDivElement;
  box: HTMLInputElement;
  /** The star's cell; its text is that of {@link starButton}, the toggle inside it. */
  star: CellSlot;
  /** The star's toggle (`aria-pressed`), reached from the box with ArrowRight (gridKeys.ts). */
  starButton: HTMLButtonElement;
  pinned: CellSlot[];
  /** The free (not pinned) cells by index into the free columns. */
  free: Map<number, CellSlot>;
  row: number;
  /** The data row the free cells show, `-1` when they are to be written again. */
  freeRow: number;
  item: number;
  top: number;
  selected: boolean;
}

/** A drawn commit group's header row (few in view; made new when one enters). */
export interface GroupRow {
  kind: 'group';
  element: HTMLDivElement;
}

/** The columns as the grid lays them out, and the canvas width in px. */
export interface RowLayout {
  pinned: readonly ShownColumn[];
  free: readonly ShownColumn[];
  leadWidth: number;
  width: number;
}

/** The columns in view: the free columns' virtual items, first and last index (`last < first`: none). */
export interface ColumnWindow {
  items: readonly { index: number; start: number }[];
  first: number;
  last: number;
}

export function div(className: string, text?: string): HTMLDivElement {
  const el = document.createElement('div');
  el.className = className;
  if (text !== undefined) {
    el.textContent = text;
  }
  return el;
}

function newCell(width: number, col = -1): CellSlot {
  const element = document.createElement('div');
  const text = document.createTextNode('');
  element.append(text);
  element.style.width = `${width}px`;
  element.setAttribute('role', 'gridcell');
  if (col > 0) {
    element.setAttribute('aria-colindex', String(col));
  }
  return { element, text, className: '', left: -1, width, col };
}

/** Writes a cell's text and class where they differ from what it shows. */
function fillCell(slot: CellSlot, shown: ShownColumn, value: FieldValue, base: string): void {
  const text = cellText(shown.column, value);
  if (slot.text.data !== text) {
    slot.text.data = text;
  }
  let className = typeof value === 'number' ? `${base} num` : base;
  if (shown.column.key === 'status') {
    className += ` status-${String(value)}`;
  }
  if (slot.className !== className) {
    slot.className = className;
    slot.element.className = className;
  }
}

/** Makes and fills the rows of the grid for one layout of its columns. */
export class RowDrawer {
  private readonly spareCells: CellSlot[] = [];

  constructor(
    private readonly model: TableModel,
    private readonly layout: RowLayout,
    private readonly isSelected: (runId: string) => boolean,
  ) {}

  /** A new, empty run row (filled by {@link fill}). */
  runRow(): RunRow {
    const element = div('row run');
    element.setAttribute('role', 'row');
    element.style.width = `${this.layout.width}px`;
    const lead = div('lead');
    lead.setAttribute('role', 'presentation');
    lead.style.width = `${this.layout.leadWidth}px`;
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.className = 'row-check';
    // Reached with the arrow keys (grid.ts): the rows are one stop of the Tab order, not one per run.
    box.tabIndex = -1;
    const boxCell = div('cell select');
    boxCell.setAttribute('role', 'gridcell');
    boxCell.setAttribute('aria-colindex', '1');
    boxCell.append(box);
    const star = newCell(STAR_WIDTH, 2);
    // A real button: Enter and Space click it, and the grid takes the click as the star's (grid.ts).
    const starButton = document.createElement('button');
    starButton.type = 'button';
    starButton.className = 'star-toggle';
    starButton.tabIndex = -1;
    starButton.append(star.text);
    star.element.append(starButton);
    const pinned = this.layout.pinned.map((c, i) => newCell(c.width, colIndex(this.layout, i, false)));
    lead.append(boxCell, star.element, ...pinned.map((c) => c.element));
    element.append(lead);
    return {
      kind: 'run',
      element,
      box,
      star,
      starButton,
      pinned,
      free: new Map(),
      row: -1,
      freeRow: -1,
      item: -1,
      top: -1,
      selected: false,
    };
  }

  /** A commit group's header row, display item `item`, at `top` px (one cell across every column). */
  groupRow(
    group: Extract<DisplayItem, { kind: 'group' }>,
    item: number,
    top: number,
    onToggle: () => void,
  ): GroupRow {
    const element = div('row group');
    element.setAttribute('role', 'row');
    element.setAttribute('aria-rowindex', String(rowIndex(item)));
    element.style.transform = `translateY(${top}px)`;
    element.style.width = `${this.layout.width}px`;
    const cell = div('group-cell');
    cell.setAttribute('role', 'gridcell');
    cell.setAttribute('aria-colindex', '1');
    cell.setAttribute('aria-colspan', String(colCount(this.layout)));
    const label = div('group-label', groupTitle(group));
    label.setAttribute('role', 'button');
    label.setAttribute('aria-expanded', String(!group.collapsed));
    // Reached with the arrow keys from the rows (grid.ts), not a stop of the Tab order of its own.
    label.tabIndex = -1;
    label.addEventListener('click', onToggle);
    label.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        onToggle();
      }
    });
    cell.append(label);
    element.append(cell);
    return { kind: 'group', element };
  }

  /** Makes `slot` show data row `row` as display item `item` at `top` px, with the free cells of `columns`. */
  fill(slot: RunRow, row: number, item: number, top: number, columns: ColumnWindow): void {
    const data = this.model.data;
    if (slot.top !== top) {
      slot.top = top;
      slot.element.style.transform = `translateY(${top}px)`;
    }
    if (slot.item !== item) {
      slot.item = item;
      slot.element.dataset.item = String(item);
      slot.element.setAttribute('aria-rowindex', String(rowIndex(item)));
    }
    const refill = slot.row !== row;
    const runId = data.runIds[row];
    const selected = this.isSelected(runId);
    if (refill) {
      slot.row = row;
      slot.box.setAttribute('aria-label', `Select run ${runId}`);
      const starred = data.starred[row];
      const star = starred ? '★' : '☆';
      if (slot.star.text.data !== star) {
        slot.star.text.data = star;
      }
      slot.starButton.setAttribute('aria-label', `Star run ${runId}`);
      slot.starButton.setAttribute('aria-pressed', String(starred));
      const starClass = starred ? 'cell star on' : 'cell star';
      if (slot.star.className !== starClass) {
        slot.star.className = starClass;
        slot.star.element.className = starClass;
      }
      const title = data.notes[row] ? `Note: ${data.notes[row]}` : 'Star this run';
      if (slot.star.element.title !== title) {
        slot.star.element.title = title;
      }
      this.layout.pinned.forEach((shown, i) =>
        fillCell(slot.pinned[i], shown, data.values[shown.index][row], 'cell'),
      );
    }
    if (refill || slot.selected !== selected) {
      slot.selected = selected;
      slot.element.classList.toggle('selected', selected);
      slot.element.setAttribute('aria-selected', String(selected));
      slot.box.checked = selected;
    }
    this.fillFree(slot, columns);
  }

  /**
   * Makes the row's free cells those of the columns in view, showing the row's data row, reusing the cells
   * of columns that left; writes only cells whose column entered or whose row changed.
   */
  fillFree(slot: RunRow, columns: ColumnWindow): void {
    const row = slot.row;
    const refill = slot.freeRow !== row;
    slot.freeRow = row;
    const spare = this.spareCells;
    for (const [index, cell] of slot.free) {
      if (index < columns.first || index > columns.last) {
        slot.free.delete(index);
        spare.push(cell);
      }
    }
    const values = this.model.data.values;
    for (const item of columns.items) {
      const shown = this.layout.free[item.index];
      if (shown === undefined) {
        continue;
      }
      let cell = slot.free.get(item.index);
      const entered = cell === undefined;
      if (cell === undefined) {
        cell = spare.pop();
        if (cell === undefined) {
          cell = newCell(shown.width);
          slot.element.append(cell.element);
        }
        slot.free.set(item.index, cell);
        if (cell.width !== shown.width) {
          cell.width = shown.width;
          cell.element.style.width = `${shown.width}px`;
        }
        if (cell.left !== item.start) {
          cell.left = item.start;
          cell.element.style.transform = `translateX(${item.start}px)`;
        }
        const col = colIndex(this.layout, item.index, true);
        if (cell.col !== col) {
          cell.col = col;
          cell.element.setAttribute('aria-colindex', String(col));
        }
      }
      if (entered || refill) {
        fillCell(cell, shown, values[shown.index][row], 'cell free');
      }
    }
    for (const cell of spare) {
      cell.element.remove();
    }
    spare.length = 0;
  }
}
