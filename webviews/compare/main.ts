/**
 * The compare view: every compared run overlaid per metric, the params side by side (differing rows
 * marked, "only differences" by default) and the metric deltas against the chosen baseline. Renders what
 * the host sends (`src/protocol/compare.ts`); option changes go to the host, which answers with a new
 * snapshot. The runs and options are saved with `setState`, so the panel comes back after a reload.
 */
import type { ChartModel } from '../../src/protocol/charts';
import {
  type CompareHostMessage,
  type CompareOptions,
  type CompareSavedState,
  type CompareSnapshot,
  type CompareViewMessage,
} from '../../src/protocol/compare';
import { assertNever } from '../../src/protocol/messages';
import { formatNumber } from '../../src/shared/formatting';
import { chartConfig, readThemeColors } from '../shared/chartTheme';
import { reportError, startView } from '../shared/page';
import type { ChartHandle } from '../shared/chart';
import { getVsCodeApi } from '../shared/vscodeApi';
import styles from './compare.css';
import { checkbox, element, select } from './dom';
import { chartFigure, drawChart, nextFrame, pendingFigure, type DrawnChart } from './chartFigures';

const vscode = getVsCodeApi<CompareViewMessage, CompareSavedState>();
const started = performance.now();

class CompareView {
  private model: CompareSnapshot | undefined;
  private readonly header = element('header', undefined, 'compare-header');
  private readonly notes = element('ul', undefined, 'notes');
  private readonly legend = element('ul', undefined, 'legend');
  private readonly charts = element('div', undefined, 'chart-grid');
  private readonly metrics = element('section');
  private readonly params = element('section');
  private readonly paramChartsSection = element('section');
  private readonly paramCharts = element('div', undefined, 'chart-grid');
  private readonly data = element('section');
  /** The charts drawn, with the revision of the snapshot they were drawn for. */
  private drawn: DrawnChart[] = [];
  private drawing = Promise.resolve();
  /** Draws asked for so far: a draw stops once a newer one is asked for (it would be replaced). */
  private draws = 0;
  /** What a stopped draw was to run after its first chart: the next draw runs it after its own. */
  private carried: (() => void) | undefined;
  private onlyDifferences = true;
  /** The series highlighted from the legend (null: none). */
  private focused: string | null = null;
  /** True from the first snapshot until its first chart is drawn, when the tables follow. */
  private tablesWaiting = false;

  constructor(app: HTMLElement) {
    const chartsSection = element('section');
    chartsSection.append(element('h2', 'Curves'), this.notes, this.charts);
    app.append(this.header, chartsSection, this.metrics, this.paramChartsSection, this.params, this.data);
  }

  show(snapshot: CompareSnapshot): void {
    const first = this.model === undefined;
    // The legend is drawn anew: no series stays highlighted in the charts kept from the last snapshot.
    if (this.focused !== null) {
      this.focus(null);
    }
    this.model = snapshot;
    vscode.setState({ runIds: snapshot.runs.map((r) => r.id), options: snapshot.options });
    this.renderHeader();
    this.renderNotes();
    // Its charts' figures must be in the page before they are drawn (they take its width).
    this.renderParamChartsSection();
    if (first) {
      // The tables below the charts come once the first chart is drawn: laying them out (a row per
      // run) before it would hold back what the user looks at first. They show the latest snapshot
      // then; later snapshots (an option changed) update them at once.
      this.tablesWaiting = true;
      void this.drawCharts(snapshot, () => {
        this.tablesWaiting = false;
        this.renderTables();
      });
    } else {
      if (!this.tablesWaiting) {
        this.renderTables();
      }
      void this.drawCharts(snapshot);
    }
  }

  private renderTables(): void {
    this.renderMetrics();
    this.renderParams();
    this.renderData();
  }

  themeChanged(): Promise<void> {
    return this.model ? this.drawCharts(this.model, undefined, false) : Promise.resolve();
  }

  private setOptions(change: Partial<CompareOptions>): void {
    if (!this.model) {
      return;
    }
    vscode.postMessage({ type: 'compare/options', payload: { ...this.model.options, ...change } });
  }

