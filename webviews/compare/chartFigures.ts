/**
 * The compare view's charts on the page: the figure each is drawn into (or an empty one marked busy
 * while the host still builds it), and the drawing of a chart into its figure.
 */
import type { Config } from 'vega-lite';
import { columnRows, type ChartModel } from '../../src/protocol/charts';
import { renderChart, type ChartHandle } from '../shared/chart';
import { element } from './dom';
import { splitFirstRows } from './firstRows';

/** Charts with more rows than this draw on a canvas (SVG makes DOM nodes for every point). */
const SVG_UP_TO_ROWS = 4000;

/** A chart on the page: its vega view, its figure, and the snapshot revision it shows. */
export interface DrawnChart {
  handle: ChartHandle;
  figure: HTMLElement;
  revision: number;
}

/** The empty figure a chart is drawn into. */
export function chartFigure(model: ChartModel): HTMLElement {
  const figure = element('figure');
  figure.dataset.chartId = model.id;
  figure.setAttribute('aria-label', model.title);
  return figure;
}

/** The place of a curves chart the host sends next: an empty figure, busy. */
export function pendingFigure(): HTMLElement {
  const figure = element('figure', undefined, 'pending');
  figure.setAttribute('aria-busy', 'true');
  figure.setAttribute('aria-label', 'Chart being drawn');
  return figure;
}

/**
 * Draws `model` into `figure` with the theme `config`, on a canvas when it has more than
 * {@link SVG_UP_TO_ROWS} rows. A chart whose one dataset came as columns (a curves chart) is drawn from
 * the rows that fix its layout, then the others are added ({@link splitFirstRows}: the same chart, its
 * rows encoded once instead of twice); other charts at once.
 * @throws the vega-embed error when the spec is invalid.
 */
export async function drawChart(
  figure: HTMLElement,
  model: ChartModel,
  config: Config,
): Promise<ChartHandle> {
  const rows =
    Object.values(model.data).reduce((n, r) => n + r.length, 0) +
    Object.values(model.columns ?? {}).reduce((n, c) => n + c.length, 0);
  const options = { config, renderer: rows > SVG_UP_TO_ROWS ? ('canvas' as const) : ('svg' as const) };
  const names = Object.keys(model.columns ?? {});
  if (names.length !== 1 || Object.keys(model.data).length > 0) {
    return renderChart(figure, model, options);
  }
  const [name] = names;
  const { first, rest } = splitFirstRows(columnRows(model.columns![name]));
  const handle = await renderChart(
    figure,
    { ...model, data: { [name]: first }, columns: undefined },
    options,
  );
  if (rest.length > 0) {
    // `rest` was made from the columns just above and is not kept: handed over without a copy.
    await handle.appendData(name, rest, true);
  }
  return handle;
}

/** Resolves in a task after the next frame (a chart drawn before it has been painted). */
export function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}
