/**
 * The drift report view. Renders what the host sends (`src/protocol/drift.ts`): it posts `webview/ready`
 * and draws the snapshot — the dataset verdict at the top, the inputs, a sortable table of the columns
 * (drifted first), the score summary and, per column, its summary statistics and overlaid reference and
 * current distributions. Every name and category is set as text, never parsed as markup. The snapshot
 * and the table's order are saved with `setState`, so a hidden and re-shown panel draws at once.
 */
import type { ChartModel } from '../../src/protocol/charts';
import {
  DRIFT_NOT_TESTED_HEADING,
  type DriftHostMessage,
  type DriftSnapshot,
  type DriftViewColumn,
  type DriftViewMessage,
} from '../../src/protocol/drift';
import { assertNever } from '../../src/protocol/messages';
import { renderChart, type ChartHandle } from '../shared/chart';
import { chartConfig, readThemeColors } from '../shared/chartTheme';
import { reportError, startView } from '../shared/page';
import { button } from '../shared/toolkit';
import { getVsCodeApi } from '../shared/vscodeApi';
import styles from './drift.css';
import { columnTable, DEFAULT_SORT, isSortState, verdictTag, type SortState } from './table';

interface SavedState {
  snapshot: DriftSnapshot;
  sort: SortState;
}

const vscode = getVsCodeApi<DriftViewMessage, SavedState>();

function el<K extends keyof HTMLElementTagNameMap>(
  name: K,
  options: { className?: string; text?: string; id?: string } = {},
): HTMLElementTagNameMap[K] {
  const element = document.createElement(name);
  if (options.className) {
    element.className = options.className;
  }
  if (options.text !== undefined) {
    element.textContent = options.text;
  }
  if (options.id) {
    element.id = options.id;
  }
  return element;
}

function verdictBanner(snapshot: DriftSnapshot): HTMLElement {
  // The words come from the host (core's drift presentation), the same as the CLI and the HTML report.
  const { kind, headline, detail } = snapshot.verdict;
  const banner = el('div', { id: 'verdict', className: `verdict ${kind}` });
  banner.setAttribute('role', 'status');
  banner.append(el('strong', { text: headline }), el('span', { text: detail }));
  return banner;
}

function inputsTable(snapshot: DriftSnapshot): HTMLElement {
  const table = el('table', { className: 'inputs' });
  const head = el('tr');
  for (const title of ['', 'file', 'format', 'rows', 'columns', 'sampling']) {
    head.append(el('th', { text: title }));
  }
  table.append(el('thead'), el('tbody'));
  table.tHead!.append(head);
  for (const [label, input] of [
    ['reference', snapshot.inputs.reference],
    ['current', snapshot.inputs.current],
  ] as const) {
    const tr = el('tr');
    const th = el('th', { text: label });
    th.scope = 'row';
    const file = el('td', { className: 'wrap' });
    file.append(el('code', { text: input.file }));
    tr.append(
      th,
      file,
      el('td', { text: input.format }),
      el('td', { className: 'num', text: input.text.rows }),
      el('td', { className: 'num', text: input.text.columns }),
      el('td', { text: input.text.sampling }),
    );
    table.tBodies[0].append(tr);
  }
  return table;
}

function summaryTable(column: DriftViewColumn): HTMLElement {
  const table = el('table', { className: 'summary' });
  const head = el('tr');
  head.append(
    el('th'),
    el('th', { className: 'num', text: 'reference' }),
    el('th', { className: 'num', text: 'current' }),
  );
  table.append(el('thead'), el('tbody'));
  table.tHead!.append(head);
  for (const line of column.summary) {
    const tr = el('tr');
    const th = el('th', { text: line.label });
    th.scope = 'row';
    tr.append(
      th,
      el('td', { className: 'num wrap', text: line.reference }),
      el('td', { className: 'num wrap', text: line.current }),
    );
    table.tBodies[0].append(tr);
  }
  return table;
}

function columnSection(column: DriftViewColumn, chart: HTMLElement): HTMLElement {
  const section = el('section', { className: 'column', id: `col-${column.index}` });
  const h3 = el('h3');
  h3.append(
    el('span', { className: 'column-name', text: column.name }),
    verdictTag(column.drifted, column.text.verdict),
    el('span', { className: 'note', text: column.type }),
  );
  const grid = el('div', { className: 'column-grid' });
  grid.append(summaryTable(column), chart);
  section.append(h3, ...column.text.details.map((text) => el('p', { className: 'note wrap', text })), grid);
  return section;
}

function chartContainer(model: ChartModel): HTMLElement {
  const div = el('div', { className: 'chart' });
  div.dataset.chart = model.id;
  div.setAttribute('role', 'img');
  div.setAttribute('aria-label', model.title);
  return div;
}

class DriftView {
  private snapshot: DriftSnapshot | undefined;
  private handles = new Map<string, ChartHandle>();
  private generation = 0;

  constructor(
    private readonly app: HTMLElement,
    private sort: SortState = DEFAULT_SORT,
  ) {}

