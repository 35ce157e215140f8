/**
 * The vega config that gives charts their colours. Specs built in core carry none, so the same spec reads
 * well in a light report, a dark editor theme or a high-contrast one. Inside VS Code the colours come from
 * the theme's CSS variables (`--vscode-foreground`, `--vscode-editor-background`, `--vscode-charts-*`);
 * elsewhere (the standalone HTML report) the light fallbacks apply.
 */
import type { Config } from 'vega-lite';

/** Colours and font a chart is drawn with. */
export interface ChartColors {
  foreground: string;
  background: string;
  /** Series colours in order: first series, second series, ... */
  categories: string[];
  fontFamily: string;
}

/** Light colours, VS Code's default light theme chart palette: used by HTML reports and as fallback. */
export const LIGHT_COLORS: ChartColors = {
  foreground: '#1f2328',
  background: '#ffffff',
  categories: ['#1a85ff', '#d18616', '#388a34', '#e51400', '#652d90', '#bf8803'],
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
};

/** The `--vscode-charts-*` variables, in the order series take them. */
const CHART_VARIABLES = ['blue', 'orange', 'green', 'red', 'purple', 'yellow'];

/**
 * Reads the theme colours from VS Code's CSS variables on `root` (as a webview sets them on `<html>`),
 * each variable falling back to {@link LIGHT_COLORS} when absent.
 */
export function readThemeColors(root: Element = document.documentElement): ChartColors {
  const style = getComputedStyle(root);
  const read = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  return {
    foreground: read('--vscode-foreground', LIGHT_COLORS.foreground),
    background: read('--vscode-editor-background', LIGHT_COLORS.background),
    categories: CHART_VARIABLES.map((name, i) => read(`--vscode-charts-${name}`, LIGHT_COLORS.categories[i])),
    fontFamily: read('--vscode-font-family', LIGHT_COLORS.fontFamily),
  };
}

/**
 * A vega-lite config drawing text, axes and grid in the foreground colour (grid and domain through opacity,
 * so no colour needs mixing) and series in the category colours.
 */
export function chartConfig(colors: ChartColors = LIGHT_COLORS): Config {
  const { foreground, background, categories, fontFamily } = colors;
  return {
    background,
    font: fontFamily,
    padding: 8,
    view: { stroke: null },
    title: { color: foreground, fontSize: 13, fontWeight: 600, subtitleColor: foreground },
    axis: {
      labelColor: foreground,
      titleColor: foreground,
      domainColor: foreground,
      domainOpacity: 0.4,
      tickColor: foreground,
      tickOpacity: 0.4,
      gridColor: foreground,
      gridOpacity: 0.12,
      labelFontSize: 11,
      titleFontSize: 11,
      titleFontWeight: 'normal',
    },
    legend: { labelColor: foreground, titleColor: foreground, labelFontSize: 11 },
    range: { category: categories },
    mark: { color: categories[0] },
    rule: { color: foreground },
    tick: { color: foreground },
    // Text marks (e.g. counts in a confusion matrix) follow the theme, readable on dark backgrounds.
    text: { color: foreground },
  };
}
