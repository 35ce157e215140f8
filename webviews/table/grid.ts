/**
 * The virtualized grid: rows and columns virtualized with `@tanstack/virtual-core` (only the cells in view,
 * plus a few around, exist in the DOM), a sticky header, and pinned columns (with the selection box and the
 * star) sticky at the left. Every text from the data is set with `textContent`.
 */
import { Virtualizer, elementScroll, observeElementOffset, observeElementRect } from '@tanstack/virtual-core';
import {
  cellText,
  columnLabel,
  groupTitle,
  type DisplayItem,
  type ShownColumn,
  type TableModel,
} from './model';

export const ROW_HEIGHT = 24;
export const HEADER_HEIGHT = 30;
const SELECT_WIDTH = 28;
const STAR_WIDTH = 24;

interface DrawnRow {
  element: HTMLElement;
  cells: Map<number, HTMLElement>;
}

/** What the grid asks of the page. */
export interface GridHandlers {
  isSelected(runId: string): boolean;
  onRowClick(item: number, event: MouseEvent): void;
  onCheckbox(item: number): void;
  onSelectAll(): void;
  onStar(row: number): void;
  onSort(key: string, add: boolean): void;
  onGroupToggle(sha: string | null): void;
  onMoveColumn(key: string, before: string): void;
}

function div(className: string, text?: string): HTMLDivElement {
  const el = document.createElement('div');
  el.className = className;
  if (text !== undefined) {
    el.textContent = text;
  }
  return el;
}

/** The grid element and its virtualizers. */
export class Grid {
  /** The scroll container, to be put in the page. */
  readonly element = div('grid');
  private readonly canvas = div('grid-canvas');
  private readonly header = div('grid-header');
  private readonly body = div('grid-body');
  private items: DisplayItem[] = [];
  private pinned: ShownColumn[] = [];
  private free: ShownColumn[] = [];
  private leadWidth = SELECT_WIDTH + STAR_WIDTH;
  private readonly rows: Virtualizer<HTMLDivElement, HTMLDivElement>;
  private readonly columns: Virtualizer<HTMLDivElement, HTMLDivElement>;
  private readonly cleanups: (() => void)[] = [];
  private dragged: string | undefined;
  /** The rows drawn, by display index, with their free cells by column index. */
  private readonly drawn = new Map<number, DrawnRow>();
  private headerKey = '';

  constructor(
    private readonly model: TableModel,
    private readonly handlers: GridHandlers,
  ) {
    this.canvas.append(this.header, this.body);
    this.element.append(this.canvas);
    this.element.tabIndex = 0;
    const common = {
      getScrollElement: () => this.element,
      scrollToFn: elementScroll,
      observeElementRect,
      observeElementOffset,
      onChange: () => this.render(),
    };
    this.rows = new Virtualizer<HTMLDivElement, HTMLDivElement>({
      ...common,
      count: 0,
      estimateSize: () => ROW_HEIGHT,
      paddingStart: HEADER_HEIGHT,
      overscan: 8,
    });
    this.columns = new Virtualizer<HTMLDivElement, HTMLDivElement>({
      ...common,
      horizontal: true,
      count: 0,
      estimateSize: (i) => this.free[i]?.width ?? 100,
      overscan: 2,
    });
    this.body.addEventListener('click', (e) => this.onBodyClick(e));
  }

  /** Starts observing the scroll container (call once it is in the document). */
  mount(): void {
    this.cleanups.push(this.rows._didMount(), this.columns._didMount());
    this.rows._willUpdate();
    this.columns._willUpdate();
  }

  /** The display items as last laid out. */
  get displayItems(): readonly DisplayItem[] {
    return this.items;
  }

  /** The columns as last laid out, pinned first. */
  get shownColumns(): ShownColumn[] {
    return [...this.pinned, ...this.free];
  }

