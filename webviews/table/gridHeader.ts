/**
 * The grid's sticky header: the lead (select-all box, star, pinned columns) and the free columns in view.
 * While the view scrolls sideways, the header cell of a column that leaves is reused for one that enters.
 * Clicks and drags are handled once on the header, by the cell's `data-key`. It is the ARIA grid's first
 * row (`aria-rowindex` 1), its cells `columnheader`s placed by `aria-colindex` (gridRows.ts `colIndex`).
 */
import { columnLabel, type ShownColumn, type TableModel } from './model';
import { colIndex, div, STAR_WIDTH, type ColumnWindow, type RowLayout } from './gridRows';

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

  constructor(
    private readonly model: TableModel,
    private readonly handlers: HeaderHandlers,
  ) {
    this.element.setAttribute('role', 'row');
    this.element.setAttribute('aria-rowindex', '1');
    this.lead.setAttribute('role', 'presentation');
    const all = this.all;
    all.type = 'checkbox';
    all.title = 'Select all shown runs';
    all.setAttribute('aria-label', 'Select all shown runs');
    all.addEventListener('click', () => this.handlers.onSelectAll());
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
    // Enter or Space on a focused header cell sorts as a click does (Shift adds a sort key).
    this.element.addEventListener('keydown', (e) => {
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
    this.sync(layout, columns);
    // A header cell that had the focus (a sort from the keyboard) gives it to its column's new cell, made
    // where its column is when that is out of view (scrolled sideways; sync keeps it there).
    if (focused !== undefined) {
      let cell = [...this.element.querySelectorAll<HTMLElement>('.cell.head')].find(
        (c) => c.dataset.key === focused,
      );
      const index = layout.free.findIndex((c) => c.column.key === focused);
      if (cell === undefined && index >= 0) {
        const start = layout.free.slice(0, index).reduce((sum, c) => sum + c.width, layout.leadWidth);
        cell = this.place(layout, index, start);
      }
      cell?.focus({ preventScroll: true });
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
   * Makes the free header cells those of the columns in view. A focused cell stays its column's where the
   * column left the view (reused for another column, it would move the focus to that column; removed, it
   * would drop the focus to the page); it goes at a later call once it has lost the focus.
   */
  sync(layout: RowLayout, columns: ColumnWindow): void {
    const active = document.activeElement;
    for (const [index, cell] of this.cells) {
      if ((index < columns.first || index > columns.last) && cell !== active) {
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
    cell.tabIndex = 0;
    cell.dataset.key = column.key;
    cell.draggable = true;
  }
}
