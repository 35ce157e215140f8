/**
 * The grid's sticky header: the lead (select-all box, star, pinned columns) and the free columns in view.
 * While the view scrolls sideways, the header cell of a column that leaves is reused for one that enters.
 * Clicks and drags are handled once on the header, by the cell's `data-key`. It is the ARIA grid's first
 * row (`aria-rowindex` 1), its cells `columnheader`s placed by `aria-colindex` (gridRows.ts `colIndex`).
 *
 * Since reused cells are not in column order in the DOM, the header is one stop of the Tab order, as the
 * rows are (gridKeys.ts): a roving `tabIndex` 0 on the control last focused (the select-all box, or a
 * column's header cell, which is kept drawn for it out of view), -1 on the others; ArrowLeft and
 * ArrowRight go to the previous or next control in column order ({@link GridHeader.step}), Enter and
 * Space on a column's header sort by it (Shift adds a sort key).
 */
import { columnLabel, type ShownColumn, type TableModel } from './model';
import { headerStep } from './gridKeys';
import {
  colIndex,
  div,
  freeStart,
  revealedAt,
  STAR_WIDTH,
  type ColumnWindow,
  type RowLayout,
} from './gridRows';

/** What the header asks of the page. */
export interface HeaderHandlers {
  onSelectAll(): void;
  onSort(key: string, add: boolean): void;
  onMoveColumn(key: string, before: string): void;
}

function headKey(event: Event): string | undefined {
  return (event.target as HTMLElement).closest<HTMLElement>('.cell.head')?.dataset.key;
}

export class GridHeader {
  readonly element = div('grid-header');
  /** The free columns' header cells by index into the free columns. */
  private readonly cells = new Map<number, HTMLDivElement>();
  private readonly spare: HTMLDivElement[] = [];
  private dragged: string | undefined;
  /**
   * The lead: select-all box, star and pinned columns. Made once and kept, so that a focused select-all
   * box keeps the focus while the header is drawn anew (a sort, a filter, new values every second).
   */
  private readonly lead = div('lead');
  private readonly all = document.createElement('input');
  private layout: RowLayout = { pinned: [], free: [], leadWidth: 0, width: 0 };
  /** The header's Tab stop: the column key of its header cell, `null` for the select-all box. */
  private stop: string | null = null;
  /** The control ArrowLeft or ArrowRight asked for, focused once its cell is drawn ({@link step}). */
  private wanted: { key: string | null } | undefined;

  /** `view` is the grid's scroll container, which `scrollTo` scrolls sideways to a left edge in px. */
  constructor(
    private readonly model: TableModel,
    private readonly handlers: HeaderHandlers,
    private readonly view: HTMLElement,
    private readonly scrollTo: (left: number) => void,
  ) {
    this.element.setAttribute('role', 'row');
    this.element.setAttribute('aria-rowindex', '1');
    this.lead.setAttribute('role', 'presentation');
    const all = this.all;
    all.type = 'checkbox';
    all.title = 'Select all shown runs';
    all.setAttribute('aria-label', 'Select all shown runs');
    all.addEventListener('click', () => this.handlers.onSelectAll());
    this.element.addEventListener('focusin', (e) => {
      const target = e.target as HTMLElement;
      const key = target === all ? null : target.closest<HTMLElement>('.cell.head')?.dataset.key;
      if (key !== undefined) {
        this.setStop(key);
      }
    });
    const box = div('cell select');
    box.setAttribute('role', 'columnheader');
    box.setAttribute('aria-colindex', '1');
    box.append(all);
    const star = div('cell star', '★');
    star.setAttribute('role', 'columnheader');
    star.setAttribute('aria-colindex', '2');
    star.setAttribute('aria-label', 'Starred');
    star.style.width = `${STAR_WIDTH}px`;
    this.lead.append(box, star);
    this.element.append(this.lead);
    this.element.addEventListener('click', (e) => {
      const key = headKey(e);
      if (key !== undefined) {
        this.handlers.onSort(key, e.shiftKey);
      }
    });
    // Enter or Space on a focused header cell sorts as a click does (Shift adds a sort key); ArrowLeft and
    // ArrowRight go through the header's controls.
    this.element.addEventListener('keydown', (e) => {
      const step = headerStep(e);
      if (step !== undefined) {
        e.preventDefault();
        this.step(step);
        return;
      }
      const key = headKey(e);
      if (
        key !== undefined &&
        (e.key === 'Enter' || e.key === ' ') &&
        !e.altKey &&
        !e.ctrlKey &&
        !e.metaKey
      ) {
        e.preventDefault();
        this.handlers.onSort(key, e.shiftKey);
      }
    });
    this.element.addEventListener('dragstart', (e) => {
      this.dragged = headKey(e);
      if (this.dragged !== undefined) {
        e.dataTransfer?.setData('text/plain', this.dragged);
      }
    });
    this.element.addEventListener('dragover', (e) => {
      if (headKey(e) !== undefined) {
        e.preventDefault();
      }
    });
    this.element.addEventListener('drop', (e) => {
      const key = headKey(e);
      if (key === undefined) {
        return;
      }
      e.preventDefault();
      if (this.dragged !== undefined && this.dragged !== key) {
        this.handlers.onMoveColumn(this.dragged, key);
      }
      this.dragged = undefined;
    });
  }

