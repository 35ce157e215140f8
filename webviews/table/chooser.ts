/**
 * The column chooser: every column with a search box; per column show/hide, pin, move up/down and, for a
 * metric, the aggregate it reads (last, min, max, best, or the value at a step). Names are text only.
 */
import type { TableAggregate, TableColumn } from '../../src/protocol/table';
import { element } from './dom';
import { columnName, type TableModel } from './model';

/** Most columns listed at once (refine the search for the others). */
const LISTED = 300;

/** What the chooser changes. */
export interface ChooserHandlers {
  onLayout(): void;
  onAggregate(metric: string, aggregate: TableAggregate): void;
}

function aggregateValue(aggregate: TableAggregate | undefined): string {
  return aggregate === undefined ? 'last' : typeof aggregate === 'object' ? 'step' : aggregate;
}

/** The chooser panel; hidden until {@link toggle}. */
export class ColumnChooser {
  readonly element = element('div', undefined, 'chooser');
  private readonly search = element('input');
  private readonly list = element('ul');
  private readonly more = element('p', undefined, 'more');

  constructor(
    private readonly model: TableModel,
    private readonly handlers: ChooserHandlers,
  ) {
    this.element.hidden = true;
    this.search.type = 'search';
    this.search.placeholder = 'Search columns';
    this.search.setAttribute('aria-label', 'Search columns');
    this.search.addEventListener('input', () => this.render());
    const showAll = element('button', 'Show all');
    showAll.addEventListener('click', () => {
      this.model.layout = { ...this.model.layout, hidden: [] };
      this.changed();
    });
    const head = element('div', undefined, 'chooser-head');
    head.append(this.search, showAll);
    this.element.append(head, this.list, this.more);
  }

  toggle(): void {
    this.element.hidden = !this.element.hidden;
    if (!this.element.hidden) {
      this.render();
      this.search.focus();
    }
  }

  private changed(): void {
    this.model.invalidate();
    this.handlers.onLayout();
    this.render();
  }

  /** Redraws the list (when open). */
  render(): void {
    if (this.element.hidden) {
      return;
    }
    const needle = this.search.value.trim().toLowerCase();
    const hidden = new Set(this.model.layout.hidden);
    const pinned = new Set(this.model.layout.pinned);
    const columns = this.model
      .orderedIndices()
      .map((i) => this.model.data.columns[i])
      .filter((c) => needle === '' || c.key.toLowerCase().includes(needle));
    const items = columns.slice(0, LISTED).map((column) => this.item(column, hidden, pinned));
    // The control in use (a move, a pin, an aggregate) is made anew: the focus goes to its new one.
    const active = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const focused = active && this.list.contains(active) ? active : null;
    const key = focused?.closest('li')?.dataset.key;
    const control = focused?.dataset.control;
    this.list.replaceChildren(...items);
    if (key !== undefined && control !== undefined) {
      const li = items.find((item) => item.dataset.key === key);
      [...(li?.querySelectorAll<HTMLElement>('[data-control]') ?? [])]
        .find((c) => c.dataset.control === control)
        ?.focus();
    }
    this.more.textContent =
      columns.length > LISTED ? `${columns.length - LISTED} more columns: refine the search.` : '';
  }

  private item(column: TableColumn, hidden: Set<string>, pinned: Set<string>): HTMLElement {
    const li = element('li');
    li.dataset.key = column.key;
    const label = element('label');
    const box = element('input');
    box.type = 'checkbox';
    box.dataset.control = 'shown';
    box.checked = !hidden.has(column.key);
    box.addEventListener('change', () => {
      const set = new Set(this.model.layout.hidden);
      if (box.checked) {
        set.delete(column.key);
      } else {
        set.add(column.key);
      }
      this.model.layout = { ...this.model.layout, hidden: [...set] };
      this.changed();
    });
    label.append(box, element('span', columnName(column)));
    const pin = element('button', pinned.has(column.key) ? 'Unpin' : 'Pin');
    pin.title = 'Pinned columns stay at the left';
    pin.addEventListener('click', () => {
      const set = new Set(this.model.layout.pinned);
      if (!set.delete(column.key)) {
        set.add(column.key);
      }
      this.model.layout = { ...this.model.layout, pinned: [...set] };
      this.changed();
    });
    pin.dataset.control = 'pin';
    const up = element('button', '↑');
    up.dataset.control = 'up';
    up.title = 'Move left';
    up.addEventListener('click', () => {
      this.model.moveColumn(column.key, { offset: -1 });
      this.changed();
    });
    const down = element('button', '↓');
    down.dataset.control = 'down';
    down.title = 'Move right';
    down.addEventListener('click', () => {
      this.model.moveColumn(column.key, { offset: 1 });
      this.changed();
    });
    li.append(label, pin, up, down);
    if (column.kind === 'metric') {
      li.append(this.aggregateControl(column));
    }
    return li;
  }

  private aggregateControl(column: TableColumn): HTMLElement {
    const wrap = element('span', undefined, 'aggregate');
    const select = element('select');
    select.dataset.control = 'aggregate';
    select.setAttribute('aria-label', `Value of ${column.name}`);
    for (const [value, text] of [
      ['last', 'last'],
      ['min', 'min'],
      ['max', 'max'],
      ['best', 'best'],
      ['step', 'at step'],
    ]) {
      const option = element('option', text);
      option.value = value;
      option.selected = aggregateValue(column.aggregate) === value;
      select.append(option);
    }
    const step = element('input');
    step.type = 'number';
    step.min = '0';
    step.step = '1';
    step.className = 'step';
    step.dataset.control = 'step';
    step.setAttribute('aria-label', `Step of ${column.name}`);
    step.hidden = select.value !== 'step';
    step.value = typeof column.aggregate === 'object' ? String(column.aggregate.step) : '0';
    const send = (): void => {
      if (select.value === 'step') {
        const n = Number(step.value);
        if (Number.isSafeInteger(n) && n >= 0) {
          this.handlers.onAggregate(column.name, { step: n });
        }
      } else {
        this.handlers.onAggregate(column.name, select.value as TableAggregate);
      }
    };
    select.addEventListener('change', () => {
      step.hidden = select.value !== 'step';
      send();
    });
    step.addEventListener('change', send);
    wrap.append(select, step);
    return wrap;
  }
}
