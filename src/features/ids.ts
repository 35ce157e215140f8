/**
 * The one table of ids the extension contributes: commands, views, webview types and context keys. Code refers to
 * these constants only; `test/unit/extension/contributions.test.ts` checks them against the
 * `contributes` section of package.json (titles, icons, menus, keybindings, `when` clauses), so a
 * renamed id or a menu entry pointing at nothing fails a test instead of failing silently in the editor.
 *
 * No `vscode` import: the table is read by unit tests.
 */
import type { RunStatus, TaskKind } from '../core/runs/types';

/** The category every command shows under in the Command Palette. */
export const COMMAND_CATEGORY = 'Experiment Lens';

/** One contributed command: its id, palette title and optional codicon (`$(name)`). */
export interface CommandSpec {
  readonly id: string;
  readonly title: string;
  readonly icon?: string;
}

/** Every command of the extension, by a short key used in code. */
export const Commands = {
  runTask: { id: 'xlens.runTask', title: 'Run Task…', icon: '$(play)' },
  runTaskWithParams: { id: 'xlens.runTaskWithParams', title: 'Run Task with Params…', icon: '$(settings)' },
  queueTask: { id: 'xlens.queueTask', title: 'Queue Task…', icon: '$(list-ordered)' },
  cancelRun: { id: 'xlens.cancelRun', title: 'Cancel Run', icon: '$(debug-stop)' },
  rerun: { id: 'xlens.rerun', title: 'Re-run', icon: '$(debug-rerun)' },
  openRunDashboard: { id: 'xlens.openRunDashboard', title: 'Open Run Dashboard', icon: '$(graph-line)' },
  compareRuns: { id: 'xlens.compareRuns', title: 'Compare Runs', icon: '$(diff-multiple)' },
  openExperimentsTable: {
    id: 'xlens.openExperimentsTable',
    title: 'Open Experiments Table',
    icon: '$(table)',
  },
  showRunOutput: { id: 'xlens.showRunOutput', title: 'Show Run Output', icon: '$(output)' },
  deleteRun: { id: 'xlens.deleteRun', title: 'Delete Run', icon: '$(trash)' },
  copyRunId: { id: 'xlens.copyRunId', title: 'Copy Run Id' },
  revealRunFolder: { id: 'xlens.revealRunFolder', title: 'Reveal Run Folder' },
  refresh: { id: 'xlens.refresh', title: 'Refresh', icon: '$(refresh)' },
  createConfig: { id: 'xlens.createConfig', title: 'Create xlens.yaml', icon: '$(new-file)' },
  showLog: { id: 'xlens.showLog', title: 'Show Log' },
  showDriftReport: { id: 'xlens.showDriftReport', title: 'Show Drift Report', icon: '$(graph)' },
  reproduceRun: { id: 'xlens.reproduceRun', title: 'Reproduce Run', icon: '$(beaker)' },
  checkoutRunCode: { id: 'xlens.checkoutRunCode', title: "Checkout Run's Code" },
  createBranchFromRun: { id: 'xlens.createBranchFromRun', title: 'Create Branch from Run' },
  browseRunCode: { id: 'xlens.browseRunCode', title: "Browse Run's Code" },
  compareCode: { id: 'xlens.compareCode', title: 'Compare Code', icon: '$(git-compare)' },
  pushRuns: { id: 'xlens.pushRuns', title: 'Push Runs…', icon: '$(cloud-upload)' },
  pullRuns: { id: 'xlens.pullRuns', title: 'Pull Runs', icon: '$(cloud-download)' },
  /** The Runs view's last row when older commits are not shown yet (not in the palette). */
  showMoreCommits: { id: 'xlens.showMoreCommits', title: 'Show More Commits', icon: '$(ellipsis)' },
} as const satisfies Record<string, CommandSpec>;

export type CommandKey = keyof typeof Commands;
export type CommandId = (typeof Commands)[CommandKey]['id'];

/** The activity-bar container and its views. */
export const Views = {
  container: 'xlens',
  tasks: 'xlens.tasks',
  runs: 'xlens.runs',
} as const;

/**
 * View types of the webview panels. Each is also the key of its panel serializer and needs the
 * activation event `onWebviewPanel:<type>` in package.json, so a panel open before a window reload
 * comes back.
 */
export const WebviewTypes = {
  /** The run dashboard (runs of the store and imported runs). */
  dashboard: 'xlens.dashboard',
  /** The drift report view. */
  drift: 'xlens.drift',
  /** The compare view (two or more runs overlaid). */
  compare: 'xlens.compare',
  /** The experiments table (every run, one row each). */
  table: 'xlens.table',
} as const;

/** Context keys the extension sets (`setContext`) and package.json `when` clauses read. */
export const ContextKeys = {
  /** True once activation finished. */
  active: 'xlens.active',
  /** True when the workspace has no `xlens.yaml` (the Tasks view then shows its welcome content). */
  noConfig: 'xlens.noConfig',
  /** True while at least one run is queued or running. */
  hasRunningRuns: 'xlens.hasRunningRuns',
} as const;

/**
 * `contextValue` of tree items, matched by `viewItem` in package.json menus. Runs carry their status and
 * their task kind (`run.running.kind.command`, `run.succeeded.kind.drift`, see {@link runContextValue}) so
 * menus can offer Cancel only where it applies and Show Drift Report only on drift runs.
 */
export const ViewItems = {
  task: 'task',
  configProblem: 'configProblem',
  commit: 'commit',
  runPrefix: 'run.',
  /** The "Imported runs" group and its per-format groups. */
  importedGroup: 'importedGroup',
  /** A run found in another tool's logs (TensorBoard, MLflow, DVCLive, CSV). */
  importedRun: 'importedRun',
  /** The Runs view's "Show more commits" row. */
  showMore: 'showMore',
} as const;

/**
 * The `contextValue` of a run row: `run.<status>.kind.<kind>`. Menus match it with anchored patterns:
 * `/^run\./` (any run), `/^run\.(running|queued)\./` (Cancel), `/^run\.succeeded\.kind\.drift$/` (Show Drift
 * Report: only a finished drift run has a report).
 * Statuses and kinds hold no dots, so each part is unambiguous.
 */
export function runContextValue(status: RunStatus, kind: TaskKind): string {
  return `${ViewItems.runPrefix}${status}.kind.${kind}`;
}

/** The `type` of VS Code tasks provided for `xlens.yaml` tasks (package.json `taskDefinitions`). */
export const TASK_TYPE = 'xlens';
