/**
 * The drift view's column table: one row per tested column, drifted columns first by default, sortable by
 * any header (click again to reverse; missing numbers stay last). Every value is set as text.
 */
import type { DriftViewColumn } from '../../src/protocol/drift';
import { formatNumber, formatPercent } from './format';

/** A sortable column of the table. */
export type SortKey =
  | 'verdict'
  | 'name'
  | 'type'
  | 'method'
  | 'statistic'
  | 'score'
  | 'threshold'
  | 'psi'
  | 'missingReference'
  | 'missingCurrent';

export interface SortState {
  key: SortKey;
  ascending: boolean;
}

/** The default order: drifted first, strongest drift first (as the host sends the rows). */
export const DEFAULT_SORT: SortState = { key: 'verdict', ascending: true };

interface HeaderSpec {
  key: SortKey;
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

function compareValues(a: number | string | null, b: number | string | null): number {
  if (typeof a === 'string' && typeof b === 'string') {
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' });
  }
  return (a as number) - (b as number);
}

/**
 * Rows in the order of `sort`. The `verdict` key orders by drifted first, then strength (the host's
 * order); numbers that are missing (`null`) come last in both directions.
 */
export function sortRows(rows: readonly DriftViewColumn[], sort: SortState): DriftViewColumn[] {
  const sign = sort.ascending ? 1 : -1;
  const keyed = rows.map((row, position) => ({ row, position }));
  keyed.sort((x, y) => {
    const a = x.row;
    const b = y.row;
    if (sort.key === 'verdict') {
      return (
        sign * (Number(b.drifted) - Number(a.drifted) || a.strength - b.strength || x.position - y.position)
      );
    }
    const va = a[sort.key];
    const vb = b[sort.key];
    if (va === null || vb === null) {
      return Number(va === null) - Number(vb === null) || x.position - y.position;
    }
    return sign * compareValues(va, vb) || x.position - y.position;
  });
  return keyed.map((k) => k.row);
}

function cell(text: string, numeric = false): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  if (numeric) {
    td.className = 'num';
  }
  return td;
}

/**
 * A verdict label. A plain element rather than the toolkit's tag: the tag's template carries a `style`
 * attribute, which the view's CSP (no inline styles) refuses and reports.
 */
export function verdictTag(drifted: boolean): HTMLElement {
  const span = document.createElement('span');
  span.className = drifted ? 'verdict-tag drift' : 'verdict-tag ok';
  span.textContent = drifted ? 'drift' : 'no drift';
  return span;
}

/** The statistic; `null` stands for a statistic that is not finite, i.e. +∞ (e.g. chi-squared). */
export function statisticText(row: DriftViewColumn): string {
  return row.statistic === null ? '∞' : formatNumber(row.statistic);
}

function scoreText(row: DriftViewColumn): string {
  return `${row.scoreKind === 'p_value' ? 'p = ' : 'd = '}${formatNumber(row.score)}`;
}

/** The sortable table of the columns; `onSelect` is called with a column's index when its name is clicked. */
export class ColumnTable {
  readonly element = document.createElement('table');
  private readonly body = document.createElement('tbody');
  private readonly headerCells = new Map<SortKey, HTMLTableCellElement>();
  private rows: readonly DriftViewColumn[] = [];

  constructor(
    private sort: SortState,
    private readonly onSelect: (index: number) => void,
    private readonly onSort: (sort: SortState) => void,
  ) {
    this.element.className = 'drift-table';
    this.element.id = 'columns-table';
    const head = document.createElement('thead');
    const tr = document.createElement('tr');
    for (const spec of HEADERS) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.dataset.key = spec.key;
      if (spec.numeric) {
        th.className = 'num';
      }
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'sort-button';
      button.textContent = spec.title;
      button.addEventListener('click', () => {
        const ascending = this.sort.key === spec.key ? !this.sort.ascending : true;
        this.setSort({ key: spec.key, ascending });
        this.onSort(this.sort);
      });
      th.append(button);
      this.headerCells.set(spec.key, th);
      tr.append(th);
    }
    head.append(tr);
    this.element.append(head, this.body);
  }

  get currentSort(): SortState {
    return this.sort;
  }

  setRows(rows: readonly DriftViewColumn[]): void {
    this.rows = rows;
    this.render();
  }

  setSort(sort: SortState): void {
    this.sort = sort;
    this.render();
  }

  private render(): void {
    for (const [key, th] of this.headerCells) {
      if (key === this.sort.key) {
        th.setAttribute('aria-sort', this.sort.ascending ? 'ascending' : 'descending');
      } else {
        th.removeAttribute('aria-sort');
      }
    }
    this.body.replaceChildren(
      ...sortRows(this.rows, this.sort).map((row) => {
        const tr = document.createElement('tr');
        tr.dataset.index = String(row.index);
        tr.className = row.drifted ? 'drifted' : 'stable';
        const name = document.createElement('td');
        name.className = 'name';
        const link = document.createElement('a');
        link.href = `#col-${row.index}`;
        link.textContent = row.name;
        link.addEventListener('click', (e) => {
          e.preventDefault();
          this.onSelect(row.index);
        });
        name.append(link);
        const verdict = document.createElement('td');
        verdict.append(verdictTag(row.drifted));
        tr.append(
          name,
          cell(row.type),
          cell(row.method),
          cell(statisticText(row), true),
          cell(scoreText(row), true),
          cell(`${row.scoreKind === 'p_value' ? 'p <' : 'd ≥'} ${formatNumber(row.threshold)}`, true),
          verdict,
          cell(formatNumber(row.psi), true),
          cell(formatPercent(row.missingReference), true),
          cell(formatPercent(row.missingCurrent), true),
        );
        return tr;
      }),
    );
  }
}