  /** Recomputes rows and columns from the model, then draws. */
  update(): void {
    this.items = this.model.displayItems();
    const shown = this.model.shownColumns();
    this.pinned = shown.filter((c) => c.pinned);
    this.free = shown.filter((c) => !c.pinned);
    this.leadWidth = SELECT_WIDTH + STAR_WIDTH + this.pinned.reduce((sum, c) => sum + c.width, 0);
    this.rows.setOptions({ ...this.rows.options, count: this.items.length });
    this.columns.setOptions({
      ...this.columns.options,
      count: this.free.length,
      paddingStart: this.leadWidth,
    });
    this.columns.measure();
    this.rows._willUpdate();
    this.columns._willUpdate();
    const width = this.leadWidth + this.free.reduce((sum, c) => sum + c.width, 0);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${HEADER_HEIGHT + this.items.length * ROW_HEIGHT}px`;
    this.redraw();
  }

  /** Draws the visible part after the data, layout, selection or stars changed (nothing is reused). */
  redraw(): void {
    this.drawn.clear();
    this.body.replaceChildren();
    this.headerKey = '';
    this.render();
  }

  /**
   * Draws the visible part, reusing what is drawn: rows still in view keep their element, and in each row
   * only the cells of columns that came into view are made (and those that left are removed).
   */
  render(): void {
    const width = this.canvas.style.width;
    const freeItems = this.columns.getVirtualItems();
    const headerKey = `${width} ${freeItems.map((i) => i.index).join(',')}`;
    if (headerKey !== this.headerKey) {
      this.headerKey = headerKey;
      this.renderHeader(width, freeItems);
    }
    const wanted = new Set<number>();
    for (const item of this.rows.getVirtualItems()) {
      const display = this.items[item.index];
      if (display === undefined) {
        continue;
      }
      wanted.add(item.index);
      let drawn = this.drawn.get(item.index);
      if (!drawn) {
        drawn =
          display.kind === 'group'
            ? { element: this.groupRow(display, item.start, width), cells: new Map() }
            : { element: this.runRow(display.row, item.index, item.start, width), cells: new Map() };
        this.drawn.set(item.index, drawn);
        this.body.append(drawn.element);
      }
      if (display.kind === 'run') {
        this.syncCells(drawn, display.row, freeItems);
      }
    }
    for (const [index, drawn] of this.drawn) {
      if (!wanted.has(index)) {
        drawn.element.remove();
        this.drawn.delete(index);
      }
    }
  }

  /** Makes the row's free cells those of `freeItems`. */
  private syncCells(
    drawn: DrawnRow,
    rowIndex: number,
    freeItems: readonly { index: number; start: number }[],
  ): void {
    const keep = new Set<number>();
    for (const item of freeItems) {
      keep.add(item.index);
      if (!drawn.cells.has(item.index)) {
        const column = this.free[item.index];
        if (column) {
          const cell = this.cell(column, rowIndex);
          cell.classList.add('free');
          cell.style.transform = `translateX(${item.start}px)`;
          drawn.cells.set(item.index, cell);
          drawn.element.append(cell);
        }
      }
    }
    for (const [index, cell] of drawn.cells) {
      if (!keep.has(index)) {
        cell.remove();
        drawn.cells.delete(index);
      }
    }
  }

  private renderHeader(width: string, freeItems: readonly { index: number; start: number }[]): void {
    this.header.style.width = width;
    const lead = div('lead');
    lead.style.width = `${this.leadWidth}px`;
    const all = document.createElement('input');
    all.type = 'checkbox';
    all.title = 'Select all shown runs';
    all.setAttribute('aria-label', 'Select all shown runs');
    all.addEventListener('click', () => this.handlers.onSelectAll());
    const box = div('cell select');
    box.append(all);
    lead.append(box, this.sized(div('cell star', '★'), STAR_WIDTH));
    for (const column of this.pinned) {
      lead.append(this.headerCell(column));
    }
    const cells: HTMLElement[] = [lead];
    for (const item of freeItems) {
      const column = this.free[item.index];
      if (column) {
        const cell = this.headerCell(column);
        cell.classList.add('free');
        cell.style.transform = `translateX(${item.start}px)`;
        cells.push(cell);
      }
    }
    this.header.replaceChildren(...cells);
  }

  private sized<T extends HTMLElement>(el: T, width: number): T {
    el.style.width = `${width}px`;
    return el;
  }

  private headerCell(shown: ShownColumn): HTMLElement {
    const { column } = shown;
    const cell = this.sized(div(`cell head ${column.kind}`), shown.width);
    const label = columnLabel(column);
    const position = this.model.layout.sort.findIndex((k) => k.key === column.key);
    const text = div('label', label);
    cell.append(text);
    if (position >= 0) {
      const key = this.model.layout.sort[position];
      cell.append(
        div('sort', `${key.descending ? '▼' : '▲'}${this.model.layout.sort.length > 1 ? position + 1 : ''}`),
      );
      cell.setAttribute('aria-sort', key.descending ? 'descending' : 'ascending');
    }
    cell.title = `${column.kind === 'param' ? 'params.' : ''}${label}\nClick to sort, Shift-click to add a sort key, drag to move`;
    cell.dataset.key = column.key;
    cell.draggable = true;
    cell.addEventListener('click', (e) => this.handlers.onSort(column.key, e.shiftKey));
    cell.addEventListener('dragstart', (e) => {
      this.dragged = column.key;
      e.dataTransfer?.setData('text/plain', column.key);
    });
    cell.addEventListener('dragover', (e) => e.preventDefault());
    cell.addEventListener('drop', (e) => {
      e.preventDefault();
      if (this.dragged !== undefined && this.dragged !== column.key) {
        this.handlers.onMoveColumn(this.dragged, column.key);
      }
      this.dragged = undefined;
    });
    return cell;
  }

  private groupRow(group: Extract<DisplayItem, { kind: 'group' }>, top: number, width: string): HTMLElement {
    const row = div('row group');
    row.style.transform = `translateY(${top}px)`;
    row.style.width = width;
    const label = div('group-label', groupTitle(group));
    label.setAttribute('role', 'button');
    label.addEventListener('click', () => this.handlers.onGroupToggle(group.sha));
    row.append(label);
    return row;
  }

  private runRow(rowIndex: number, itemIndex: number, top: number, width: string): HTMLElement {
    const data = this.model.data;
    const runId = data.runIds[rowIndex];
    const selected = this.handlers.isSelected(runId);
    const row = div(selected ? 'row run selected' : 'row run');
    row.dataset.item = String(itemIndex);
    row.style.transform = `translateY(${top}px)`;
    row.style.width = width;
    const lead = div('lead');
    lead.style.width = `${this.leadWidth}px`;
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = selected;
    box.className = 'row-check';
    box.setAttribute('aria-label', `Select run ${runId}`);
    const boxCell = div('cell select');
    boxCell.append(box);
    const star = this.sized(
      div(data.starred[rowIndex] ? 'cell star on' : 'cell star', data.starred[rowIndex] ? '★' : '☆'),
      STAR_WIDTH,
    );
    star.title = data.notes[rowIndex] ? `Note: ${data.notes[rowIndex]}` : 'Star this run';
    lead.append(boxCell, star);
    for (const column of this.pinned) {
      lead.append(this.cell(column, rowIndex));
    }
    row.append(lead);
    return row;
  }

  private cell(shown: ShownColumn, rowIndex: number): HTMLElement {
    const value = this.model.data.values[shown.index][rowIndex];
    const text = cellText(shown.column, value);
    const cell = this.sized(div(typeof value === 'number' ? 'cell num' : 'cell', text), shown.width);
    if (shown.column.key === 'status') {
      cell.classList.add(`status-${String(value)}`);
    }
    return cell;
  }

  private onBodyClick(event: MouseEvent): void {
    const target = event.target as HTMLElement;
    const row = target.closest<HTMLElement>('.row.run');
    if (!row || row.dataset.item === undefined) {
      return;
    }
    const itemIndex = Number(row.dataset.item);
    const display = this.items[itemIndex];
    if (display?.kind !== 'run') {
      return;
    }
    if (target.classList.contains('row-check')) {
      this.handlers.onCheckbox(itemIndex);
    } else if (target.closest('.star')) {
      this.handlers.onStar(display.row);
    } else {
      this.handlers.onRowClick(itemIndex, event);
    }
  }

  /** Scrolls so that the display item `index` is in view. */
  scrollToItem(index: number): void {
    this.rows.scrollToIndex(index, { align: 'auto' });
  }

  dispose(): void {
    this.cleanups.forEach((cleanup) => cleanup());
  }
}
