/**
 * The DOM rows the grid has placed (gridRows.ts draws them), by display index: the commit groups' header
 * rows, made new when one enters the view, and the run rows, reused as the view moves (a row that left
 * shows one that entered) and kept through a new order of the rows (a sort, a filter, a snapshot, new
 * values of a column) while the columns keep their widths: a kept row is written again only where its
 * texts differ, and no element is made, styled and laid out anew.
 */
import type { ColumnWindow, GroupRow, RowDrawer, RowLayout, RunRow } from './gridRows';
import type { DisplayItem, ShownColumn } from './model';

/** A row of the view as the rows' virtualizer gives it: its display index and top, px. */
export interface ViewRow {
  index: number;
  start: number;
}

/** Whether rows drawn for layout `a` have the cells of layout `b`: the same widths, pinned and free. */
export function sameShape(a: RowLayout, b: RowLayout): boolean {
  const same = (x: readonly ShownColumn[], y: readonly ShownColumn[]) =>
    x.length === y.length && x.every((c, i) => c.width === y[i].width);
  return (
    a.leadWidth === b.leadWidth && a.width === b.width && same(a.pinned, b.pinned) && same(a.free, b.free)
  );
}

/** The placed rows of one grid: run rows in `runBox`, group rows in `groupBox`. */
export class PlacedRows {
  private readonly runs = new Map<number, RunRow>();
  /** Group rows by display index, each with its group's commit (`sha` of its {@link DisplayItem}). */
  private readonly groups = new Map<number, { row: GroupRow; sha: string | null }>();
  private readonly spare: RunRow[] = [];
  /**
   * The kept row holding the focus at the last {@link restart}, the run it showed (its box's label), and
   * whether its star rather than its box had the focus.
   */
  private held: { row: RunRow; label: string | null; star: boolean } | undefined;
  /**
   * The group whose header row held the focus at the last {@link restart}, by its commit (the group key,
   * `null` for runs with no commit), not its place: a run that enters a group above moves it down.
   */
  private heldGroup: { sha: string | null } | undefined;

  /** `grid` takes the focus from a row that comes to show another run. */
  constructor(
    private readonly runBox: HTMLElement,
    private readonly groupBox: HTMLElement,
    private readonly grid: HTMLElement,
  ) {}

  /**
   * Starts over for new display items `items`. When `keep`, the run rows stay, each to be written again
   * (those whose place is now a group's become spares, for the next {@link placeRuns}, which also moves
   * the focus, if the row holding it comes to show another run, to that run's row or else the grid);
   * else they go, and the grid takes the focus they held. Group rows always go.
   */
  restart(items: readonly DisplayItem[], keep: boolean): void {
    this.held = undefined;
    if (keep) {
      for (const [index, row] of this.runs) {
        if (items[index]?.kind !== 'run') {
          this.runs.delete(index);
          this.spare.push(row);
        }
      }
      for (const row of [...this.runs.values(), ...this.spare]) {
        if (row.element.contains(document.activeElement)) {
          this.held = {
            row,
            label: row.box.getAttribute('aria-label'),
            star: row.starButton === document.activeElement,
          };
        }
      }
      this.rewrite();
    } else {
      if (this.runBox.contains(document.activeElement)) {
        this.grid.focus({ preventScroll: true });
      }
      this.runs.clear();
      this.spare.length = 0;
      this.runBox.replaceChildren();
    }
    this.heldGroup = undefined;
    for (const { row, sha } of this.groups.values()) {
      if (row.element.contains(document.activeElement)) {
        this.heldGroup = { sha };
      }
    }
    this.groups.clear();
    this.groupBox.replaceChildren();
  }

  /** Marks every run row to be written again in full at the next {@link placeRuns}. */
  rewrite(): void {
    for (const row of [...this.runs.values(), ...this.spare]) {
      row.row = -1;
      row.freeRow = -1;
    }
  }