  /** Draws the header anew for a new layout of the columns. */
  rebuild(layout: RowLayout, columns: ColumnWindow): void {
    this.layout = layout;
    const active = document.activeElement;
    const focused =
      active instanceof HTMLElement && this.element.contains(active)
        ? active.closest<HTMLElement>('.cell.head')?.dataset.key
        : undefined;
    this.element.style.width = `${layout.width}px`;
    const lead = this.lead;
    lead.style.width = `${layout.leadWidth}px`;
    // The select-all box and the star stay; the pinned and free columns' cells are made anew.
    while (lead.children.length > 2) {
      lead.lastElementChild!.remove();
    }
    layout.pinned.forEach((column, i) => {
      const cell = div('');
      this.fillCell(cell, column, 'cell head', colIndex(layout, i, false));
      lead.append(cell);
    });
    this.cells.clear();
    for (const cell of [...this.element.children]) {
      if (cell !== lead) {
        cell.remove();
      }
    }
    // The Tab stop's and the wanted column's cells, where their columns are still shown; else the
    // select-all box is the stop, and a move to a column gone is dropped.
    const shown = (key: string | null) =>
      key === null || [...layout.pinned, ...layout.free].some((c) => c.column.key === key);
    if (!shown(this.stop)) {
      this.stop = null;
    }
    if (this.wanted !== undefined && !shown(this.wanted.key)) {
      this.wanted = undefined;
    }
    this.all.tabIndex = this.stop === null ? 0 : -1;
    this.placeWindow(layout, columns);
    // A header cell that had the focus (a sort from the keyboard) gives it to its column's new cell, made
    // where its column is when that is out of view (scrolled sideways; sync keeps it there), as is the
    // Tab stop's. A cell whose column went gives the focus to the stop.
    const stop = this.stop === null ? -1 : layout.free.findIndex((c) => c.column.key === this.stop);
    if (stop >= 0 && !this.cells.has(stop)) {
      this.place(layout, stop, freeStart(layout, stop));
    }
    if (focused !== undefined) {
      this.cellOf(focused === this.stop ? focused : this.stop)?.focus({ preventScroll: true });
    }
    this.focusWanted();
  }

  /**
   * Asks for the header control `step` places after (1) or before (-1) the one focused (or the one last
   * asked for) in column order: the select-all box, the pinned columns, the free columns. A free column is
   * scrolled into view; the control takes the focus now if its cell is drawn, else once {@link sync} draws
   * it.
   */
  private step(step: 1 | -1): void {
    const keys = [null, ...this.layout.pinned, ...this.layout.free].map((c) =>
      c === null ? null : c.column.key,
    );
    const from = keys.indexOf(this.wanted === undefined ? this.stop : this.wanted.key);
    const to = from < 0 ? -1 : from + step;
    if (to < 0 || to >= keys.length) {
      return;
    }
    this.wanted = { key: keys[to] };
    const index = to - 1 - this.layout.pinned.length;
    const left = this.view.scrollLeft;
    const at = index < 0 ? left : revealedAt(this.layout, index, left, this.view.clientWidth);
    if (at !== left) {
      this.scrollTo(at);
    }
    this.focusWanted();
  }