  private renderHeader(): void {
    const model = this.model!;
    const o = model.options;
    const title = element('h1', `Comparing ${model.runs.length} runs`);
    const toolbar = element('div', undefined, 'toolbar');
    const smoothing = element('label', 'Smoothing');
    const slider = element('input');
    slider.type = 'range';
    slider.min = '0';
    slider.max = '0.99';
    slider.step = '0.01';
    slider.value = String(o.smoothing);
    const shown = element('span', o.smoothing.toFixed(2));
    slider.addEventListener('input', () => (shown.textContent = Number(slider.value).toFixed(2)));
    slider.addEventListener('change', () => this.setOptions({ smoothing: Number(slider.value) }));
    smoothing.append(slider, shown);
    toolbar.append(
      select(
        'x axis',
        [
          ['step', 'step'],
          ['relative', 'time since start'],
          ['wall', 'wall time'],
        ],
        o.x,
        (x) => this.setOptions({ x: x as CompareOptions['x'] }),
      ),
      checkbox('log y', o.yScale === 'log', (on) => this.setOptions({ yScale: on ? 'log' : 'linear' })),
      smoothing,
      checkbox('ignore outliers', o.clipOutliers, (on) => this.setOptions({ clipOutliers: on })),
      select(
        'group by',
        [['', 'runs'], ...model.groupChoices.map((c): [string, string] => [c, c])],
        o.groupBy ?? '',
        (g) => this.setOptions({ groupBy: g === '' ? null : g }),
      ),
      select(
        'baseline',
        model.runs.map((r, i): [string, string] => [String(i), r.label]),
        String(o.baseline),
        (b) => this.setOptions({ baseline: Number(b) }),
      ),
    );
    this.legend.replaceChildren(
      ...model.legend.map((entry) => {
        const item = element('li');
        item.dataset.series = entry.label;
        const swatch = element('span', undefined, 'swatch');
        swatch.style.background = entry.color;
        item.append(swatch, document.createTextNode(entry.label));
        item.addEventListener('pointerenter', () => this.focus(entry.label));
        item.addEventListener('pointerleave', () => this.focus(null));
        return item;
      }),
    );
    this.legend.setAttribute('aria-label', 'Runs in the charts');
    if (model.runs.length === 2) {
      const compareCode = element('button', 'Compare Code', 'compare-code');
      compareCode.title = "Open the two runs' code in the diff editor (changed files first)";
      compareCode.addEventListener('click', () =>
        vscode.postMessage({ type: 'compare/compareCode', payload: {} }),
      );
      toolbar.append(compareCode);
    }
    this.header.replaceChildren(title, toolbar, this.legend);
  }

  /** Highlights one series in every curves chart and in the legend (null: none). */
  private focus(label: string | null): void {
    this.focused = label;
    const curves = new Set(this.model?.charts.map((c) => c.id));
    for (const item of this.legend.children) {
      (item as HTMLElement).classList.toggle(
        'dimmed',
        label !== null && (item as HTMLElement).dataset.series !== label,
      );
    }
    for (const { handle } of this.drawn.filter((d) => curves.has(d.handle.id))) {
      handle.result.view
        .signal('focus', label)
        .runAsync()
        .catch((error: unknown) => reportError(String(error)));
    }
  }

  /** Marks the legend entry of the line under the pointer (the charts' `highlight` selection). */
  private watchHover(handle: ChartHandle): void {
    handle.result.view.addSignalListener('highlight', (_name: string, value: unknown) => {
      const hovered = (value as { series?: unknown[] } | null)?.series?.[0];
      for (const item of this.legend.children) {
        (item as HTMLElement).classList.toggle(
          'hovered',
          hovered !== undefined && (item as HTMLElement).dataset.series === hovered,
        );
      }
    });
  }

  private renderNotes(): void {
    this.notes.replaceChildren(...this.model!.notes.map((n) => element('li', n)));
  }

