/**
 * The composition root: builds the models, services, views, commands, task provider and status bar,
 * and owns every disposable through {@link ExtensionRoot.track}. No command bodies live here.
 *
 * Activation does only cheap, synchronous wiring. The config loader, the run store, git and the
 * dashboard's chart code load on first use; the first read of `xlens.yaml` and `.xlens/runs`
 * starts right after activation returns.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import { DisposableStore, type Disposable } from './core/base/disposable';
import { Emitter } from './core/base/emitter';
import { RunFollowers } from './core/runs/runFollowers';
import type { XlensApi, XlensPanels } from './features/api';
import { ContextKeys, Views, TASK_TYPE, WebviewTypes } from './features/ids';
import type { DashboardRegistrationServices } from './features/dashboard/registration';
import type { DriftServices } from './features/drift/openDrift';
import type { DashboardPanel } from './features/dashboard/dashboardPanel';
import { registerDashboard } from './features/dashboard/registration';
import { registerCompare, type CompareRegistrationServices } from './features/compare/registration';
import type { ComparePanel } from './features/compare/comparePanel';
import { registerTable, type TableRegistrationServices } from './features/table/registration';
import type { TablePanel } from './features/table/tablePanel';
import type { DriftPanel } from './features/drift/driftPanel';
import { registerDrift } from './features/drift/registration';
import { registerInline } from './features/inline/registration';
import { ImportedRunsService } from './features/imported/importedService';
import { ImportedRunsModel } from './features/imported/importedModel';
import {
  noFolderError,
  registerNoFolderCommands,
  registerRefreshCommand,
  registerShowLogCommand,
} from './features/project/projectCommands';
import { ProjectService, findWorkspaceRoot } from './features/project/projectService';
import { registerRunCommands } from './features/runs/runCommands';
import { registerCodeCommands } from './features/runs/codeCommands';
import { registerShareCommands } from './features/runs/shareCommands';
import { RunsModel } from './features/runs/runsModel';
import { RunController } from './features/runs/runController';
import { RunsService } from './features/runs/runsService';
import {
  registerShowMoreCommits,
  RunsTreeProvider,
  runRevealer,
  type RunsViewElement,
} from './features/runs/tree';
import { RunsStatusBar } from './features/statusBar/statusBar';
import { XlensTaskProvider } from './features/taskProvider/taskProvider';
import { registerTaskCommands } from './features/tasks/taskCommands';
import { TasksModel } from './features/tasks/tasksModel';
import { TasksTreeProvider } from './features/tasks/tree';
import { ConfigService } from './vscode/config';
import { setContextKey } from './vscode/contextKeys';
import { createLog } from './vscode/output';
import { PanelRegistry } from './webview/panelRegistry';

/** How long loading our modules took (ms) and when `activate()` started (`performance.now()`). */
export interface ActivationTiming {
  loadMs: number;
  activateStart: number;
}

