/**
 * What `activate()` returns: hooks for the extension-host tests and for other extensions. Read-only
 * views of the models plus a way to wait for the first load.
 */
import type { ComparePanel } from './compare/comparePanel';
import type * as vscode from 'vscode';
import type { Event } from '../core/base/emitter';
import type { ParamValue, RunRecord } from '../core/runs/types';
import type { DashboardPanel } from './dashboard/dashboardPanel';
import type { DriftPanel } from './drift/driftPanel';
import type { ImportedRunsModel } from './imported/importedModel';
import type { RunsModel } from './runs/runsModel';
import type { RunsTreeProvider } from './runs/tree';
import type { TablePanel } from './table/tablePanel';
import type { TasksModel } from './tasks/tasksModel';

export interface XlensApi {
  /**
   * Activation time of the extension's own code in ms: evaluating our modules (from the first to the
   * entry module) plus `activate()`, measured with `performance.now()`. Time the editor spends
   * between loading the bundle and calling `activate()` is not ours and not counted.
   */
  readonly activationMs: number;
  /** Workspace root in use, or undefined without a folder. */
  readonly root: string | undefined;
  /** Resolves when `xlens.yaml` and the runs have been read once after activation. */
  readonly ready: Promise<void>;
  /** Every run of the workspace, kept up to date from `.xlens/runs`. */
  readonly runs: RunsModel;
  /** The Runs view's rows as VS Code asks for them (`getChildren`, `getTreeItem`): the rows shown. */
  readonly runsTree: RunsTreeProvider;
  /** The tasks and problems of `xlens.yaml`. */
  readonly tasks: TasksModel;
  /**
   * Runs found in other tools' logs (TensorBoard, MLflow, DVCLive, CSV); the first scan starts a few
   * seconds after {@link ready} and `onDidChange` fires when it is done.
   */
  readonly imported: ImportedRunsModel;
  /** Fires when a run is seen reaching a final status. */
  readonly onDidFinishRun: Event<RunRecord>;
  /**
   * Starts a task as the Run Task command does, resolving with the new run's record.
   * @throws the same errors the command reports (untrusted workspace, unknown task, bad params).
   */
  startRun(task: string, overrides?: Record<string, ParamValue>): Promise<RunRecord>;
  /**
   * Fires with the message of every warning and error the extension logs to its output channel
   * (webview errors and CSP violations the views report, rejected view messages, failed reads).
   */
  readonly onDidLogProblem: Event<string>;
  /** The webview panels open in this window, as the commands and the panel serializers opened them. */
  readonly panels: XlensPanels;
}

/** Read-only access to the open panels of one kind of view, by key. */
export interface OpenPanels<T> {
  /** The open panel of `key`, if any. */
  get(key: string): T | undefined;
  /** Every open panel, by key. */
  entries(): ReadonlyMap<string, T>;
}

/** The extension's open webview panels (a test hook: the panels' events say when a view has drawn). */
export interface XlensPanels {
  /** Run dashboards, by run id (imported runs by their key, `<format>:<source>#<id>`). */
  readonly dashboards: OpenPanels<DashboardPanel>;
  /** Drift reports, by report key: `run:<run id>`, or `files:<reference>\n<current>` (absolute paths). */
  readonly drift: OpenPanels<DriftPanel>;
  /** Compare views, by their runs' ids joined with commas. */
  readonly compare: OpenPanels<ComparePanel>;
  /** The experiments table, under the key `table` when open. */
  readonly table: OpenPanels<TablePanel>;
  /**
   * Restores `panel` from its saved `state` as the panel serializer of its view type (dashboard or
   * drift) does after a window reload; a panel whose state does not pass the checks is closed.
   * @throws Error for a view type that is not the extension's
   */
  restore(panel: vscode.WebviewPanel, state: unknown): Promise<void>;
}
