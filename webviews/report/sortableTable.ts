/**
 * Client-side sorting of report tables. A header cell `<th data-sort="number|text">` sorts the body rows
 * by that column; a cell's `data-value` (when present) is the sort key instead of its text, so a formatted
 * `0.031` or `—` sorts by its exact number. Clicking again reverses the order. Missing numbers sort last.
 */

type Direction = 'ascending' | 'descending';

function cellKey(row: HTMLTableRowElement, index: number): string {
  const cell = row.cells[index];
  if (!cell) {
    return '';
  }
  return cell.dataset.value ?? cell.textContent?.trim() ?? '';
}

function compare(a: string, b: string, numeric: boolean): number {
  if (!numeric) {
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' });
  }
  const x = a === '' ? Number.NaN : Number(a);
  const y = b === '' ? Number.NaN : Number(b);
  const xMissing = Number.isNaN(x);
  const yMissing = Number.isNaN(y);
  if (xMissing || yMissing) {
    return Number(xMissing) - Number(yMissing);
  }
  return x - y;
}

/** Wires the sortable headers of `table` (`aria-sort` tells assistive technology the current order). */
export function makeSortable(table: HTMLTableElement): void {
  const body = table.tBodies[0];
  const headerRow = table.tHead?.rows[0];
  if (!body || !headerRow) {
    return;
  }
  const headers = [...headerRow.cells];
  headers.forEach((th, index) => {
    const kind = th.dataset.sort;
    if (kind !== 'number' && kind !== 'text') {
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
      const direction: Direction = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
      for (const other of headers) {
        other.removeAttribute('aria-sort');
      }
      th.setAttribute('aria-sort', direction);
      const sign = direction === 'ascending' ? 1 : -1;
      const rows = [...body.rows];
      rows.sort((a, b) => {
        const ka = cellKey(a, index);
        const kb = cellKey(b, index);
        const missing = kind === 'number' && (ka === '' || kb === '');
        // Missing values stay last whichever the direction.
        return missing ? compare(ka, kb, true) : sign * compare(ka, kb, kind === 'number');
      });
      body.append(...rows);
    });
  });
}
