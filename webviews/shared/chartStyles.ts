/**
 * The CSS charts need: vega-embed's container and the tooltip. vega-embed and vega-tooltip would inject
 * their own `<style>` elements without a nonce, which a strict CSP blocks, so they are told not to and
 * these rules are injected once with the page's nonce instead. Colours follow VS Code's hover widget
 * variables, falling back to light colours outside VS Code.
 */
export const CHART_CSS = `
.vega-embed { position: relative; display: block; width: 100%; box-sizing: border-box; }
.vega-embed.fit-x { width: 100%; }
.vega-embed svg, .vega-embed canvas { max-width: 100%; }
#vg-tooltip-element {
  visibility: hidden; position: fixed; z-index: 1000; padding: 6px 8px; border-radius: 3px;
  font-family: var(--vscode-font-family, system-ui, sans-serif); font-size: 12px; white-space: pre-line;
  background: var(--vscode-editorHoverWidget-background, #ffffff);
  color: var(--vscode-editorHoverWidget-foreground, #1f2328);
  border: 1px solid var(--vscode-editorHoverWidget-border, #d0d7de);
  box-shadow: 0 2px 6px rgba(0, 0, 0, 0.15); pointer-events: none;
}
#vg-tooltip-element.visible { visibility: visible; }
#vg-tooltip-element h2 { margin: 0 0 6px; font-size: 12px; }
#vg-tooltip-element table { border-spacing: 0; }
#vg-tooltip-element td { padding: 1px 0; vertical-align: top; overflow: hidden; text-overflow: ellipsis; }
#vg-tooltip-element td.key { max-width: 220px; padding-right: 8px; text-align: right; opacity: 0.75; }
#vg-tooltip-element td.value { max-width: 300px; text-align: left; font-variant-numeric: tabular-nums; }
`;

const STYLE_ID = 'xlens-chart-style';

/**
 * Adds {@link CHART_CSS} to the document once. Under a CSP with a style nonce, the nonce is taken from the
 * page's own nonce-carrying `<script>` or `<style>` (browsers expose it as the `nonce` property only).
 */
export function ensureChartStyles(doc: Document = document): void {
  if (doc.getElementById(STYLE_ID)) {
    return;
  }
  const style = doc.createElement('style');
  style.id = STYLE_ID;
  const carrier = doc.querySelector<HTMLElement>('script[nonce], style[nonce]');
  const nonce = carrier?.nonce;
  if (nonce) {
    style.nonce = nonce;
  }
  style.textContent = CHART_CSS;
  doc.head.appendChild(style);
}
