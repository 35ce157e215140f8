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
import { toTreeItem } from '../treeItem';
import { isCommitGroup, describeRun, type RunsElement, type RunsModel } from './runsModel';

/** An element of the Runs view: a commit group or run of the store, or an imported group or run. */
export type RunsViewElement = RunsElement | ImportedElement;

/** Groups expanded when first shown (the HEAD group and the next ones). */
const EXPANDED_GROUPS = 3;
/** How often rows are redrawn while runs are active (durations tick) and otherwise (relative dates). */
const ACTIVE_REFRESH_MS = 2000;
const IDLE_REFRESH_MS = 60_000;

export class RunsTreeProvider implements vscode.TreeDataProvider<RunsViewElement>, vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly emitter = this.store.track(new Emitter<void>());
  private timer: NodeJS.Timeout | undefined;
  private lastRefresh = 0;

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

  getChildren(element?: RunsViewElement): RunsViewElement[] {
    if (element === undefined) {
      return [...this.model.groups(), ...this.imported.roots()];
    }
    if (isImportedElement(element)) {
      return this.imported.children(element);
    }
    return isCommitGroup(element) ? this.model.runsIn(element) : [];
  }

  getParent(element: RunsViewElement): RunsViewElement | undefined {
    if (isImportedElement(element)) {
      return this.imported.parent(element);
    }
    return isCommitGroup(element) ? undefined : { kind: 'commit', sha: element.git.commit };
  }

  getTreeItem(element: RunsViewElement): vscode.TreeItem {
    const now = Date.now();
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
    return toTreeItem(describeRun(element, now, this.keyMetrics()), vscode.TreeItemCollapsibleState.None);
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
  runs: RunsModel,
  log: Log,
): (run: RunRecord) => void {
  return (run) => {
    const known = runs.get(run.id) ?? run;
    void Promise.resolve(view.reveal(known, { select: true, focus: false, expand: true })).catch(
      (error: unknown) => log.debug(`Could not reveal run ${run.id}: ${String(error)}`),
    );
  };
}
