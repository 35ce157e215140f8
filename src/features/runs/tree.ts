/**
 * The Runs view: a `TreeDataProvider` over {@link RunsModel}. Elements are the model's plain data;
 * `TreeItem`s are built here only, from the model's row text.
 */
import * as vscode from 'vscode';
import { DisposableStore } from '../../core/base/disposable';
import type { RunRecord } from '../../core/runs/types';
import { Emitter } from '../../core/base/emitter';
import { isCommitGroup, describeRun, type RowText, type RunsElement, type RunsModel } from './model';

/** Groups expanded when first shown (the HEAD group and the next ones). */
const EXPANDED_GROUPS = 3;
/** How often rows are redrawn while runs are active (durations tick) and otherwise (relative dates). */
const ACTIVE_REFRESH_MS = 2000;
const IDLE_REFRESH_MS = 60_000;

export class RunsTreeProvider implements vscode.TreeDataProvider<RunsElement>, vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly emitter = this.store.track(new Emitter<void>());
  private timer: NodeJS.Timeout | undefined;
  private lastRefresh = 0;

  readonly onDidChangeTreeData = this.emitter.event;

  constructor(
    private readonly model: RunsModel,
    private readonly keyMetrics: () => readonly string[],
  ) {
    this.store.track(model.onDidChange(() => this.refresh()));
    this.schedule();
  }

  /** Redraws every row. */
  refresh(): void {
    this.lastRefresh = Date.now();
    this.emitter.fire();
    this.schedule();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    const delay = this.model.active().length > 0 ? ACTIVE_REFRESH_MS : IDLE_REFRESH_MS;
    this.timer = setTimeout(() => {
      if (Date.now() - this.lastRefresh >= delay - 50) {
        this.refresh();
      } else {
        this.schedule();
      }
    }, delay);
  }

  getChildren(element?: RunsElement): RunsElement[] {
    if (element === undefined) {
      return this.model.groups();
    }
    return isCommitGroup(element) ? this.model.runsIn(element) : [];
  }

  getParent(element: RunsElement): RunsElement | undefined {
    return isCommitGroup(element) ? undefined : { kind: 'commit', sha: element.git.commit };
  }

  getTreeItem(element: RunsElement): vscode.TreeItem {
    const now = Date.now();
    if (isCommitGroup(element)) {
      const index = this.model.groups().findIndex((g) => g.sha === element.sha);
      const state =
        index >= 0 && index < EXPANDED_GROUPS
          ? vscode.TreeItemCollapsibleState.Expanded
          : vscode.TreeItemCollapsibleState.Collapsed;
      return toTreeItem(this.model.describeGroup(element, now), state);
    }
    return toTreeItem(describeRun(element, now, this.keyMetrics()), vscode.TreeItemCollapsibleState.None);
  }

  /** The run ids among the given tree elements (commit groups contribute their runs). */
  runsOf(elements: readonly RunsElement[]): RunRecord[] {
    const runs = elements.flatMap((e) => (isCommitGroup(e) ? this.model.runsIn(e) : [e]));
    return [...new Map(runs.map((r) => [r.id, r])).values()];
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.store.dispose();
  }
}

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