  /** Places the group rows of `view` (items `items`), removing those out of it. */
  placeGroups(
    view: readonly ViewRow[],
    items: readonly DisplayItem[],
    drawer: RowDrawer,
    onToggle: (sha: string | null) => void,
  ): void {
    const first = view.length === 0 ? 0 : view[0].index;
    const last = view.length === 0 ? -1 : view[view.length - 1].index;
    for (const [index, { row }] of this.groups) {
      if (index < first || index > last) {
        this.groups.delete(index);
        // A focused group's header that leaves the view gives the focus to the grid, not the page.
        const focused = row.element.contains(document.activeElement);
        row.element.remove();
        if (focused) {
          this.grid.focus({ preventScroll: true });
        }
      }
    }
    for (const item of view) {
      const display = items[item.index];
      if (display?.kind === 'group' && !this.groups.has(item.index)) {
        const row = drawer.groupRow(display, item.index, item.start, () => onToggle(display.sha));
        this.groupBox.append(row.element);
        this.groups.set(item.index, { row, sha: display.sha });
      }
    }
    // A group's header that had the focus (collapsed or expanded from the keyboard, or moved by new runs
    // above it): the new row of the same group takes it. When that group is gone or out of view, the grid
    // takes the focus.
    const held = this.heldGroup;
    this.heldGroup = undefined;
    if (held !== undefined) {
      const now = [...this.groups.values()].find((group) => group.sha === held.sha);
      const label = now?.row.element.querySelector<HTMLElement>('.group-label');
      (label ?? this.grid).focus({ preventScroll: true });
    }
  }

  /**
   * Places and fills the run rows of `view` with the free cells of `columns`: a row that stays keeps its
   * element, a row out of the view is reused for one that entered, spares left over are removed.
   */
  placeRuns(
    view: readonly ViewRow[],
    items: readonly DisplayItem[],
    drawer: RowDrawer,
    columns: ColumnWindow,
  ): void {
    const first = view.length === 0 ? 0 : view[0].index;
    const last = view.length === 0 ? -1 : view[view.length - 1].index;
    const spare = this.spare;
    for (const [index, row] of this.runs) {
      if (index < first || index > last) {
        this.runs.delete(index);
        spare.push(row);
        // A row reused for another run must not carry the focus over to it: the grid takes it.
        if (row.element.contains(document.activeElement)) {
          this.grid.focus({ preventScroll: true });
        }
      }
    }
    for (const item of view) {
      const display = items[item.index];
      if (display?.kind !== 'run') {
        continue;
      }
      let row = this.runs.get(item.index);
      if (row === undefined) {
        row = spare.pop();
        if (row === undefined) {
          row = drawer.runRow();
          this.runBox.append(row.element);
        }
        this.runs.set(item.index, row);
      }
      drawer.fill(row, display.row, item.index, item.start, columns);
    }
    for (const row of spare) {
      row.element.remove();
    }
    spare.length = 0;
    // The row holding the focus before a restart, if it now shows another run or went: the focus follows
    // the run to its checkbox (or its star) where it is drawn now, else goes to the grid.
    const held = this.held;
    this.held = undefined;
    if (held !== undefined) {
      const gone = !held.row.element.isConnected;
      const moved = gone || held.row.box.getAttribute('aria-label') !== held.label;
      if (
        moved &&
        (gone ? document.activeElement === document.body : held.row.element.contains(document.activeElement))
      ) {
        const now = [...this.runs.values()].find((row) => row.box.getAttribute('aria-label') === held.label);
        (now === undefined ? this.grid : held.star ? now.starButton : now.box).focus({ preventScroll: true });
      }
    }
  }

  /** The display index of the run row under the pointer, `-1` when none is. */
  hovered(): number {
    for (const [index, row] of this.runs) {
      if (row.element.matches(':hover')) {
        return index;
      }
    }
    return -1;
  }
}
