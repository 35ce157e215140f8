/**
 * The grid's keys (grid.ts), as the ARIA grid pattern has them. The rows are one stop of the Tab order (the
 * grid itself; a run's box and star and a group's header are not stops of their own, `tabIndex` -1), so Tab
 * leaves them for what follows the grid and Shift-Tab for the header, whatever the rows. ArrowDown and
 * ArrowUp go to the next or previous row in display order, to the same control of a run's row (its
 * selection box or its star) or to a commit group's header; from the grid itself or the header, ArrowDown
 * goes to the first row wholly in view. ArrowRight and ArrowLeft go from a run's box to its star and
 * back; Space or Enter on the star toggles it as a click does. The header is one Tab stop too
 * (gridHeader.ts): ArrowLeft and ArrowRight go to the previous or next shown column's header.
 */
import type { DisplayItem } from './model';
import { rowIndex } from './gridRows';

/** The control of a run's row that has or is to have the focus: its selection box or its star. */
export type RowControl = 'box' | 'star';

/** A row to focus: display item `item`, and of a run's row which control (a group's row has one). */
export interface RowTarget {
  item: number;
  control: RowControl;
}

/** A row asked for from the keyboard and not focused yet, by what it shows: a run's id, a group's commit. */
export interface WantedRow extends RowTarget {
  kind: DisplayItem['kind'];
  id: string | null;
}

function plainArrow(event: KeyboardEvent): boolean {
  const { key } = event;
  return (
    (key === 'ArrowDown' || key === 'ArrowUp' || key === 'ArrowLeft' || key === 'ArrowRight') &&
    !event.altKey &&
    !event.ctrlKey &&
    !event.metaKey &&
    !event.shiftKey
  );
}

/** Which row control `target` is: a run's box or star, a group's header, or none. */
function controlOf(target: HTMLElement): RowControl | 'group' | undefined {
  const classes = target.classList;
  return classes.contains('row-check')
    ? 'box'
    : classes.contains('star-toggle')
      ? 'star'
      : classes.contains('group-label')
        ? 'group'
        : undefined;
}

/**
 * The row control an arrow key pressed in `grid` goes to: the same control of the row after or before the
 * focused row's, the other control of a run's row, or `firstInView()`'s box from the grid or the header;
 * `null` when the key moves nothing but is the grid's (past the first or last row, left of a box); and
 * `undefined` when the key is not the grid's (the browser handles it; ArrowLeft and ArrowRight in the
 * header are {@link headerStep}'s).
 */
export function arrowTarget(
  event: KeyboardEvent,
  grid: HTMLElement,
  count: number,
  firstInView: () => number,
): RowTarget | null | undefined {
  if (!plainArrow(event)) {
    return undefined;
  }
  const { key } = event;
  const target = event.target as HTMLElement;
  const control = controlOf(target);
  if (control !== undefined) {
    const at = Number(target.closest<HTMLElement>('.row')?.getAttribute('aria-rowindex'));
    if (!Number.isInteger(at)) {
      return undefined;
    }
    const item = at - rowIndex(0);
    if (key === 'ArrowLeft' || key === 'ArrowRight') {
      const to = key === 'ArrowLeft' ? 'box' : 'star';
      return control === 'group' || control === to ? null : { item, control: to };
    }
    const to = item + (key === 'ArrowDown' ? 1 : -1);
    return to >= 0 && to < count ? { item: to, control: control === 'group' ? 'box' : control } : null;
  }
  if (key !== 'ArrowDown' || (target !== grid && target.closest('.grid-header') === null)) {
    return undefined;
  }
  const to = firstInView();
  return to >= 0 && to < count ? { item: to, control: 'box' } : null;
}

/**
 * The step ArrowRight (1) or ArrowLeft (-1) takes from the focused header control (a column's header or
 * the select-all box), `undefined` for any other key or target.
 */
