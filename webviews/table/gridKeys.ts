/**
 * The grid's rows from the keyboard (grid.ts), as the ARIA grid pattern has them: the rows are one stop of
 * the Tab order (the grid itself; a run's box or a group's header is not a stop of its own, `tabIndex`
 * -1), so Tab leaves them for what follows the grid and Shift-Tab for the header, whatever the rows.
 * ArrowDown and ArrowUp go to the next or previous row in display order (a run's box or a commit group's
 * header); from the grid itself or the header (a header cell, the select-all box), ArrowDown goes to the
 * first row wholly in view.
 */
import { rowIndex } from './gridRows';

/**
 * The display item an arrow key pressed in `grid` goes to: the row after or before the focused row's, or
 * `firstInView()` from the grid or a header cell; `-1` when the key moves nothing but is the grid's (past
 * the first or last row); `undefined` when the key is not the grid's (the browser handles it).
 */
export function arrowTarget(
  event: KeyboardEvent,
  grid: HTMLElement,
  count: number,
  firstInView: () => number,
): number | undefined {
  const { key } = event;
  if (
    (key !== 'ArrowDown' && key !== 'ArrowUp') ||
    event.altKey ||
    event.ctrlKey ||
    event.metaKey ||
    event.shiftKey
  ) {
    return undefined;
  }
  const target = event.target as HTMLElement;
  const step = key === 'ArrowDown' ? 1 : -1;
  let to: number;
  if (target.classList.contains('row-check') || target.classList.contains('group-label')) {
    const at = Number(target.closest<HTMLElement>('.row')?.getAttribute('aria-rowindex'));
    if (!Number.isInteger(at)) {
      return undefined;
    }
    to = at - rowIndex(0) + step;
  } else if (target === grid || target.closest('.grid-header') !== null) {
    if (step < 0) {
      return undefined;
    }
    to = firstInView();
  } else {
    return undefined;
  }
  return to >= 0 && to < count ? to : -1;
}

/** The control of display item `item`'s row among `rows` (a run's box or a group's header), if drawn. */
export function rowControl(rows: HTMLElement, item: number): HTMLElement | undefined {
  const row = [...rows.children].find((r) => r.getAttribute('aria-rowindex') === String(rowIndex(item)));
  return row?.querySelector<HTMLElement>('.row-check, .group-label') ?? undefined;
}
