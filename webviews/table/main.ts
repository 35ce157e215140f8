/**
 * The experiments table: every run as a row, grouped by commit or flat, with its attributes, params and
 * metrics as columns. Renders what the host sends (`src/protocol/table.ts`) once per snapshot; sorting,
 * column layout and virtualization happen here; filter queries go to the host (the filter language of
 * `xlens runs --filter`), which answers with the matching rows. The query is saved with `setState`.
 */
import { assertNever } from '../../src/protocol/messages';
import { applyTableDelta } from '../../src/protocol/tableDelta';
import {
  type TableHostMessage,
  type TableLayout,
  type TableQuery,
  type TableViewMessage,
} from '../../src/protocol/table';
import { reportError, startView } from '../shared/page';
import { getVsCodeApi } from '../shared/vscodeApi';
import { ColumnChooser } from './chooser';
import { element, fillSelect, labelled, renderNoteBar, showFilterError } from './dom';
import { Grid } from './grid';
import { TableModel } from './model';
import styles from './table.css';

interface SavedState {
  query: TableQuery;
}

const vscode = getVsCodeApi<TableViewMessage, SavedState>();
const EMPTY_QUERY: TableQuery = { expression: '', status: '', task: '', text: '' };
const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

class TableView {
  private model: TableModel | undefined;
  private grid: Grid | undefined;
  private chooser: ColumnChooser | undefined;
  private query: TableQuery = vscode.getState()?.query ?? EMPTY_QUERY;
  private readonly selected = new Set<string>();
  /** The run a Shift-click's range starts from (by id: a sort or a filter moves it). */
  private anchor: string | undefined;
  private queryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly expression = element('input');
  private readonly error = element('div', undefined, 'filter-error');
  private readonly status = element('select');
  private readonly task = element('select');
  private readonly text = element('input');
  private readonly grouped = element('input');
  private readonly differing = element('input');
  private readonly count = element('span', '', 'count');
  private readonly compare = element('button', 'Compare');
  private readonly exportButton = element('button', 'Export CSV');
  private readonly columnsButton = element('button', 'Columns…');
  private readonly noteBar = element('div', undefined, 'note-bar');
  private readonly main = element('div', undefined, 'table-main');

  constructor(private readonly app: HTMLElement) {
    this.expression.type = 'text';
    this.expression.className = 'expression';
    this.expression.placeholder = 'Filter, e.g. val_accuracy > 0.9 and params.lr <= 0.01';
    this.expression.setAttribute('aria-label', 'Filter expression');
    this.expression.spellcheck = false;
    this.expression.value = this.query.expression;
    this.text.type = 'search';
    this.text.placeholder = 'Search';
    this.text.setAttribute('aria-label', 'Search runs');
    this.text.value = this.query.text;
    fillSelect(this.status, ['', ...STATUSES], this.query.status, 'any status');
    this.grouped.type = 'checkbox';
    this.differing.type = 'checkbox';
    for (const input of [this.expression, this.text]) {
      input.addEventListener('input', () => this.queryChanged(250));
    }
    for (const select of [this.status, this.task]) {
      select.addEventListener('change', () => this.queryChanged(0));
    }
    this.grouped.addEventListener('change', () => this.changeLayout({ grouped: this.grouped.checked }));
    this.differing.addEventListener('change', () =>
      this.changeLayout({ onlyDiffering: this.differing.checked }),
    );
    this.compare.addEventListener('click', () => this.compareSelected());
    this.exportButton.addEventListener('click', () => this.exportShown());
    this.columnsButton.addEventListener('click', () => this.chooser?.toggle());
    const toolbar = element('div', undefined, 'toolbar');
    toolbar.append(
      this.expression,
      labelled('status', this.status),
      labelled('task', this.task),
      this.text,
      labelled('group by commit', this.grouped),
      labelled('only columns that differ', this.differing),
      this.columnsButton,
      this.compare,
      this.exportButton,
      this.count,
    );
    this.app.append(toolbar, this.error, this.main, this.noteBar);
    this.main.append(element('p', 'Loading runs…', 'empty'));
    this.updateButtons();
  }

  private queryChanged(delay: number): void {
    this.query = {
      expression: this.expression.value,
      status: this.status.value,
      task: this.task.value,
      text: this.text.value,
    };
    vscode.setState({ query: this.query });
    clearTimeout(this.queryTimer);
    this.queryTimer = setTimeout(
      () => vscode.postMessage({ type: 'table/query', payload: this.query }),
      delay,
    );
  }

  private changeLayout(change: Partial<TableLayout>): void {
    if (!this.model) {
      return;
    }
    this.model.layout = { ...this.model.layout, ...change };
    this.model.invalidate();
    this.layoutChanged();
  }

  private layoutChanged(): void {
    if (!this.model) {
      return;
    }
    vscode.postMessage({ type: 'table/layout', payload: this.model.layout });
    this.grid?.update();
    this.chooser?.render();
    this.updateButtons();
  }

