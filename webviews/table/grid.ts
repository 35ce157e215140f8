/**
 * The virtualized grid: rows and columns virtualized with `@tanstack/virtual-core` (only the cells in view,
 * plus a few around, exist in the DOM), a sticky header, and pinned columns (with the selection box and the
 * star) sticky at the left. Every text from the data is set as text (`textContent` or a Text node's data).
 *
 * The rows are drawn twice: on canvas tiles (gridPaint.ts), which the browser moves without drawing, and
 * as DOM rows over them (gridRows.ts), which carry hover, focus, clicks and the ARIA grid. While the view
 * scrolls only the tiles are drawn, once per frame and only those that entered the view; the DOM rows are
 * not rendered then (`content-visibility: hidden`, but for a row holding the focus, which it would lose)
 * and are placed again, reusing their elements, in the first frame without a scroll. The grid is
 * `aria-busy` until then, and while tiles beyond the view are left for the next frames. Commit groups'
 * header rows stay DOM rows throughout. It is an ARIA grid
 * (`grid` > header `row` and `rowgroup`s of rows, `aria-rowcount`/`aria-colcount` of the whole table, each
 * row and cell placed by `aria-rowindex`/`aria-colindex`), so that screen readers follow the display
 * order, not the order of the reused elements.
 */
import { Virtualizer, elementScroll, observeElementOffset, observeElementRect } from '@tanstack/virtual-core';
import { GridHeader, type HeaderHandlers } from './gridHeader';
import { WantedFocus, arrowTarget } from './gridKeys';
import { watchLook } from './gridLook';
import { CellPainter } from './gridPaint';
import { PlacedRows, sameShape } from './gridPlace';
import {
  RowDrawer,
  SELECT_WIDTH,
  colCount,
  STAR_WIDTH,
  div,
  type ColumnWindow,
  type RowLayout,
} from './gridRows';
import type { DisplayItem, ShownColumn, TableModel } from './model';

export const ROW_HEIGHT = 24;
export const HEADER_HEIGHT = 30;
/** What the grid asks of the page. */
export interface GridHandlers extends HeaderHandlers {
  isSelected(runId: string): boolean;
  onRowClick(item: number, event: MouseEvent): void;
  onCheckbox(item: number): void;
  onStar(row: number): void;
  onGroupToggle(sha: string | null): void;
}

/** The grid element and its virtualizers. */
export class Grid {
  /** The scroll container, to be put in the page. */
  readonly element = div('grid');
  private readonly canvas = div('grid-canvas');
  private readonly header: GridHeader;
  private readonly body = div('grid-body');
  private readonly groups = div('grid-groups');
  private items: DisplayItem[] = [];
  private layout: RowLayout = { pinned: [], free: [], leadWidth: SELECT_WIDTH + STAR_WIDTH, width: 0 };
  private drawer: RowDrawer;
  private readonly rows: Virtualizer<HTMLDivElement, HTMLDivElement>;
  private readonly columns: Virtualizer<HTMLDivElement, HTMLDivElement>;
  private readonly cleanups: (() => void)[] = [];
  /** The run and group rows drawn, kept through updates (gridPlace.ts); the grid takes a lost focus. */
  private readonly placed = new PlacedRows(this.body, this.groups, this.element);
  /** The free columns the header shows, as of the last {@link render}; `last < first` before the first. */
  private drawnColumns = { first: 0, last: -1 };
  /** The pending animation frame of {@link schedule}, or 0. */
  private frame = 0;
  private readonly painter: CellPainter;
  /** Whether the DOM rows are not rendered and lag behind the canvas (placed again by {@link settle}). */
  private stale = false;
  /** The row an arrow key asked for, which takes the focus once drawn at rest. */
  private readonly wanted = new WantedFocus(this.element, this.body, this.groups);
  /** The pending animation frame of {@link requestSettle}, or 0. */
  private settleFrame = 0;
  /** The pending animation frame of {@link paint} for tiles left for later, or 0. */
  private paintFrame = 0;
  /** Whether tiles beyond the view are left for the next frames. */
  private tilesLeft = false;
  /** Where the view was scrolled to at the last {@link render}, px. */
  private drawnAt = { top: 0, left: 0 };
  /** Whether the grid is `aria-busy` ({@link updateBusy}). */
  private busy = false;

