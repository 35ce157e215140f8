/**
 * The drift view's column table: one row per tested column in the host's order (drifted columns first,
 * strongest drift first), sortable by any header through the shared sortable table. The text of every cell
 * comes from the host (`DriftViewColumn.text`); the numbers beside it are only sort keys.
 */
import type { DriftViewColumn } from '../../src/protocol/drift';
import { makeSortable, type SortableTable, type SortState } from '../shared/sortableTable';

export type { SortState } from '../shared/sortableTable';

/** The first order: by verdict, i.e. drifted first, strongest drift first (as the host sends the rows). */
export const DEFAULT_SORT: SortState = { column: 'verdict', ascending: true };

interface HeaderSpec {
  key: string;
  title: string;
  numeric: boolean;
}

const HEADERS: HeaderSpec[] = [
  { key: 'name', title: 'column', numeric: false },
  { key: 'type', title: 'type', numeric: false },
  { key: 'method', title: 'method', numeric: false },
  { key: 'statistic', title: 'statistic', numeric: true },
  { key: 'score', title: 'p-value / distance', numeric: true },
  { key: 'threshold', title: 'drift if', numeric: true },
  { key: 'verdict', title: 'verdict', numeric: false },
  { key: 'psi', title: 'PSI', numeric: true },
  { key: 'missingReference', title: 'missing ref.', numeric: true },
  { key: 'missingCurrent', title: 'missing cur.', numeric: true },
];

/** True for a saved order this table can show (a state saved by an older build may differ). */
export function isSortState(value: unknown): value is SortState {
  const sort = value as Partial<SortState> | null | undefined;
  return typeof sort?.ascending === 'boolean' && HEADERS.some((h) => h.key === sort.column);
}

/**
 * A verdict label. A plain element rather than the toolkit's tag: the tag's template carries a `style`
 * attribute, which the view's CSP (no inline styles) refuses and reports.
 */
export function verdictTag(drifted: boolean, text: string): HTMLElement {
  const span = document.createElement('span');
  span.className = drifted ? 'verdict-tag drift' : 'verdict-tag ok';
  span.textContent = text;
  return span;
}

/**
 * A number cell: `key` is the sort key; `null` is +∞ where `infinite` (statistic, score), else missing.
 */
function numberCell(text: string, key: number | null, infinite = false): HTMLTableCellElement {
  const td = document.createElement('td');
  td.className = 'num';
  td.textContent = text;
  td.dataset.value = key === null ? (infinite ? 'Infinity' : '') : String(key);
  return td;
}

function textCell(text: string): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  return td;
}

/**
 * The table of the columns.
 * @param onSelect called with a column's index when its name is clicked.
 * @param onSort called when the user changes the order (to save it).
 */
export function columnTable(
  rows: readonly DriftViewColumn[],
  sort: SortState,
  onSelect: (index: number) => void,
  onSort: (sort: SortState) => void,
): { element: HTMLTableElement; sortable: SortableTable } {
  const table = document.createElement('table');
  table.className = 'drift-table';
  table.id = 'columns-table';
  const head = table.createTHead().insertRow();
  for (const spec of HEADERS) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.dataset.key = spec.key;
    th.dataset.sort = spec.numeric ? 'number' : 'text';
    if (spec.numeric) {
      th.className = 'num';
    }
    th.textContent = spec.title;
    head.append(th);
  }
  const body = table.createTBody();
  rows.forEach((row, position) => {
    const tr = body.insertRow();
    tr.dataset.index = String(row.index);
    tr.className = row.drifted ? 'drifted' : 'stable';
    const name = document.createElement('td');
    name.className = 'name';
    const link = document.createElement('a');
    link.href = `#col-${row.index}`;
    link.textContent = row.name;
    link.addEventListener('click', (e) => {
      e.preventDefault();
      onSelect(row.index);
    });
    name.append(link);
    const verdict = document.createElement('td');
    // Sorting by verdict restores the host's order: drifted first, strongest drift first.
    verdict.dataset.value = String(position);
    verdict.append(verdictTag(row.drifted, row.text.verdict));
    tr.append(
      name,
      textCell(row.type),
      textCell(row.method),
      numberCell(row.text.statistic, row.statistic, true),
      numberCell(row.text.score, row.score, true),
      numberCell(row.text.threshold, row.threshold),
      verdict,
      numberCell(row.text.psi, row.psi),
      numberCell(row.text.missingReference, row.missingReference),
      numberCell(row.text.missingCurrent, row.missingCurrent),
    );
  });
  const sortable = makeSortable(table, { initial: sort, onSort });
  return { element: table, sortable };
}
