/**
 * The Runs view: a `TreeDataProvider` over {@link RunsModel}. Elements are the model's plain data;
 * `TreeItem`s are built here only, from the model's row text.
 */
import * as vscode from 'vscode';
import { DisposableStore } from '../../core/base/disposable';
import { Emitter } from '../../core/base/emitter';
import type { RunRecord } from '../../core/runs/types';
import type { Log } from '../../vscode/output';
import {
  describeImportedRun,
  isImportedElement,
  type ImportedElement,
  type ImportedRunsModel,
} from '../imported/importedModel';
import { Commands, ViewItems } from '../ids';
import { registerCommand } from '../registerCommand';
import { toTreeItem } from '../treeItem';
import {
  COMMITS_PER_PAGE,
  describeRun,
  EXPANDED_GROUPS,
  isCommitGroup,
  type RunsElement,
  type RunsModel,
} from './runsModel';

/** The last root row while older commit groups are not shown yet. */
export interface ShowMoreElement {
  kind: 'showMore';
}

/**
 * An element of the Runs view: a commit group or run of the store, the "Show more commits" row, or an
 * imported group or run.
 */
export type RunsViewElement = RunsElement | ShowMoreElement | ImportedElement;

const SHOW_MORE: ShowMoreElement = { kind: 'showMore' };

function isShowMore(element: RunsViewElement): element is ShowMoreElement {
  return (element as Partial<ShowMoreElement>).kind === 'showMore';
}

/** How often rows are redrawn while runs are active (durations tick) and otherwise (relative dates). */
const ACTIVE_REFRESH_MS = 2000;
const IDLE_REFRESH_MS = 60_000;

export class RunsTreeProvider implements vscode.TreeDataProvider<RunsViewElement>, vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly emitter = this.store.track(new Emitter<void>());
  private timer: NodeJS.Timeout | undefined;
  private lastRefresh = 0;
  private shownGroups = COMMITS_PER_PAGE;

  readonly onDidChangeTreeData = this.emitter.event;

  constructor(
    private readonly model: RunsModel,
    private readonly imported: ImportedRunsModel,
    private readonly keyMetrics: () => readonly string[],
  ) {
    this.store.track(model.onDidChange(() => this.refresh()));
    this.store.track(imported.onDidChange(() => this.refresh()));
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

  /** Shows {@link COMMITS_PER_PAGE} more commit groups. */
  showMore(): void {
    this.shownGroups += COMMITS_PER_PAGE;
    this.refresh();
  }

  /** Shows commit groups down to the one of `run` (e.g. before revealing it); true when it changed. */
  showGroupOf(run: RunRecord): boolean {
    const index = this.model.groupIndex({ kind: 'commit', sha: run.git.commit });
    if (index < this.shownGroups) {
      return false;
    }
    this.shownGroups = (Math.floor(index / COMMITS_PER_PAGE) + 1) * COMMITS_PER_PAGE;
    this.refresh();
    return true;
  }

  getChildren(element?: RunsViewElement): RunsViewElement[] {
    if (element === undefined) {
      const groups = this.model.groups();
      const shown =
        groups.length > this.shownGroups ? [...groups.slice(0, this.shownGroups), SHOW_MORE] : groups;
      return [...shown, ...this.imported.roots()];
    }
    if (isImportedElement(element)) {
      return this.imported.children(element);
    }
    return !isShowMore(element) && isCommitGroup(element) ? this.model.runsIn(element) : [];
  }

  getParent(element: RunsViewElement): RunsViewElement | undefined {
    if (isImportedElement(element)) {
      return this.imported.parent(element);
    }
    if (isShowMore(element) || isCommitGroup(element)) {
      return undefined;
    }
    return { kind: 'commit', sha: element.git.commit };
  }

  getTreeItem(element: RunsViewElement): vscode.TreeItem {
    const now = Date.now();
    if (isShowMore(element)) {
      const item = new vscode.TreeItem('Show more commits', vscode.TreeItemCollapsibleState.None);
      const total = this.model.groups().length;
      const shown = Math.min(this.shownGroups, total);
      item.id = 'showMore';
      item.description = `${shown} of ${total} commits shown`;
      item.tooltip = `Show ${Math.min(COMMITS_PER_PAGE, total - shown)} more of the ${total - shown} older commits with runs`;
      item.iconPath = new vscode.ThemeIcon('ellipsis');
      item.contextValue = ViewItems.showMore;
      item.command = { command: Commands.showMoreCommits.id, title: Commands.showMoreCommits.title };
      return item;
    }
    if (isImportedElement(element)) {
      if (element.kind === 'importedRun') {
        // A parent MLflow run holds its nested runs.
        const nested = this.imported.children(element).length > 0;
        return toTreeItem(
          describeImportedRun(element.run, this.keyMetrics()),
          nested ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
        );
      }
      return toTreeItem(
        this.imported.describeGroup(element),
        element.kind === 'imported'
          ? vscode.TreeItemCollapsibleState.Collapsed
          : vscode.TreeItemCollapsibleState.Expanded,
      );
    }
    if (isCommitGroup(element)) {
      const index = this.model.groupIndex(element);
      const state =
        index >= 0 && index < EXPANDED_GROUPS
          ? vscode.TreeItemCollapsibleState.Expanded
          : vscode.TreeItemCollapsibleState.Collapsed;
      return toTreeItem(this.model.describeGroup(element, now), state);
    }
    return toTreeItem(
      describeRun(element, now, this.keyMetrics(), this.model.lineage(element)),
      vscode.TreeItemCollapsibleState.None,
    );
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.store.dispose();
  }
}

/**
 * Returns what shows a run in the Runs view (selected, its group expanded, focus left where it is), as
 * the commands that start runs use it. A run the view cannot reveal is logged at debug level only.
 */
export function runRevealer(
  view: vscode.TreeView<RunsViewElement>,
  tree: RunsTreeProvider,
  runs: RunsModel,
  log: Log,
): (run: RunRecord) => void {
  return (run) => {
    const known = runs.get(run.id) ?? run;
    tree.showGroupOf(known);
    void Promise.resolve(view.reveal(known, { select: true, focus: false, expand: true })).catch(
      (error: unknown) => log.debug(`Could not reveal run ${run.id}: ${String(error)}`),
    );
  };
}

/** Registers "Show More Commits", the command of the Runs view's last row. */
export function registerShowMoreCommits(tree: RunsTreeProvider, log: Log): vscode.Disposable {
  return registerCommand(Commands.showMoreCommits, log, () => tree.showMore());
}