  show(snapshot: DriftSnapshot): void {
    this.generation++;
    for (const handle of this.handles.values()) {
      handle.finalize();
    }
    this.handles.clear();
    this.snapshot = snapshot;
    document.title = snapshot.title;
    const header = el('header', { className: 'drift-header' });
    header.append(el('h1', { text: 'Data drift report' }));
    const source =
      snapshot.source.kind === 'run' ? `run ${snapshot.source.runId} of task ${snapshot.source.task} · ` : '';
    const subtitle = el('p', { className: 'subtitle wrap' });
    subtitle.append(
      el('code', { text: snapshot.inputs.reference.file }),
      ' (reference) → ',
      el('code', { text: snapshot.inputs.current.file }),
      ` (current) · ${source}${snapshot.createdAt} · ${snapshot.computedIn}`,
    );
    header.append(subtitle, verdictBanner(snapshot));

    const parts: HTMLElement[] = [header, inputsTable(snapshot)];
    const charts = new Map(snapshot.charts.map((c) => [c.id, c]));
    const containers: [HTMLElement, ChartModel][] = [];
    const columnsSection = el('section', { id: 'columns' });
    const heading = el('div', { className: 'section-heading' });
    heading.append(el('h2', { text: 'Columns' }));
    columnsSection.append(heading);
    if (snapshot.columns.length > 0) {
      const table = columnTable(
        snapshot.columns,
        this.sort,
        (index) => this.reveal(index),
        (sort) => {
          this.sort = sort;
          this.save();
        },
      );
      const reset = button(
        'Drifted first',
        () => {
          this.sort = DEFAULT_SORT;
          table.sortable.setSort(DEFAULT_SORT);
          this.save();
        },
        'secondary',
      );
      reset.id = 'default-order';
      reset.title = 'Order the table as at first: drifted columns first, strongest drift first';
      heading.append(reset);
      columnsSection.append(table.element);
      const summary = charts.get('drift:summary');
      if (summary) {
        const container = chartContainer(summary);
        containers.push([container, summary]);
        columnsSection.append(container);
      }
    } else {
      columnsSection.append(
        el('p', {
          className: 'note',
          text: `No column could be tested (see "${DRIFT_NOT_TESTED_HEADING}" below).`,
        }),
      );
    }
    parts.push(columnsSection);
    if (snapshot.columns.length > 0) {
      const distributions = el('section', { id: 'distributions' });
      distributions.append(el('h2', { text: 'Distributions' }));
      for (const column of snapshot.columns) {
        const model = charts.get(`drift:column:${column.index}`);
        const container = model ? chartContainer(model) : el('div', { className: 'chart' });
        if (model) {
          containers.push([container, model]);
        }
        distributions.append(columnSection(column, container));
      }
      parts.push(distributions);
    }
    if (snapshot.skipped.length > 0) {
      const skipped = el('section', { id: 'skipped' });
      skipped.append(el('h2', { text: DRIFT_NOT_TESTED_HEADING }));
      const list = el('ul');
      for (const s of snapshot.skipped) {
        const li = el('li', { className: 'wrap' });
        li.append(el('code', { text: s.name }), ` (${s.type}): ${s.reason}`);
        list.append(li);
      }
      skipped.append(list);
      parts.push(skipped);
    }
    this.app.replaceChildren(...parts);
    this.app.setAttribute('aria-busy', 'false');
    this.save();
    void this.drawCharts(containers, this.generation);
  }

  private async drawCharts(containers: [HTMLElement, ChartModel][], generation: number): Promise<void> {
    const config = chartConfig(readThemeColors());
    const results = await Promise.allSettled(
      containers.map(async ([container, model]) => {
        try {
          const handle = await renderChart(container, model, { config });
          if (generation === this.generation) {
            this.handles.set(model.id, handle);
          } else {
            handle.finalize();
          }
        } catch (error) {
          container.textContent = `This chart could not be drawn: ${String(error)}`;
          container.classList.add('chart-error');
          throw error;
        }
      }),
    );
    if (generation !== this.generation) {
      return;
    }
    for (const r of results) {
      if (r.status === 'rejected') {
        reportError(`chart failed: ${String(r.reason)}`);
      }
    }
    const drawn = results.filter((r) => r.status === 'fulfilled').length;
    this.app.dataset.rendered = String(drawn);
    vscode.postMessage({ type: 'drift/rendered', payload: { charts: drawn, ms: performance.now() } });
  }

  /** Redraws the charts in the new theme's colours. */
  async themeChanged(): Promise<void> {
    const generation = this.generation;
    const config = chartConfig(readThemeColors());
    for (const [id, handle] of [...this.handles]) {
      const redrawn = await handle.setConfig(config);
      // A snapshot shown meanwhile has drawn its own charts: this one belongs to the old page.
      if (generation !== this.generation) {
        redrawn.finalize();
        return;
      }
      this.handles.set(id, redrawn);
    }
  }

  private reveal(index: number): void {
    const section = document.getElementById(`col-${index}`);
    section?.scrollIntoView({ block: 'start' });
    section?.classList.add('flash');
    window.setTimeout(() => section?.classList.remove('flash'), 1200);
  }

  private save(): void {
    if (this.snapshot) {
      vscode.setState({ snapshot: this.snapshot, sort: this.sort });
    }
  }
}

startView<DriftHostMessage>({
  styles,
  create(app) {
    const saved = vscode.getState();
    const view = new DriftView(app, isSortState(saved?.sort) ? saved.sort : DEFAULT_SORT);
    // A state saved by an older build may lack fields (e.g. the texts); the host's snapshot follows anyway.
    if (saved?.snapshot && (saved.snapshot as Partial<DriftSnapshot>).computedIn !== undefined) {
      view.show(saved.snapshot);
    }
    return {
      onMessage(message) {
        switch (message.type) {
          case 'drift/snapshot':
            view.show(message.payload);
            break;
          default:
            assertNever(message.type);
        }
      },
      onThemeChange: () => view.themeChanged(),
    };
  },
});