  /** The first cell of a run's row: its label, a button opening its dashboard. */
  private runCell(index: number): HTMLTableCellElement {
    const run = this.model!.runs[index];
    const th = element('th');
    th.scope = 'row';
    const link = element('button', run.label, 'run-link');
    link.title = `${run.status}${run.commit ? ` · ${run.commit}` : ''}: open the run's dashboard`;
    link.addEventListener('click', () =>
      vscode.postMessage({ type: 'compare/openDashboard', payload: { runId: run.id } }),
    );
    th.append(link);
    if (index === this.model!.options.baseline) {
      th.append(element('span', ' (baseline)', 'note'));
    }
    return th;
  }

  /** A table with one row per run: `columns` headers, `cells(runIndex)` the cells after the run's. */
  private runTable(columns: string[], cells: (run: number) => HTMLTableCellElement[]): HTMLTableElement {
    const table = element('table', undefined, 'compare-table');
    const head = element('tr');
    head.append(element('th', 'run'), ...columns.map((c) => element('th', c)));
    table.append(element('thead'), element('tbody'));
    table.tHead!.append(head);
    this.model!.runs.forEach((_, i) => {
      const row = element('tr');
      row.append(this.runCell(i), ...cells(i));
      table.tBodies[0].append(row);
    });
    return table;
  }

  private renderMetrics(): void {
    const model = this.model!;
    const table = this.runTable(
      model.metrics.map((m) => `${m.name} (${m.goal === 'min' ? '↓' : '↑'})`),
      (i) =>
        model.metrics.map((metric) => {
          const cell = metric.runs[i];
          const td = element('td', undefined, 'num');
          if (!cell) {
            td.textContent = '—';
            return td;
          }
          td.textContent = formatNumber(cell.last);
          td.title = `last ${cell.last}; best ${formatNumber(cell.best)} at step ${cell.bestStep}`;
          if (cell.deltaLast !== null && cell.deltaLast !== 0) {
            const better = metric.goal === 'min' ? cell.deltaLast < 0 : cell.deltaLast > 0;
            td.append(
              element(
                'span',
                ` ${cell.deltaLast > 0 ? '+' : ''}${formatNumber(cell.deltaLast)}`,
                better ? 'better' : 'worse',
              ),
            );
          }
          return td;
        }),
    );
    const caption = element(
      'p',
      'Last values, with the difference to the baseline (↓ lower is better, ↑ higher is better).',
      'note',
    );
    this.metrics.replaceChildren(element('h2', 'Metrics'), caption, table);
  }

  private renderParams(): void {
    const model = this.model!;
    const differing = model.params.filter((p) => p.differs).length;
    const toggle = checkbox(
      `only params that differ (${differing} of ${model.params.length})`,
      this.onlyDifferences,
      (on) => {
        this.onlyDifferences = on;
        this.renderParams();
      },
    );
    const shown = model.params.filter((p) => p.differs || !this.onlyDifferences);
    const table = this.runTable(
      shown.map((p) => p.name),
      (i) =>
        shown.map((param) => {
          const td = element('td', param.values[i], param.differs ? 'differs' : undefined);
          return td;
        }),
    );
    this.params.replaceChildren(element('h2', 'Params'), toggle, table);
  }

  /** The params charts' section: metric and param choices above the parallel coordinates and scatter. */
  private renderParamChartsSection(): void {
    const model = this.model!;
    if (model.paramCharts.length === 0) {
      this.paramChartsSection.replaceChildren();
      return;
    }
    const toolbar = element('div', undefined, 'toolbar');
    toolbar.append(
      select(
        'metric',
        model.metricChoices.map((m): [string, string] => [m, m]),
        model.options.metric ?? model.metricChoices[0] ?? '',
        (metric) => this.setOptions({ metric }),
      ),
      select(
        'scatter x',
        model.paramChoices.map((p): [string, string] => [p, p]),
        model.options.param ?? '',
        (param) => this.setOptions({ param }),
      ),
    );
    const caption = element('p', "Each run's last value of the metric against its params.", 'note');
    this.paramChartsSection.replaceChildren(
      element('h2', 'Params → metric'),
      caption,
      toolbar,
      this.paramCharts,
    );
  }

