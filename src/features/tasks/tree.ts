/**
 * The Tasks view: a `TreeDataProvider` over {@link TasksModel}; each task shows its last run from the
 * {@link RunsModel}. Clicking a task or a problem opens `xlens.yaml` at its range.
 */
import * as vscode from 'vscode';
import { DisposableStore } from '../../core/base/disposable';
import { Emitter } from '../../core/base/emitter';
import type { SourceRange } from '../../core/config/types';
import type { RunsModel } from '../runs/runsModel';
import { toTreeItem } from '../treeItem';
import { toRange } from '../../vscode/sourceRange';
import {
  describeProblem,
  describeTask,
  isConfigProblem,
  type TasksElement,
  type TasksModel,
} from './tasksModel';

export class TasksTreeProvider implements vscode.TreeDataProvider<TasksElement>, vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly emitter = this.store.track(new Emitter<void>());
  readonly onDidChangeTreeData = this.emitter.event;

  constructor(
    private readonly tasks: TasksModel,
    private readonly runs: RunsModel,
  ) {
    this.store.track(tasks.onDidChange(() => this.emitter.fire()));
    this.store.track(runs.onDidChange(() => this.emitter.fire()));
  }

  getChildren(element?: TasksElement): TasksElement[] {
    return element === undefined ? this.tasks.elements() : [];
  }

  getTreeItem(element: TasksElement): vscode.TreeItem {
    const none = vscode.TreeItemCollapsibleState.None;
    if (isConfigProblem(element)) {
      const item = toTreeItem(describeProblem(element), none);
      item.command = openAt(element.file, element.range, 'Show problem');
      return item;
    }
    const item = toTreeItem(describeTask(element, this.runs.latestOf(element.name), Date.now()), none);
    const state = this.tasks.config;
    if (state.kind === 'loaded') {
      item.command = openAt(state.file, element.range, 'Show in xlens.yaml');
    }
    return item;
  }

  dispose(): void {
    this.store.dispose();
  }
}

/** A `vscode.open` command that opens `file` with `range` (1-based) selected. */
function openAt(file: string, range: SourceRange | undefined, title: string): vscode.Command {
  const options: vscode.TextDocumentShowOptions = range ? { selection: toRange(range) } : {};
  return { command: 'vscode.open', title, arguments: [vscode.Uri.file(file), options] };
}
