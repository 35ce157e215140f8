/**
 * The chart grid of the dashboard: one figure per chart model, drawn by `shared/chart.ts`. Operations on
 * one chart (first draw, new rows, a new spec) run in order; a new spec redraws the figure, new rows
 * swap the dataset of the drawn view. Each figure carries `data-chart-id`, `data-series` and, once
 * drawn, `data-rendered="true"` (tests and styles read them).
 */
import type { ChartModel, ChartRow } from '../../src/protocol/charts';
import type { DashboardSeriesInfo } from '../../src/protocol/dashboard';
import { dict } from '../../src/shared/dict';
import { renderChart, type ChartHandle } from '../shared/chart';
import { chartConfig, readThemeColors } from '../shared/chartTheme';
import { seriesCaption } from './dashboardText';

interface Figure {
  element: HTMLElement;
  body: HTMLElement;
  caption: HTMLElement;
  model: ChartModel;
  series: string[];
  /** The drawn chart, once the first draw finished. */
  handle: ChartHandle | undefined;
  /** Tail of this chart's operation queue. */
  queue: Promise<void>;
}

/** Series names of a chart, from its rows (the `series` field core's line charts carry). */
function seriesOf(model: ChartModel): string[] {
  const names = new Set<string>();
  for (const rows of Object.values(model.data)) {
    for (const row of rows) {
      if (typeof row.series === 'string') {
        names.add(row.series);
      }
    }
  }
  return [...names];
}

/** Tail of the draws of every chart of the page. */
let lastDraw: Promise<unknown> = Promise.resolve();

/**
 * Runs `draw` after every draw queued before it, in a task of its own. Vega's embed chains only promises,
 * so ten charts started at once would draw in one long task and freeze the page (and, in a browser editor,
 * the editor around it) until all are done; one chart per task lets input and paint in between.
 */
function drawInTurn<T>(draw: () => Promise<T>): Promise<T> {
  const result = lastDraw.then(() => new Promise<void>((resolve) => setTimeout(resolve, 0))).then(draw);
  lastDraw = result.catch(() => undefined);
  return result;
}

/**
 * Charts with more rows per series than this draw on a canvas: vega's SVG renderer makes DOM nodes for every
 * line point and hover target (thousands per chart), which froze the editor for seconds on long runs.
 */
const SVG_UP_TO_ROWS = 500;

/** The most rows one series has in a chart. */
function maxRows(model: ChartModel): number {
  const perSeries = new Map<unknown, number>();
  for (const rows of Object.values(model.data)) {
    for (const row of rows) {
      perSeries.set(row.series, (perSeries.get(row.series) ?? 0) + 1);
    }
  }
  return Math.max(0, ...perSeries.values());
}

/** Same id, title, spec and dataset names: the chart can take the other's rows without a new draw. */
function sameChart(a: ChartModel, b: ChartModel): boolean {
  const names = (m: ChartModel) => Object.keys(m.data).sort().join('\n');
  return (
    a.id === b.id &&
    a.title === b.title &&
    names(a) === names(b) &&
    JSON.stringify(a.spec) === JSON.stringify(b.spec)
  );
}

function sameRows(a: readonly ChartRow[] | undefined, b: readonly ChartRow[]): boolean {
  return a !== undefined && a.length === b.length && JSON.stringify(a) === JSON.stringify(b);
}

export class ChartGrid {
  private readonly figures = new Map<string, Figure>();
  private counts = new Map<string, DashboardSeriesInfo>();

  constructor(
    private readonly root: HTMLElement,
    private readonly onError: (message: string) => void,
  ) {}

  /** Ids of the charts shown, in order. */
  get ids(): string[] {
    return [...this.figures.keys()];
  }