  /** The drawn control of column `key` (`null`: the select-all box), if any. */
  private cellOf(key: string | null): HTMLElement | undefined {
    if (key === null) {
      return this.all;
    }
    const own = (cell: Element): cell is HTMLElement =>
      cell instanceof HTMLElement && cell.dataset.key === key;
    return [...this.lead.children].find(own) ?? [...this.cells.values()].find(own);
  }

  /** Makes the control of column `key` (`null`: the select-all box) the header's Tab stop. */
  private setStop(key: string | null): void {
    if (key !== this.stop) {
      const old = this.cellOf(this.stop);
      if (old !== undefined) {
        old.tabIndex = -1;
      }
      this.stop = key;
      const now = this.cellOf(key);
      if (now !== undefined) {
        now.tabIndex = 0;
      }
    }
  }

  /** Focuses the control {@link step} asked for once drawn, unless the focus has left the header since. */
  private focusWanted(): void {
    const wanted = this.wanted;
    if (wanted === undefined) {
      return;
    }
    const active = document.activeElement;
    if (active !== null && active !== document.body && !this.element.contains(active)) {
      this.wanted = undefined;
      return;
    }
    const cell = this.cellOf(wanted.key);
    if (cell !== undefined) {
      this.wanted = undefined;
      cell.focus({ preventScroll: true });
    }
  }

  /**
   * Shows on the select-all box whether none, some (`indeterminate`, read as "mixed") or all of the shown
   * runs are selected.
   */
  showSelection(selected: 'none' | 'some' | 'all'): void {
    this.all.checked = selected === 'all';
    this.all.indeterminate = selected === 'some';
  }

  /**
   * Makes the free header cells those of the columns in view, then focuses the control {@link step} asked
   * for if it is drawn now.
   */
  sync(layout: RowLayout, columns: ColumnWindow): void {
    this.placeWindow(layout, columns);
    this.focusWanted();
  }

  /**
   * Makes the free header cells those of the columns in view. A focused cell stays its column's where the
   * column left the view (reused for another column, it would move the focus to that column; removed, it
   * would drop the focus to the page); it goes at a later call once it has lost the focus. The Tab stop's
   * cell stays too, so that Tab comes back to it.
   */
  private placeWindow(layout: RowLayout, columns: ColumnWindow): void {
    const active = document.activeElement;
    for (const [index, cell] of this.cells) {
      if (
        (index < columns.first || index > columns.last) &&
        cell !== active &&
        cell.dataset.key !== this.stop
      ) {
        this.cells.delete(index);
        this.spare.push(cell);
      }
    }
    for (const item of columns.items) {
      const column = layout.free[item.index];
      if (column === undefined || this.cells.has(item.index)) {
        continue;
      }
      this.place(layout, item.index, item.start);
    }
    for (const cell of this.spare) {
      cell.remove();
    }
    this.spare.length = 0;
  }

  /** Shows free column `index` in a spare cell (or a new one) `start` px from the header's left. */
  private place(layout: RowLayout, index: number, start: number): HTMLDivElement {
    let cell = this.spare.pop();
    if (cell === undefined) {
      cell = div('');
      this.element.append(cell);
    }
    this.fillCell(cell, layout.free[index], 'cell head free', colIndex(layout, index, true));
    cell.style.left = `${start}px`;
    this.cells.set(index, cell);
    return cell;
  }

  private fillCell(cell: HTMLDivElement, shown: ShownColumn, base: string, col: number): void {
    const { column } = shown;
    cell.className = `${base} ${column.kind}`;
    cell.setAttribute('role', 'columnheader');
    cell.setAttribute('aria-colindex', String(col));
    cell.style.width = `${shown.width}px`;
    const label = columnLabel(column);
    const sort = this.model.layout.sort;
    const position = sort.findIndex((k) => k.key === column.key);
    cell.replaceChildren(div('label', label));
    if (position >= 0) {
      const key = sort[position];
      cell.append(div('sort', `${key.descending ? '▼' : '▲'}${sort.length > 1 ? position + 1 : ''}`));
      cell.setAttribute('aria-sort', key.descending ? 'descending' : 'ascending');
    } else {
      cell.removeAttribute('aria-sort');
    }
    cell.title = `${column.kind === 'param' ? 'params.' : ''}${label}\nClick (or Enter) to sort, Shift-click to add a sort key, drag to move`;
    cell.tabIndex = column.key === this.stop ? 0 : -1;
    cell.dataset.key = column.key;
    cell.draggable = true;
  }
}