export function headerStep(event: KeyboardEvent): 1 | -1 | undefined {
  if (!plainArrow(event) || (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight')) {
    return undefined;
  }
  const target = event.target as HTMLElement;
  const inHeader =
    target.closest('.grid-header') !== null &&
    (target.matches('.cell.head') || target.matches('input[type=checkbox]'));
  return inHeader ? (event.key === 'ArrowRight' ? 1 : -1) : undefined;
}

/**
 * What `target` shows among `items`, so that it can be found again when the display order changes before
 * its row is drawn (`runIds`: the data's run ids by data row).
 */
export function wantRow(
  target: RowTarget,
  items: readonly DisplayItem[],
  runIds: readonly string[],
): WantedRow | undefined {
  const display = items[target.item];
  if (display === undefined) {
    return undefined;
  }
  const id = display.kind === 'run' ? runIds[display.row] : display.sha;
  return { ...target, kind: display.kind, id };
}

/**
 * The display item showing `wanted`'s run or group in `items`: its item when that still shows it (a run
 * may be shown in two rows), else the first that does; `-1` when none is shown.
 */
export function wantedAt(
  wanted: WantedRow,
  items: readonly DisplayItem[],
  runIds: readonly string[],
): number {
  const shows = (display: DisplayItem | undefined): boolean =>
    display?.kind === wanted.kind &&
    (display.kind === 'run' ? runIds[display.row] === wanted.id : display.sha === wanted.id);
  return shows(items[wanted.item]) ? wanted.item : items.findIndex(shows);
}

/**
 * The control `control` of display item `item`'s row among `rows` (a run's box or star; a group's row has
 * only its header), if drawn.
 */
export function rowControl(rows: HTMLElement, item: number, control: RowControl): HTMLElement | undefined {
  const row = [...rows.children].find((r) => r.getAttribute('aria-rowindex') === String(rowIndex(item)));
  const selector = control === 'star' ? '.star-toggle, .group-label' : '.row-check, .group-label';
  return row?.querySelector<HTMLElement>(selector) ?? undefined;
}

/** Whether the focus is in `grid` or nowhere (on the page's body): a move asked for there may take it. */
function focusIn(grid: HTMLElement): boolean {
  const active = document.activeElement;
  return active === null || active === document.body || grid.contains(active);
}

/**
 * The row control an arrow key asked for, until its row is drawn at rest (grid.ts scrolls to it first).
 * It is kept by the run or group it shows, not by its place, so that an update meanwhile (new values, a
 * sort, a filter) does not cancel the move: the focus lands on that run's row where it is drawn after the
 * update, or on the grid when the run is no longer shown. A move is dropped when the focus has left the
 * grid since (the user went on elsewhere).
 */
export class WantedFocus {
  private wanted: WantedRow | undefined;

  /** `grid` holds the run rows in `runs` and the group rows in `groups`. */
  constructor(
    private readonly grid: HTMLElement,
    private readonly runs: HTMLElement,
    private readonly groups: HTMLElement,
  ) {}

  /** Asks for `target` among `items` (`runIds`: the data's run ids by data row). */
  ask(target: RowTarget, items: readonly DisplayItem[], runIds: readonly string[]): void {
    this.wanted = wantRow(target, items, runIds);
  }

  /**
   * Finds the row asked for among new display items `items`: returns its display item, to be scrolled to;
   * `-1` when none is asked for, or when its run or group is no longer shown (the grid takes the focus).
   */
  follow(items: readonly DisplayItem[], runIds: readonly string[]): number {
    const wanted = this.wanted;
    if (wanted === undefined) {
      return -1;
    }
    wanted.item = wantedAt(wanted, items, runIds);
    if (wanted.item < 0) {
      this.wanted = undefined;
      if (focusIn(this.grid)) {
        this.grid.focus({ preventScroll: true });
      }
    }
    return wanted.item;
  }

  /** Gives the focus to the row asked for if it is drawn (call with the rows at rest); else keeps asking. */
  focus(): void {
    const wanted = this.wanted;
    if (wanted === undefined) {
      return;
    }
    if (!focusIn(this.grid)) {
      this.wanted = undefined;
      return;
    }
    const control = rowControl(wanted.kind === 'run' ? this.runs : this.groups, wanted.item, wanted.control);
    if (control) {
      this.wanted = undefined;
      control.focus({ preventScroll: true });
    }
  }
}