export class ExtensionRoot implements vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly problems = this.track(new Emitter<string>());
  readonly log = this.track(createLog((message) => this.problems.fire(message)));
  readonly config = this.track(new ConfigService());
  readonly runs = this.track(new RunsModel());
  readonly tasks = this.track(new TasksModel());
  readonly imported = this.track(new ImportedRunsModel());
  readonly root = findWorkspaceRoot();
  readonly api: XlensApi;

  constructor(context: vscode.ExtensionContext, timing: ActivationTiming) {
    const runsTree = this.track(
      new RunsTreeProvider(this.runs, this.imported, () => this.config.current.keyMetrics),
    );
    const runsView = this.track(
      vscode.window.createTreeView<RunsViewElement>(Views.runs, {
        treeDataProvider: runsTree,
        canSelectMany: true,
        showCollapseAll: true,
      }),
    );
    this.track(
      vscode.window.createTreeView(Views.tasks, {
        treeDataProvider: this.track(new TasksTreeProvider(this.tasks, this.runs)),
      }),
    );
    this.track(registerShowLogCommand(this.log));
    this.track(registerShowMoreCommits(runsTree, this.log));

    const root = this.root;
    let ready: Promise<void>;
    let startRun: XlensApi['startRun'];
    let panels: XlensPanels;
    if (root === undefined) {
      this.log.info('No folder is open: Experiment Lens waits for a workspace folder.');
      setContextKey(ContextKeys.noConfig, true);
      this.trackAll(registerNoFolderCommands(this.log));
      ready = Promise.resolve();
      startRun = () => Promise.reject(noFolderError());
      panels = {
        dashboards: this.track(new PanelRegistry<DashboardPanel>()),
        drift: this.track(new PanelRegistry<DriftPanel>()),
        compare: this.track(new PanelRegistry<ComparePanel>()),
        table: this.track(new PanelRegistry<TablePanel>()),
        restore: () => Promise.reject(noFolderError()),
      };
    } else {
      const runsDir = join(root, '.xlens', 'runs');
      const project = this.track(new ProjectService(root, this.tasks, this.log));
      const followers = this.track(new RunFollowers(runsDir));
      const service = this.track(new RunsService(root, this.runs, this.log, followers));
      const controller = this.track(new RunController(root, this.runs, service, this.log));
      const importedService = this.track(
        new ImportedRunsService(root, this.imported, this.log, () => this.config.current.importedEnabled),
      );
      const reveal = runRevealer(runsView, runsTree, this.runs, this.log);
      // Watchers and the first read start once activation has returned.
      ready = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
        const start = performance.now();
        try {
          await Promise.all([project.start(), service.start()]);
          this.log.info(
            `First read of xlens.yaml and runs took ${(performance.now() - start).toFixed(0)} ms`,
          );
        } finally {
          // Run pickers wait for the first read; they must not wait for one that never started.
          this.runs.endInitialLoad();
          // Other tools' logs are looked for once the workspace's own runs are shown.
          importedService.start();
        }
      });
      let importedEnabled = this.config.current.importedEnabled;
      this.track(
        this.config.onDidChange((config) => {
          if (config.importedEnabled === importedEnabled) {
            return;
          }
          importedEnabled = config.importedEnabled;
          if (importedEnabled) {
            void importedService.rescan();
          } else {
            this.imported.setOff();
          }
        }),
      );
      startRun = (task, overrides) => controller.start(task, overrides);

      this.trackAll(
        registerTaskCommands({
          log: this.log,
          tasks: this.tasks,
          runs: this.runs,
          controller,
          configFile: project.configFile,
          reloadConfig: () => project.reload(),
          reveal,
        }),
      );
      this.trackAll(
        registerRunCommands({
          log: this.log,
          runs: this.runs,
          tasks: this.tasks,
          service,
          controller,
          runsDir,
          imported: this.imported,
          reveal,
        }),
      );
      this.trackAll(registerCodeCommands({ root, log: this.log, runs: this.runs, controller }));
      this.trackAll(
        registerShareCommands({ root, log: this.log, runs: this.runs, service, tasks: this.tasks }),
      );
      this.track(
        registerRefreshCommand({
          log: this.log,
          project,
          runs: service,
          imported: importedService,
          runsTree,
        }),
      );
      const dashboards: DashboardRegistrationServices = {
        extensionUri: context.extensionUri,
        root,
        followers,
        runs: this.runs,
        panels: this.track(new PanelRegistry<DashboardPanel>()),
        log: this.log,
        watchImported: async () => {
          const worker = await importedService.worker();
          return (sources, listener) => worker.watch(sources, listener);
        },
      };
      this.trackAll(registerDashboard(dashboards));
      // Deactivation stops a drift comparison's child process too.
      const shutdown = new AbortController();
      this.track({ dispose: () => shutdown.abort() });
      const drift: DriftServices = {
        extensionUri: context.extensionUri,
        root,
        runsDir,
        runs: this.runs,
        log: this.log,
        panels: this.track(new PanelRegistry<DriftPanel>()),
        signal: shutdown.signal,
      };
      this.trackAll(registerDrift(drift));
      const compare: CompareRegistrationServices = {
        extensionUri: context.extensionUri,
        followers,
        imported: this.imported,
        watchImported: dashboards.watchImported,
        runs: this.runs,
        log: this.log,
        panels: this.track(new PanelRegistry<ComparePanel>()),
      };
      this.trackAll(registerCompare(compare));
      const table: TableRegistrationServices = {
        extensionUri: context.extensionUri,
        runs: this.runs,
        imported: this.imported,
        readImported: async (source) => (await importedService.worker()).readSource(source),
        root,
        state: context.workspaceState,
        log: this.log,
        panels: this.track(new PanelRegistry<TablePanel>()),
      };
      this.trackAll(registerTable(table));
      this.trackAll(
        registerInline({ root, runs: this.runs, tasks: this.tasks, config: this.config, followers }),
      );
      panels = {
        dashboards: dashboards.panels,
        drift: drift.panels,
        compare: compare.panels,
        table: table.panels,
        // What the serializers registered above do after a window reload.
        restore: async (panel, state) => {
          if (panel.viewType.endsWith(WebviewTypes.dashboard)) {
            const { restoreDashboard } = await import('./features/dashboard/openDashboard');
            await restoreDashboard(dashboards, panel, state);
          } else if (panel.viewType.endsWith(WebviewTypes.compare)) {
            const { restoreCompare } = await import('./features/compare/openCompare');
            restoreCompare(compare, panel, state);
          } else if (panel.viewType.endsWith(WebviewTypes.table)) {
            const { restoreTable } = await import('./features/table/openTable');
            restoreTable(table, panel);
          } else if (panel.viewType.endsWith(WebviewTypes.drift)) {
            const { restoreDriftPanel } = await import('./features/drift/openDrift');
            await restoreDriftPanel(drift, panel, state);
          } else {
            throw new Error(`${panel.viewType} is not a view of Experiment Lens`);
          }
        },
      };
      this.track(
        vscode.tasks.registerTaskProvider(
          TASK_TYPE,
          new XlensTaskProvider({
            log: this.log,
            tasks: this.tasks,
            runs: this.runs,
            controller,
            followers,
            ready,
          }),
        ),
      );
      this.track(new RunsStatusBar(this.runs, this.config));
      this.track(
        this.runs.onDidFinishRun((run) => this.log.info(`Run ${run.id} (${run.task}) ${run.status}`)),
      );
      ready.then(
        () =>
          this.log.info(
            `Read ${this.tasks.tasks().length} tasks and ${this.runs.all().length} runs in ${root}`,
          ),
        (error: unknown) => this.log.error(`First read of ${root} failed: ${String(error)}`),
      );
    }
    this.track(
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.log.info('Workspace trusted: tasks can run.')),
    );
    setContextKey(ContextKeys.active, true);

    const activateMs = performance.now() - timing.activateStart;
    const activationMs = timing.loadMs + activateMs;
    this.log.info(
      `Experiment Lens activated in ${activationMs.toFixed(1)} ms (our modules ${timing.loadMs.toFixed(1)} ms, ` +
        `activate() ${activateMs.toFixed(1)} ms)` +
        `${vscode.workspace.isTrusted ? '' : '; Restricted Mode: browsing only, nothing runs'}`,
    );
    this.api = {
      activationMs,
      root,
      ready,
      runs: this.runs,
      runsTree,
      tasks: this.tasks,
      imported: this.imported,
      onDidFinishRun: this.runs.onDidFinishRun,
      startRun,
      onDidLogProblem: this.problems.event,
      panels,
    };
  }

  /** Adds `item` to the disposables of the root; anything tracked after disposal is disposed at once. */
  track<T extends Disposable>(item: T): T {
    return this.store.track(item);
  }

  private trackAll(items: readonly Disposable[]): void {
    items.forEach((item) => this.track(item));
  }

  dispose(): void {
    setContextKey(ContextKeys.active, false);
    this.store.dispose();
  }
}
