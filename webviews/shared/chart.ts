/**
 * Renders the charts built in core (`ChartModel`: a vega-lite spec plus named datasets) with vega-embed,
 * in every browser view: the run dashboard, the drift view and the standalone HTML reports.
 *
 * CSP: expressions run through {@link compiledExpressions} (`ast: true`; vega-interpreter's semantics,
 * compiled once), so no `unsafe-eval` is needed; vega-embed's
 * and vega-tooltip's own `<style>` injection is off and {@link ensureChartStyles} adds the CSS with the page's
 * nonce; the actions menu (which would open windows and the online editor) is off.
 */
import embed, { type Result } from 'vega-embed';
import type { Loader } from 'vega';
import type { Config } from 'vega-lite';
import { columnRows, type ChartModel, type ChartRow } from '../../src/protocol/charts';
import { chartConfig, readThemeColors } from './chartTheme';
import { ensureChartStyles } from './chartStyles';
import { compiledExpressions } from './compiledExpressions';
import { dict } from '../../src/shared/dict';

const refuse = (): Promise<never> => Promise.reject(new Error('charts load no external data'));
/** Data is always inline: a loader that refuses keeps a view from ever reaching the network. */
const NO_LOADS: Loader = { load: refuse, sanitize: refuse, http: refuse, file: refuse };

/** Options of {@link renderChart}. */
export interface RenderChartOptions {
  /** Theme config; default: from the VS Code CSS variables with light fallbacks ({@link readThemeColors}). */
  config?: Config;
  /** Default `svg` (crisp text, selectable in tests); `canvas` is faster for very many marks. */
  renderer?: 'svg' | 'canvas';
}

/** A rendered chart that can take new data without being embedded again. */
export interface ChartHandle {
  readonly id: string;
  /** The vega view (for tests and advanced use). */
  readonly result: Result;
  /** Replaces every row of a dataset (e.g. a re-downsampled metric series) and re-renders. */
  replaceData(dataset: string, rows: readonly ChartRow[]): Promise<void>;
  /**
   * Appends rows to a dataset (e.g. new metric points while a run is running) and re-renders. Vega
   * keeps and tags the rows it is given, so they are copied first, unless `handOver` says the caller
   * made them for this call and keeps no reference (20,000 rows of a compare chart cost a copy each).
   */
  appendData(dataset: string, rows: readonly ChartRow[], handOver?: boolean): Promise<void>;
  /** Draws the chart again with another theme config (after a theme change), keeping the current data. */
  setConfig(config: Config): Promise<ChartHandle>;
  /** Removes listeners and timers of the view. */
  finalize(): void;
}

/**
 * Embeds `model` into `container` (its previous content is replaced).
 * @throws the vega-embed error when the spec is invalid.
 */
export async function renderChart(
  container: HTMLElement,
  model: ChartModel,
  options: RenderChartOptions = {},
): Promise<ChartHandle> {
  ensureChartStyles(container.ownerDocument);
  const config = options.config ?? chartConfig(readThemeColors());
  const datasets: Record<string, ChartRow[]> = dict();
  for (const [name, rows] of Object.entries(model.data)) {
    datasets[name] = rows.map((row) => ({ ...row }));
  }
  for (const [name, columns] of Object.entries(model.columns ?? {})) {
    datasets[name] = columnRows(columns);
  }
  const result = await embed(
    container,
    { ...model.spec, datasets },
    {
      actions: false,
      ast: true,
      expr: compiledExpressions,
      config,
      renderer: options.renderer ?? 'svg',
      defaultStyle: false,
      tooltip: { disableDefaultStyle: true, theme: 'custom' },
      loader: NO_LOADS,
    },
  );
  const { view } = result;
  const currentData = (): Record<string, ChartRow[]> => {
    const data: Record<string, ChartRow[]> = dict();
    for (const name of [...Object.keys(model.data), ...Object.keys(model.columns ?? {})]) {
      data[name] = (view.data(name) as ChartRow[]).map((row) => ({ ...row }));
    }
    return data;
  };
  return {
    id: model.id,
    result,
    async replaceData(dataset, rows) {
      const changes = view
        .changeset()
        .remove(() => true)
        .insert(rows.map((row) => ({ ...row })));
      await view.change(dataset, changes).runAsync();
    },
    async appendData(dataset, rows, handOver = false) {
      const given = handOver ? rows : rows.map((row) => ({ ...row }));
      await view.change(dataset, view.changeset().insert(given)).runAsync();
    },
    async setConfig(next) {
      const data = currentData();
      result.finalize();
      return renderChart(container, { ...model, data, columns: undefined }, { ...options, config: next });
    },
    finalize() {
      result.finalize();
    },
  };
}
