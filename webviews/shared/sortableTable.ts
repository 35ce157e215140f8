/**
 * Sorting of a table by clicking its headers, for the standalone HTML reports and the drift view alike.
 * A header cell `<th data-sort="number|text">` becomes a button that sorts the body rows by that column;
 * a cell's `data-value` (when present) is the sort key instead of its text, so a formatted `0.031`, `∞`
 * or `—` sorts by its exact number (`Infinity` sorts above every number; an empty key is missing).
 * Clicking again reverses the order. Missing numbers stay last in both directions; ties keep the rows'
 * first order. `aria-sort` on the header tells assistive technology the current order.
 */

/** An order of a table: the column (its header's `data-key`, else its index) and the direction. */
export interface SortState {
  column: string;
  ascending: boolean;
}

/** A table made sortable by {@link makeSortable}. */
export interface SortableTable {
  /** The current order; `undefined` while the rows are in their first order. */
  readonly sort: SortState | undefined;
  /** Orders the rows by `sort` (a column with no sortable header is ignored); `undefined` restores the first order. */
  setSort(sort: SortState | undefined): void;
}

/** Options of {@link makeSortable}. */
export interface SortableOptions {
  /** The order to show at once (e.g. one saved in the view's state). */
  initial?: SortState;
  /** Called after the user changed the order by clicking a header. */
  onSort?(sort: SortState): void;
}

function compareText(a: string, b: string): number {
  return a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' });
}

/** The number of a key, `undefined` when it is missing (empty or not a number). */
function numberOf(key: string): number | undefined {
  const value = key.trim() === '' ? Number.NaN : Number(key);
  return Number.isNaN(value) ? undefined : value;
}

function compareNumbers(a: number, b: number): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

/**
 * Wires the sortable headers of `table` (its first `<thead>` row, its first `<tbody>`).
 * @returns the table's controller; a table without a header row or body gets a controller that does nothing.
 */
export function makeSortable(table: HTMLTableElement, options: SortableOptions = {}): SortableTable {
  const body = table.tBodies[0];
  const headerRow = table.tHead?.rows[0];
  const headers = headerRow ? [...headerRow.cells] : [];
  const firstOrder = body ? [...body.rows] : [];
  const position = new Map(firstOrder.map((row, i) => [row, i]));
  const columnOf = (th: HTMLTableCellElement, index: number): string => th.dataset.key ?? String(index);
  let current: SortState | undefined;

  const keyOf = (row: HTMLTableRowElement, index: number): string => {
    const cell = row.cells[index];
    return cell ? (cell.dataset.value ?? cell.textContent?.trim() ?? '') : '';
  };

  const apply = (sort: SortState | undefined): void => {
    const index = sort ? headers.findIndex((th, i) => columnOf(th, i) === sort.column) : -1;
    const kind = index >= 0 ? headers[index].dataset.sort : undefined;
    current = kind === 'number' || kind === 'text' ? sort : undefined;
    headers.forEach((th, i) => {
      if (current && i === index) {
        th.setAttribute('aria-sort', current.ascending ? 'ascending' : 'descending');
      } else {
        th.removeAttribute('aria-sort');
      }
    });
    if (!body) {
      return;
    }
    const rows = [...firstOrder];
    if (current) {
      const sign = current.ascending ? 1 : -1;
      rows.sort((a, b) => {
        const ka = keyOf(a, index);
        const kb = keyOf(b, index);
        let order: number;
        if (kind === 'number') {
          const x = numberOf(ka);
          const y = numberOf(kb);
          order =
            x === undefined || y === undefined
              ? Number(x === undefined) - Number(y === undefined)
              : sign * compareNumbers(x, y);
        } else {
          order = sign * compareText(ka, kb);
        }
        return order || position.get(a)! - position.get(b)!;
      });
    }
    body.append(...rows);
  };

  headers.forEach((th, index) => {
    if (th.dataset.sort !== 'number' && th.dataset.sort !== 'text') {
      return;
    }
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'sort-button';
    while (th.firstChild) {
      button.appendChild(th.firstChild);
    }
    th.appendChild(button);
    button.addEventListener('click', () => {
      const column = columnOf(th, index);
      const ascending = current?.column === column ? !current.ascending : true;
      apply({ column, ascending });
      options.onSort?.({ column, ascending });
    });
  });

  if (options.initial) {
    apply(options.initial);
  }
  return {
    get sort() {
      return current;
    },
    setSort: apply,
  };
}