  /**
   * Adds or replaces a chart. A new spec draws it anew; the same spec (a snapshot after the view drew
   * its saved state, e.g. when its tab is shown again) only swaps the datasets whose rows changed, so
   * showing a dashboard again does not draw every chart twice.
   */
  setChart(model: ChartModel): void {
    const shown = this.figures.get(model.id);
    if (shown && sameChart(shown.model, model)) {
      for (const [name, rows] of Object.entries(model.data)) {
        if (!sameRows(shown.model.data[name], rows)) {
          this.setData(model.id, name, rows);
        }
      }
      shown.series = seriesOf(model);
      shown.element.dataset.series = shown.series.join(',');
      this.renderCaption(shown);
      return;
    }
    let figure = shown;
    if (!figure) {
      const element = document.createElement('figure');
      element.className = 'chart';
      element.dataset.chartId = model.id;
      const body = document.createElement('div');
      body.className = 'chart-body';
      const caption = document.createElement('figcaption');
      element.append(body, caption);
      this.root.append(element);
      figure = { element, body, caption, model, series: [], handle: undefined, queue: Promise.resolve() };
      this.figures.set(model.id, figure);
    }
    const f = figure;
    f.model = model;
    f.series = seriesOf(model);
    f.element.dataset.series = f.series.join(',');
    f.element.dataset.rendered = 'false';
    this.markPoints(f);
    this.renderCaption(f);
    this.enqueue(f, () =>
      drawInTurn(async () => {
        f.element.dataset.draws = String(Number(f.element.dataset.draws ?? 0) + 1);
        f.handle?.finalize();
        f.handle = await renderChart(f.body, f.model, {
          config: chartConfig(readThemeColors()),
          renderer: maxRows(f.model) > SVG_UP_TO_ROWS ? 'canvas' : 'svg',
        });
      }),
    );
  }

  /** Replaces the rows of one dataset of a drawn chart. */
  setData(chartId: string, dataset: string, rows: ChartRow[]): void {
    const f = this.figures.get(chartId);
    if (!f) {
      this.onError(`update for unknown chart ${chartId}`);
      return;
    }
    f.model = { ...f.model, data: { ...f.model.data, [dataset]: rows } };
    this.markPoints(f);
    this.enqueue(f, async () => {
      await f.handle?.replaceData(dataset, rows);
    });
  }

  /** Removes charts not in `keep`. */
  retain(keep: ReadonlySet<string>): void {
    for (const [id, f] of this.figures) {
      if (!keep.has(id)) {
        f.handle?.finalize();
        f.element.remove();
        this.figures.delete(id);
      }
    }
  }

  /** Updates the point counts shown under the charts. */
  setCounts(infos: readonly DashboardSeriesInfo[]): void {
    for (const info of infos) {
      this.counts.set(info.name, info);
    }
    for (const f of this.figures.values()) {
      this.renderCaption(f);
    }
  }

  /** Draws every chart again with the current theme colours (after a theme change). */
  redrawAll(): void {
    for (const f of this.figures.values()) {
      this.enqueue(f, async () => {
        if (f.handle) {
          f.handle = await f.handle.setConfig(chartConfig(readThemeColors()));
        }
      });
    }
  }

  /** The models as currently shown (for the saved state). */
  models(): ChartModel[] {
    return [...this.figures.values()].map((f) => f.model);
  }

  /** Charts drawn and the most rows one series has among them. */
  stats(): { charts: number; maxPoints: number } {
    let charts = 0;
    let maxPoints = 0;
    for (const f of this.figures.values()) {
      if (f.element.dataset.rendered === 'true') {
        charts += 1;
      }
      const perSeries = JSON.parse(f.element.dataset.points ?? '{}') as Record<string, number>;
      maxPoints = Math.max(maxPoints, ...Object.values(perSeries));
    }
    return { charts, maxPoints };
  }

  /** Resolves when every queued draw has finished. */
  settled(): Promise<void> {
    return Promise.all([...this.figures.values()].map((f) => f.queue)).then(() => undefined);
  }

  /** Records on the figure how many rows per series the view holds (`data-points`, JSON). */
  private markPoints(f: Figure): void {
    const perSeries = dict<number>(); // series are metric names: `constructor` is one
    for (const rows of Object.values(f.model.data)) {
      for (const row of rows) {
        const name = typeof row.series === 'string' ? row.series : '';
        perSeries[name] = (perSeries[name] ?? 0) + 1;
      }
    }
    f.element.dataset.points = JSON.stringify(perSeries);
  }

  private renderCaption(f: Figure): void {
    const parts = f.series.map((name) => {
      const info = this.counts.get(name);
      return info ? seriesCaption(name, info.total, info.shown) : name;
    });
    f.caption.textContent = parts.join(' · ');
    const downsampled = f.series.some((name) => {
      const info = this.counts.get(name);
      return info !== undefined && info.shown < info.total;
    });
    f.element.dataset.downsampled = String(downsampled);
  }

  private enqueue(f: Figure, op: () => Promise<void>): void {
    f.queue = f.queue
      .then(op)
      .then(() => {
        if (f.handle) {
          f.element.dataset.rendered = 'true';
        }
      })
      .catch((error: unknown) => {
        f.element.dataset.rendered = 'error';
        f.body.textContent = `This chart could not be drawn: ${String(error)}`;
        this.onError(`chart ${f.model.id}: ${String(error)}`);
      });
  }
}
