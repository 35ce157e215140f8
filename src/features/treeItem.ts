/**
 * Tree rows as VS Code shows them: every view of the extension (Runs, Tasks) builds its `TreeItem`s here,
 * in `getTreeItem` only, from the plain row text its model describes.
 */
import * as vscode from 'vscode';
import type { RowText } from './runs/runsModel';

/** A `TreeItem` from row text: Markdown tooltip, themed codicon. */
export function toTreeItem(row: RowText, state: vscode.TreeItemCollapsibleState): vscode.TreeItem {
  const item = new vscode.TreeItem(row.label, state);
  item.id = row.id;
  item.description = row.description;
  const tooltip = new vscode.MarkdownString(row.tooltip);
  tooltip.supportThemeIcons = false;
  item.tooltip = tooltip;
  item.iconPath = new vscode.ThemeIcon(
    row.icon.id,
    row.icon.color ? new vscode.ThemeColor(row.icon.color) : undefined,
  );
  item.contextValue = row.contextValue;
  return item;
}
