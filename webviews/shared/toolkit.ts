/**
 * The one module that touches `@vscode/webview-ui-toolkit`: registers the components our views use and
 * offers small constructors for them, so views never name the toolkit's elements directly and a
 * replacement of the toolkit touches this file only. The components take their colours from the
 * `--vscode-*` theme variables VS Code sets on the webview.
 */
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeDataGrid,
  vsCodeDataGridCell,
  vsCodeDataGridRow,
  vsCodeDivider,
  vsCodeProgressRing,
} from '@vscode/webview-ui-toolkit';

let registered = false;

/** Registers the custom elements once per page. */
export function registerToolkit(): void {
  if (registered) {
    return;
  }
  registered = true;
  provideVSCodeDesignSystem().register(
    vsCodeButton(),
    vsCodeDataGrid(),
    vsCodeDataGridCell(),
    vsCodeDataGridRow(),
    vsCodeDivider(),
    vsCodeProgressRing(),
  );
}

/** A button; `secondary` for actions beside the main one. */
export function button(
  label: string,
  onClick: () => void,
  appearance: 'primary' | 'secondary' = 'primary',
): HTMLElement {
  const el = document.createElement('vscode-button');
  el.setAttribute('appearance', appearance);
  el.textContent = label;
  el.addEventListener('click', onClick);
  return el;
}

/**
 * A pill of text styled through CSSOM. Tags and badges are ours, not the toolkit's `vscode-tag` and
 * `vscode-badge`: their shared template carries a `style="…"` attribute, which our CSP (no 'unsafe-inline'
 * styles) blocks and reports as a violation; styles set through CSSOM are allowed. Colours come from
 * `--badge-background`/`--badge-foreground` (views set them per status) or the theme's badge colours.
 */
function pill(text: string, className: string, style: Record<string, string>): HTMLElement {
  const el = document.createElement('span');
  el.className = className;
  el.textContent = text;
  const common: Record<string, string> = {
    display: 'inline-block',
    'box-sizing': 'border-box',
    'font-size': '11px',
    'line-height': '16px',
    'white-space': 'nowrap',
    background: 'var(--badge-background, var(--vscode-badge-background, #616161))',
    color: 'var(--badge-foreground, var(--vscode-badge-foreground, #ffffff))',
  };
  for (const [name, value] of Object.entries({ ...common, ...style })) {
    el.style.setProperty(name, value);
  }
  return el;
}

/** A small tag (e.g. a status or `dirty`). */
export function tag(text: string): HTMLElement {
  return pill(text, 'tag', {
    padding: '1px 5px',
    'border-radius': '2px',
    'text-transform': 'uppercase',
    border: '1px solid var(--vscode-contrastBorder, transparent)',
  });
}

/** A count badge. */
export function badge(text: string): HTMLElement {
  return pill(text, 'badge', {
    'min-width': '18px',
    padding: '1px 6px',
    'border-radius': '11px',
    'text-align': 'center',
  });
}

/** An indeterminate progress ring (shown while a run is running). */
export function progressRing(label: string): HTMLElement {
  const el = document.createElement('vscode-progress-ring');
  el.setAttribute('aria-label', label);
  return el;
}

/** A horizontal divider. */
export function divider(): HTMLElement {
  return document.createElement('vscode-divider');
}

/** A column of {@link dataGrid}: header title and the row field it shows. */
export interface GridColumn {
  title: string;
  field: string;
}

interface DataGridElement extends HTMLElement {
  rowsData: Record<string, string>[];
  columnDefinitions: { columnDataKey: string; title: string }[] | null;
}

/** A read-only data grid (keyboard navigable, sticky header) over plain text rows. */
export function dataGrid(columns: GridColumn[], rows: Record<string, string>[], label: string): HTMLElement {
  const grid = document.createElement('vscode-data-grid') as DataGridElement;
  grid.setAttribute('aria-label', label);
  grid.setAttribute('generate-header', 'sticky');
  grid.columnDefinitions = columns.map((c) => ({ columnDataKey: c.field, title: c.title }));
  grid.rowsData = rows;
  return grid;
}

/** Replaces the rows of a grid made by {@link dataGrid}. */
export function setGridRows(grid: HTMLElement, rows: Record<string, string>[]): void {
  (grid as DataGridElement).rowsData = rows;
}