  handle(message: TableHostMessage): void {
    switch (message.type) {
      case 'table/snapshot':
        this.snapshot(message.payload.data, message.payload.layout);
        return;
      case 'table/rows': {
        const model = this.model;
        if (!model || message.payload.previous !== model.data.version) {
          return;
        }
        const data = model.data;
        for (const row of message.payload.rows) {
          row.values.forEach((value, column) => {
            data.values[column][row.index] = value;
          });
          data.starred[row.index] = row.starred;
          data.notes[row.index] = row.note;
        }
        data.version = message.payload.version;
        model.invalidate();
        this.grid?.update();
        // A selected run's note may have changed.
        this.updateButtons();
        return;
      }
      case 'table/delta': {
        const model = this.model;
        if (model && message.payload.previous === model.data.version) {
          this.snapshot(
            applyTableDelta(model.data, message.payload.delta, message.payload.version),
            model.layout,
          );
        }
        return;
      }
      case 'table/column': {
        const model = this.model;
        const index = model?.columnIndex(message.payload.column.key);
        if (!model || index === undefined || message.payload.version !== model.data.version) {
          return;
        }
        model.data.columns[index] = message.payload.column;
        model.data.values[index] = message.payload.values;
        model.invalidate();
        this.grid?.update();
        this.chooser?.render();
        return;
      }
      case 'table/filtered': {
        if (!this.model || message.payload.version !== this.model.data.version) {
          return;
        }
        const { error, rows, query } = message.payload;
        this.expression.classList.toggle('invalid', error !== undefined);
        showFilterError(this.error, query.expression, error);
        if (!error) {
          this.model.filtered = rows;
          this.model.invalidate();
          this.grid?.update();
          this.updateButtons();
        }
        return;
      }
      default:
        assertNever(message);
    }
  }

  private snapshot(data: TableModel['data'], layout: TableLayout): void {
    const received = performance.now();
    if (!this.model) {
      this.model = new TableModel(data, layout);
      this.grid = new Grid(this.model, this.gridHandlers());
      this.chooser = new ColumnChooser(this.model, {
        onLayout: () => this.layoutChanged(),
        onAggregate: (metric, aggregate) => {
          // Kept in the view's layout too, so that the layouts it posts later carry it.
          const model = this.model!;
          const aggregates = model.layout.aggregates.filter(([name]) => name !== metric);
          model.layout = {
            ...model.layout,
            aggregates: aggregate === 'last' ? aggregates : [...aggregates, [metric, aggregate]],
          };
          vscode.postMessage({ type: 'table/aggregate', payload: { metric, aggregate } });
        },
      });
      this.main.replaceChildren(this.grid.element, this.chooser.element);
      this.grid.mount();
    } else {
      this.model.setData(data);
      this.model.filtered = null;
    }
    const present = new Set(data.runIds);
    for (const id of [...this.selected]) {
      if (!present.has(id)) {
        this.selected.delete(id);
      }
    }
    this.grouped.checked = this.model.layout.grouped;
    this.differing.checked = this.model.layout.onlyDiffering;
    fillSelect(
      this.task,
      ['', ...new Set(data.values[this.model.columnIndex('task') ?? -1] as string[] | undefined)],
      this.query.task,
      'any task',
    );
    this.grid!.update();
    this.chooser!.render();
    this.updateButtons();
    if (this.query.expression || this.query.status || this.query.task || this.query.text) {
      vscode.postMessage({ type: 'table/query', payload: this.query });
    }
    requestAnimationFrame(() =>
      setTimeout(() =>
        vscode.postMessage({
          type: 'table/rendered',
          payload: {
            rows: this.main.querySelectorAll('.row.run').length,
            columns: this.main.querySelectorAll('.grid-header .cell.head').length,
            ms: performance.now() - received,
          },
        }),
      ),
    );
  }

  private gridHandlers(): ConstructorParameters<typeof Grid>[1] {
    return {
      isSelected: (id) => this.selected.has(id),
      onRowClick: (item, event) => {
        const add = event.ctrlKey || event.metaKey;
        this.select(item, event.shiftKey ? (add ? 'add range' : 'range') : add ? 'toggle' : 'only');
      },
      onCheckbox: (item) => this.select(item, 'toggle'),
      onSelectAll: () => this.selectAll(),
      onStar: (row) => this.star(row),
      onSort: (key, add) => {
        this.model?.toggleSort(key, add);
        this.layoutChanged();
      },
      onGroupToggle: (sha) => {
        const key = String(sha);
        if (!this.model!.collapsed.delete(key)) {
          this.model!.collapsed.add(key);
        }
        this.grid?.update();
        // A collapsed group's runs are not shown: not counted as selected, compared or exported.
        this.updateButtons();
      },
      onMoveColumn: (key, before) => {
        this.model?.moveColumn(key, { before });
        this.layoutChanged();
      },
    };
  }

  private runAt(item: number): string | undefined {
    const display = this.grid?.displayItems[item];
    return display?.kind === 'run' ? this.model!.data.runIds[display.row] : undefined;
  }