  constructor(
    private readonly model: TableModel,
    private readonly handlers: GridHandlers,
  ) {
    this.header = new GridHeader(model, handlers, this.element, (left) => this.columns.scrollToOffset(left));
    this.drawer = new RowDrawer(model, this.layout, (id) => handlers.isSelected(id));
    this.painter = new CellPainter(
      model,
      ROW_HEIGHT,
      HEADER_HEIGHT,
      (id) => handlers.isSelected(id),
      () => this.paintSoon(),
    );
    // The groups' rows over the run rows' box (which lets the pointer through only where a group is).
    this.canvas.append(this.header.element, this.painter.element, this.body, this.groups);
    this.element.append(this.canvas);
    this.element.tabIndex = 0;
    this.element.setAttribute('role', 'grid');
    this.element.setAttribute('aria-label', 'Runs');
    this.element.setAttribute('aria-multiselectable', 'true');
    this.canvas.setAttribute('role', 'presentation');
    this.body.setAttribute('role', 'rowgroup');
    this.groups.setAttribute('role', 'rowgroup');
    const common = {
      getScrollElement: () => this.element,
      scrollToFn: elementScroll,
      observeElementRect,
      observeElementOffset,
      // Both virtualizers report from the scroll event: draw once, in the frame's animation callback, after
      // every scroll event of the frame (reading layout in the event and writing the DOM in the frame).
      onChange: () => this.schedule(),
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
      estimateSize: (i) => this.layout.free[i]?.width ?? 100,
      overscan: 2,
    });
    this.body.addEventListener('click', (e) => this.onBodyClick(e));
    this.element.addEventListener('keydown', (e) => this.onKey(e));
    this.body.addEventListener('pointerover', (e) => this.onHover(e.target));
    this.body.addEventListener('pointerleave', () => this.onHover(null));
  }

  /** Starts observing the scroll container (call once it is in the document). */
  mount(): void {
    this.cleanups.push(this.rows._didMount(), this.columns._didMount());
    this.cleanups.push(
      watchLook(
        () => {
          this.painter.restyle();
          this.paintSoon();
        },
        () => this.paintSoon(),
      ),
    );
    this.rows._willUpdate();
    this.columns._willUpdate();
  }

  /** The display items as last laid out. */
  get displayItems(): readonly DisplayItem[] {
    return this.items;
  }

  /** The columns as last laid out, pinned first. */
  get shownColumns(): ShownColumn[] {
    return [...this.layout.pinned, ...this.layout.free];
  }

  /** Recomputes rows and columns from the model, then draws every row anew. */
  update(): void {
    this.items = this.model.displayItems();
    const shown = this.model.shownColumns();
    const pinned = shown.filter((c) => c.pinned);
    const free = shown.filter((c) => !c.pinned);
    const leadWidth = SELECT_WIDTH + STAR_WIDTH + pinned.reduce((sum, c) => sum + c.width, 0);
    const width = leadWidth + free.reduce((sum, c) => sum + c.width, 0);
    const layout: RowLayout = { pinned, free, leadWidth, width };
    // Rows of the same shape are kept and written again where their texts differ (a sort, a filter, a new
    // snapshot): far fewer writes, and no new elements to style and lay out.
    const keepRows = sameShape(this.layout, layout);
    this.layout = layout;
    this.drawer = new RowDrawer(this.model, this.layout, (id) => this.handlers.isSelected(id));
    this.painter.setLayout(this.layout, this.items);
    this.rows.setOptions({ ...this.rows.options, count: this.items.length });
    this.columns.setOptions({ ...this.columns.options, count: free.length, paddingStart: leadWidth });
    this.columns.measure();
    this.rows._willUpdate();
    this.columns._willUpdate();
    // A row asked for from the keyboard and not drawn yet: its run may be elsewhere now, or gone.
    const wanted = this.wanted.follow(this.items, this.model.data.runIds);
    if (wanted >= 0) {
      this.scrollToItem(wanted);
    }
    this.element.setAttribute('aria-rowcount', String(this.items.length + 1));
    this.element.setAttribute('aria-colcount', String(colCount(this.layout)));
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${HEADER_HEIGHT + this.items.length * ROW_HEIGHT}px`;
    this.placed.restart(this.items, keepRows);
    // A kept row under the pointer gets no new pointer event: its hover band is drawn again from here.
    const hovered = this.placed.hovered();
    if (hovered >= 0) {
      this.painter.hover(hovered);
    }
    const columns = this.columnWindow();
    this.drawnColumns = { first: columns.first, last: columns.last };
    this.header.rebuild(this.layout, columns);
    this.showSelection();
    this.render();
  }

  /** Shows on the header's select-all box how many of the shown runs are selected. */
  private showSelection(): void {
    let selected = 0;
    let runs = 0;
    for (const item of this.items) {
      if (item.kind === 'run') {
        runs++;
        if (this.handlers.isSelected(this.model.data.runIds[item.row])) {
          selected++;
        }
      }
    }
    this.header.showSelection(selected === 0 ? 'none' : selected === runs ? 'all' : 'some');
  }

  /** Draws the visible rows' contents again after the selection, stars or notes changed. */
  redraw(): void {
    this.placed.rewrite();
    this.painter.invalidate();
    this.showSelection();
    this.render();
  }

  /**
   * Draws once in the next animation frame (however many scroll events came before it), as a scroll frame
   * if the view moved since the last draw (the virtualizers also report when a scroll ends).
   */
  private schedule(): void {
    if (this.frame === 0) {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        const at = this.scrolledTo();
        const moved = at.top !== this.drawnAt.top || at.left !== this.drawnAt.left;
        this.render(moved);
      });
    }
  }

  /** Draws the canvas tiles to be drawn again (hover or theme changed) in the next frame; the rows stay. */
  private paintSoon(): void {
    if (this.paintFrame === 0) {
      this.paintFrame = requestAnimationFrame(() => {
        this.paintFrame = 0;
        this.paint();
      });
    }
  }

  /** Where the view is scrolled to, px. */
  private scrolledTo(): { top: number; left: number } {
    return {
      top: this.rows.scrollOffset ?? this.element.scrollTop,
      left: this.columns.scrollOffset ?? this.element.scrollLeft,
    };
  }

  /** Places the DOM rows again in the first animation frame without a scroll (see {@link settle}). */
  private requestSettle(): void {
    if (!this.stale) {
      this.stale = true;
      this.body.classList.add('scrolling');
      this.updateBusy();
    }
    if (this.settleFrame === 0) {
      this.settleFrame = requestAnimationFrame(() => {
        this.settleFrame = 0;
        this.settle();
      });
    }
  }

  /**
   * Places the DOM rows for the view and renders them again, unless the view scrolled again in this frame
   * (its scroll event came before this callback and scheduled a draw).
   */
  private settle(): void {
    if (!this.stale) {
      return;
    }
    if (this.frame !== 0) {
      this.requestSettle();
      return;
    }
    this.render();
  }

  /**
   * The grid is `aria-busy` while its DOM rows lag behind the canvas or canvas tiles are left to draw
   * (screen readers may wait; tests wait for it to clear).
   */
  private updateBusy(): void {
    const busy = this.stale || this.tilesLeft;
    if (busy !== this.busy) {
      this.busy = busy;
      if (busy) {
        this.element.setAttribute('aria-busy', 'true');
      } else {
        this.element.removeAttribute('aria-busy');
      }
    }
  }

  /** Draws the canvas tiles for the view; those left for later (in the margin) in the next frames. */
  private paint(): void {
    if (this.paintFrame !== 0) {
      cancelAnimationFrame(this.paintFrame);
      this.paintFrame = 0;
    }
    const rect = this.rows.scrollRect;
    const at = this.scrolledTo();
    const more = this.painter.paint({
      scrollLeft: at.left,
      scrollTop: at.top,
      width: rect?.width ?? this.element.clientWidth,
      height: rect?.height ?? this.element.clientHeight,
    });
    this.tilesLeft = more;
    if (more) {
      this.paintFrame = requestAnimationFrame(() => {
        this.paintFrame = 0;
        this.paint();
      });
    }
    this.updateBusy();
  }

  private onHover(target: EventTarget | null): void {
    const row = target instanceof Element ? target.closest<HTMLElement>('.row.run') : null;
    const item = row?.dataset.item === undefined ? -1 : Number(row.dataset.item);
    if (this.painter.hover(item)) {
      this.paintSoon();
    }
  }

  private columnWindow(): ColumnWindow {
    const items = this.columns.getVirtualItems();
    return items.length === 0
      ? { items, first: 0, last: -1 }
      : { items, first: items[0].index, last: items[items.length - 1].index };
  }

  /**
   * Draws the visible part: the canvas tiles that entered the view, the header cells of the columns that
   * entered, and the commit groups' rows; unless `scrolling`, the run rows too: rows that stay keep their
   * element, a row that left is reused for one that entered, and in each row only the cells of columns that
   * entered are written. When `scrolling`, the run rows wait for the first frame without a scroll.
   */
  render(scrolling = false): void {
    if (this.frame !== 0) {
      cancelAnimationFrame(this.frame);
      this.frame = 0;
    }
    // The canvas first, while the page's style is clean (drawing text reads it), then the header and rows.
    this.drawnAt = this.scrolledTo();
    this.paint();
    const columns = this.columnWindow();
    if (columns.first !== this.drawnColumns.first || columns.last !== this.drawnColumns.last) {
      this.drawnColumns = { first: columns.first, last: columns.last };
      this.header.sync(this.layout, columns);
    }
    const view = this.rows.getVirtualItems();
    this.placed.placeGroups(view, this.items, this.drawer, (sha) => this.handlers.onGroupToggle(sha));
    if (scrolling) {
      this.requestSettle();
      return;
    }
    this.placed.placeRuns(view, this.items, this.drawer, columns);
    if (this.stale) {
      this.stale = false;
      this.body.classList.remove('scrolling');
      this.updateBusy();
    }
    this.wanted.focus();
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
    // While the grid scrolls a row's contents are not rendered and the click lands on the row itself: its
    // place in the view says which of the pinned part's boxes it meant (the canvas shows them there).
    const x = target === row ? event.clientX - this.element.getBoundingClientRect().left : -1;
    if (target.classList.contains('row-check') || (x >= 0 && x < SELECT_WIDTH)) {
      this.handlers.onCheckbox(itemIndex);
    } else if (target.closest('.star') || (x >= SELECT_WIDTH && x < SELECT_WIDTH + STAR_WIDTH)) {
      this.handlers.onStar(display.row);
    } else {
      this.handlers.onRowClick(itemIndex, event);
    }
  }

  /** The arrow keys in the rows (gridKeys.ts): the focus goes to the row control asked for once drawn. */
  private onKey(event: KeyboardEvent): void {
    const to = arrowTarget(event, this.element, this.items.length, () => {
      const top = this.scrolledTo().top + HEADER_HEIGHT;
      const view = this.rows.getVirtualItems();
      return (view.find((item) => item.start >= top) ?? view[0])?.index ?? -1;
    });
    if (to === undefined) {
      return;
    }
    event.preventDefault();
    if (to !== null) {
      this.wanted.ask(to, this.items, this.model.data.runIds);
      this.scrollToItem(to.item);
      if (!this.stale) {
        this.wanted.focus();
      }
    }
  }

  /** Scrolls so that the display item `index` is in view. */
  scrollToItem(index: number): void {
    this.rows.scrollToIndex(index, { align: 'auto' });
  }

  dispose(): void {
    cancelAnimationFrame(this.frame);
    cancelAnimationFrame(this.settleFrame);
    cancelAnimationFrame(this.paintFrame);
    this.painter.dispose();
    this.cleanups.forEach((cleanup) => cleanup());
  }
}
