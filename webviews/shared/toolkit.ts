/**
 * The one module that touches `@vscode/webview-ui-toolkit`: registers the components our views use and
 * offers small constructors for them, so views never name the toolkit's elements directly and a
 * replacement of the toolkit touches this file only. The components take their colours from the
 * `--vscode-*` theme variables VS Code sets on the webview.
 */
import {
  provideVSCodeDesignSystem,
  vsCodeBadge,
  vsCodeButton,
  vsCodeDataGrid,
  vsCodeDataGridCell,
  vsCodeDataGridRow,
  vsCodeDivider,
  vsCodeProgressRing,
  vsCodeTag,
} from '@vscode/webview-ui-toolkit';

let registered = false;

/** Registers the custom elements once per page. */
export function registerToolkit(): void {
  if (registered) {
    return;
  }
  registered = true;
  provideVSCodeDesignSystem().register(
    vsCodeBadge(),
    vsCodeButton(),
    vsCodeDataGrid(),
    vsCodeDataGridCell(),
    vsCodeDataGridRow(),
    vsCodeDivider(),
    vsCodeProgressRing(),
    vsCodeTag(),
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

/** A small tag (e.g. a status or `dirty`). */
export function tag(text: string): HTMLElement {
  const el = document.createElement('vscode-tag');
  el.textContent = text;
  return el;
}

/** A count badge. */
export function badge(text: string): HTMLElement {
  const el = document.createElement('vscode-badge');
  el.textContent = text;
  return el;
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
