/** The CSS of standalone HTML reports (light, print-friendly; inlined under the page's style nonce). */
export const REPORT_CSS = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --border: #d0d7de; --bg: #ffffff; --panel: #f6f8fa;
  --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 48px; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--fg); background: var(--bg); max-width: 1200px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--border); }
h3 { font-size: 15px; margin: 20px 0 6px; }
.subtitle { color: var(--muted); margin: 0 0 16px; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
table { border-collapse: collapse; margin: 6px 0 12px; }
th, td { text-align: left; padding: 4px 12px 4px 0; border-bottom: 1px solid var(--border); vertical-align: top; }
th { font-weight: 600; color: var(--muted); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.facts th { width: 140px; }
.wrap { overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600;
  border: 1px solid currentColor; }
.status-succeeded, .verdict-ok { color: var(--ok); }
.status-failed, .status-cancelled, .verdict-drift { color: var(--bad); }
.status-running, .status-queued { color: var(--warn); }
.banner { padding: 12px 16px; border-radius: 6px; border: 1px solid var(--border); background: var(--panel);
  font-size: 15px; margin: 12px 0 20px; }
.banner.drift { border-color: var(--bad); }
.banner.ok { border-color: var(--ok); }
.banner strong { font-size: 17px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr)); gap: 16px; }
.chart { min-height: 120px; border: 1px solid var(--border); border-radius: 6px; padding: 8px; background: var(--bg); }
.tiles { display: flex; flex-wrap: wrap; gap: 10px; margin: 6px 0 12px; }
.tile { min-width: 130px; padding: 8px 14px; border: 1px solid var(--border); border-radius: 6px; background: var(--panel); }
.tile-label { color: var(--muted); font-size: 12px; }
.tile-value { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
.evaluation-grid { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
.chart.chart-fit { min-height: 0; width: fit-content; max-width: 100%; overflow-x: auto; }
.chart-error { color: var(--bad); }
.column { border-top: 1px solid var(--border); padding-top: 8px; margin-top: 16px; }
.column-grid { display: grid; grid-template-columns: minmax(280px, 1fr) minmax(360px, 2fr); gap: 16px; }
.note { color: var(--muted); }
.sort-button { all: unset; cursor: pointer; }
.sort-button::after { content: " ↕"; opacity: 0.4; }
th[aria-sort="ascending"] .sort-button::after { content: " ↑"; opacity: 1; }
th[aria-sort="descending"] .sort-button::after { content: " ↓"; opacity: 1; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
@media print { .chart { break-inside: avoid; } body { padding: 0; } }
`;