  /** The display index of run `id`, `-1` when it is not shown. */
  private shownAt(id: string | undefined): number {
    const items = this.grid?.displayItems ?? [];
    const runIds = this.model?.data.runIds ?? [];
    return id === undefined ? -1 : items.findIndex((d) => d.kind === 'run' && runIds[d.row] === id);
  }

  /**
   * Selects as a list of files does: a click the run alone, Ctrl/Cmd-click toggles it, Shift-click the
   * runs from the anchor (the last run clicked alone or toggled) to it instead of the selection, Ctrl/Cmd-
   * Shift-click adds them to it.
   */
  private select(item: number, how: 'only' | 'toggle' | 'range' | 'add range'): void {
    const id = this.runAt(item);
    if (id === undefined) {
      return;
    }
    const anchor = how === 'range' || how === 'add range' ? this.shownAt(this.anchor) : -1;
    if (anchor >= 0) {
      if (how === 'range') {
        this.selected.clear();
      }
      const [from, to] = anchor < item ? [anchor, item] : [item, anchor];
      for (let i = from; i <= to; i++) {
        const other = this.runAt(i);
        if (other !== undefined) {
          this.selected.add(other);
        }
      }
    } else if (how === 'toggle') {
      if (!this.selected.delete(id)) {
        this.selected.add(id);
      }
      this.anchor = id;
    } else {
      // A plain click, or a Shift-click with no anchor in view (none yet, or filtered out or collapsed).
      this.selected.clear();
      this.selected.add(id);
      this.anchor = id;
    }
    this.grid?.redraw();
    this.updateButtons();
  }

  private selectAll(): void {
    const ids = this.shownRuns();
    // Runs a filter hides or a collapsed group holds keep their selection either way.
    const all = ids.length > 0 && ids.every((id) => this.selected.has(id));
    ids.forEach((id) => (all ? this.selected.delete(id) : this.selected.add(id)));
    this.grid?.redraw();
    this.updateButtons();
  }

  private star(row: number): void {
    const data = this.model!.data;
    data.starred[row] = !data.starred[row];
    this.annotate(row);
    this.grid?.redraw();
  }

  private annotate(row: number): void {
    const data = this.model!.data;
    vscode.postMessage({
      type: 'table/annotate',
      payload: { runId: data.runIds[row], starred: data.starred[row], note: data.notes[row] },
    });
  }

  /**
   * The runs shown, in display order (commit groups first when grouped); not those a filter hides or a
   * collapsed group holds.
   */
  private shownRuns(): string[] {
    const runIds = this.model?.data.runIds ?? [];
    return (this.grid?.displayItems ?? []).flatMap((d) => (d.kind === 'run' ? [runIds[d.row]] : []));
  }

  /** The selected runs of `shown`, in display order, each once (two rows with one id count once). */
  private selectedInOrder(shown = this.shownRuns()): string[] {
    return [...new Set(shown.filter((id) => this.selected.has(id)))];
  }

  private compareSelected(): void {
    const runIds = this.selectedInOrder();
    if (runIds.length >= 2) {
      vscode.postMessage({ type: 'table/compare', payload: { runIds } });
    }
  }

  private exportShown(): void {
    if (!this.model || !this.grid) {
      return;
    }
    const runIds = this.shownRuns();
    const columns = this.grid.shownColumns.map((c) => c.column.key);
    if (runIds.length === 0 || columns.length === 0) {
      return;
    }
    vscode.postMessage({ type: 'table/export', payload: { runIds, columns } });
  }

  private updateButtons(): void {
    const shown = this.model?.sortedRows().length ?? 0;
    const total = this.model?.data.runIds.length ?? 0;
    const runs = this.shownRuns();
    const selected = this.selectedInOrder(runs);
    this.count.textContent = `${shown} of ${total} runs${selected.length ? `, ${selected.length} selected` : ''}`;
    this.compare.textContent = selected.length >= 2 ? `Compare ${selected.length}` : 'Compare';
    this.compare.disabled = selected.length < 2;
    this.compare.title = 'Select two or more runs (click, Shift-click, Ctrl/Cmd-click or the boxes)';
    this.exportButton.disabled = runs.length === 0 || (this.grid?.shownColumns.length ?? 0) === 0;
    this.exportButton.title = this.exportButton.disabled
      ? 'No rows or no columns shown to export'
      : 'Export the shown rows and columns as CSV';
    this.renderNoteBar(selected);
  }

  private renderNoteBar(selected: string[]): void {
    const row = selected.length === 1 && this.model ? this.model.data.runIds.indexOf(selected[0]) : -1;
    renderNoteBar(
      this.noteBar,
      row >= 0 ? selected[0] : undefined,
      this.model?.data.notes[row] ?? '',
      (note) => {
        this.model!.data.notes[row] = note;
        this.annotate(row);
        this.grid?.redraw();
      },
    );
  }
}

startView<TableHostMessage>({
  styles,
  create: (app) => {
    const view = new TableView(app);
    return {
      onMessage: (message) => {
        try {
          view.handle(message);
        } catch (error) {
          reportError(error instanceof Error ? (error.stack ?? error.message) : String(error));
        }
      },
    };
  },
});