  /** The data inputs per run: same, changed or added against the baseline's fingerprint, or missing. */
  private renderData(): void {
    const model = this.model!;
    if (model.data.length === 0) {
      this.data.replaceChildren(element('h2', 'Data'), element('p', 'No data inputs recorded.', 'note'));
      return;
    }
    const table = this.runTable(
      model.data.map((d) => d.path),
      (i) =>
        model.data.map((input) => {
          const cell = input.runs[i];
          const td = element('td', cell.state, `data-${cell.state}`);
          if (cell.state !== 'missing') {
            td.title = `sha256 ${cell.sha256}, ${cell.size} bytes`;
          }
          return td;
        }),
    );
    const caption = element('p', "Inputs' fingerprints (sha256) against the baseline's.", 'note');
    this.data.replaceChildren(element('h2', 'Data'), caption, table);
  }

  /**
   * Draws the curves and then the params charts, one per task (so input and paint happen in between),
   * after any draw under way. Charts drawn for a snapshot of the same revision are kept as they are
   * (the host sends the first curves chart, then the others), unless `reuse` is false (a new theme).
   * The curves charts still to come show as empty figures marked busy. `afterFirst` runs once the
   * first chart is drawn (at once when there is none), also when drawing fails.
   */
  private drawCharts(snapshot: CompareSnapshot, afterFirst?: () => void, reuse = true): Promise<void> {
    let pending = afterFirst;
    const runAfterFirst = (): void => {
      const run = pending;
      pending = undefined;
      run?.();
    };
    const asked = ++this.draws;
    const draw = async (): Promise<void> => {
      const carried = this.carried;
      this.carried = undefined;
      if (carried !== undefined) {
        const own = pending;
        pending = () => {
          carried();
          own?.();
        };
      }
      const kept = new Map<string, DrawnChart>();
      for (const chart of this.drawn) {
        if (reuse && chart.revision === snapshot.revision) {
          kept.set(chart.handle.id, chart);
        } else {
          chart.handle.finalize();
        }
      }
      this.drawn = [];
      const config = chartConfig(readThemeColors());
      const models: ChartModel[] = [...snapshot.charts, ...snapshot.paramCharts];
      const figures = models.map((model) => kept.get(model.id)?.figure ?? chartFigure(model));
      const waiting = Array.from({ length: snapshot.pendingCharts }, pendingFigure);
      this.charts.replaceChildren(...figures.slice(0, snapshot.charts.length), ...waiting);
      this.paramCharts.replaceChildren(...figures.slice(snapshot.charts.length));
      for (let i = 0; i < models.length; i++) {
        const same = kept.get(models[i].id);
        if (same) {
          kept.delete(models[i].id);
          this.drawn.push(same);
          runAfterFirst();
          continue;
        }
        // After a frame: the chart drawn last is painted before the next one is built (the first
        // chart shows while the others are still being drawn).
        await nextFrame();
        if (asked !== this.draws) {
          // A newer snapshot came: its draw, next, keeps what this one drew or kept of the same revision.
          this.drawn.push(...kept.values());
          kept.clear();
          [this.carried, pending] = [pending, undefined];
          break;
        }
        const handle = await drawChart(figures[i], models[i], config);
        if (i < snapshot.charts.length) {
          this.watchHover(handle);
        }
        this.drawn.push({ handle, figure: figures[i], revision: snapshot.revision });
        figures[i].dataset.rendered = 'true';
        runAfterFirst();
      }
      kept.forEach((chart) => chart.handle.finalize());
      runAfterFirst();
      if (snapshot.pendingCharts === 0 && asked === this.draws) {
        vscode.postMessage({
          type: 'compare/rendered',
          payload: { revision: snapshot.revision, charts: models.length, ms: performance.now() - started },
        });
      }
    };
    this.drawing = this.drawing
      .then(draw)
      .catch((error: unknown) => reportError(`drawing the charts failed: ${String(error)}`))
      .finally(runAfterFirst);
    return this.drawing;
  }
}

startView<CompareHostMessage>({
  styles,
  create(app) {
    const view = new CompareView(app);
    return {
      onMessage(message) {
        switch (message.type) {
          case 'compare/snapshot':
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
