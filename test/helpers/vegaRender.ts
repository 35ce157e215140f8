/**
 * Compiles a chart model with vega-lite (collecting its warnings) and renders it headless with vega into
 * an SVG string, the way the browser views do minus the DOM. vega-lite and vega are ESM with top-level
 * await, hence the dynamic imports. `warnings` gathers what vega-lite logs and the vega view's errors.
 */
import { columnRows, type ChartModel } from '../../src/protocol/charts';

export interface Rendered {
  warnings: string[];
  svg: string;
  /** The compiled vega spec. */
  vega: Record<string, unknown>;
}

export async function renderModel(model: ChartModel): Promise<Rendered> {
  const vl = await import('vega-lite');
  const vega = await import('vega');
  const warnings: string[] = [];
  const logger = {
    level: () => logger,
    warn: (...args: unknown[]) => {
      warnings.push(args.map(String).join(' '));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
    error: (...args: unknown[]) => {
      warnings.push(`error: ${args.map(String).join(' ')}`);
      return logger;
    },
  };
  // Column-wise datasets decoded as the views decode them.
  const datasets = { ...model.data };
  for (const [name, columns] of Object.entries(model.columns ?? {})) {
    datasets[name] = columnRows(columns);
  }
  const compiled = vl.compile(
    { ...model.spec, datasets },
    {
      logger: logger,
    },
  ).spec;
  // vega's own errors too: a view that runs but loses items (a DataJoin error) logs only there. Its
  // warnings are left out: headless, a container-sized view warns that there is no window to listen to.
  const viewLogger = { ...logger, level: () => viewLogger, warn: () => viewLogger };
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger: viewLogger });
  view.width(600);
  const svg = await view.toSVG();
  view.finalize();
  return { warnings, svg, vega: compiled as Record<string, unknown> };
}

/** Number of SVG path/shape elements inside groups of class `mark-<type>`. */
export function markCount(svg: string, type: string): number {
  const re = new RegExp(`<g class="mark-${type} role-mark[^"]*"[^>]*>(.*?)</g>`, 'gs');
  let count = 0;
  for (const match of svg.matchAll(re)) {
    count += (match[1].match(/<(path|line|circle)\b/g) ?? []).length;
  }
  return count;
}
