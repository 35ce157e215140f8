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
import type { RunRecord } from './core/runs/types';
import type { XlensApi, XlensPanels } from './features/api';
import { Commands, ContextKeys, Views, TASK_TYPE, WebviewTypes, type CommandSpec } from './features/commands';
import {
  openImportedDashboardLazily,
  openRunDashboardLazily,
  registerDashboardSerializerLazily,
} from './features/dashboard/lazy';
import type { DashboardPanel } from './features/dashboard/dashboardPanel';
import type { DashboardServices } from './features/dashboard/openDashboard';
import type { DriftPanel } from './features/drift/driftPanel';
import type { DriftServices } from './features/drift/openDrift';
import { ImportedRunsService } from './features/imported/importedService';
import { ImportedRunsModel } from './features/imported/model';
import { registerDriftSerializer } from './features/drift/serializer';
import { ProjectService, findWorkspaceRoot } from './features/project/projectService';
import { registerRunCommands } from './features/runs/commands';
import { RunsModel } from './features/runs/model';
import { RunController } from './features/runs/runController';
import { RunsService } from './features/runs/runsService';
import { RunsTreeProvider, type RunsViewElement } from './features/runs/tree';
import { RunsStatusBar } from './features/statusBar/statusBar';
import { XlensTaskProvider } from './features/taskProvider/taskProvider';
import { registerTaskCommands } from './features/tasks/commands';
import { TasksModel } from './features/tasks/model';
import { TasksTreeProvider } from './features/tasks/tree';
import { registerCommand, UserFacingError } from './vscode/commands';
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
    this.track(registerCommand(Commands.showLog, this.log, () => this.log.show()));

    const root = this.root;
    let ready: Promise<void>;
    let startRun: XlensApi['startRun'];
    let panels: XlensPanels;
    if (root === undefined) {
      this.log.info('No folder is open: Experiment Lens waits for a workspace folder.');
      setContextKey(ContextKeys.noConfig, true);
      for (const spec of Object.values(Commands) as CommandSpec[]) {
        if (spec.id !== Commands.showLog.id) {
          this.track(registerCommand(spec, this.log, () => Promise.reject(noFolderError())));
        }
      }
      ready = Promise.resolve();
      startRun = () => Promise.reject(noFolderError());
      panels = {
        dashboards: this.track(new PanelRegistry<DashboardPanel>()),
        drift: this.track(new PanelRegistry<DriftPanel>()),
        restore: () => Promise.reject(noFolderError()),
      };
    } else {
      const runsDir = join(root, '.xlens', 'runs');
      const project = this.track(new ProjectService(root, this.tasks, this.log));
      const service = this.track(new RunsService(root, this.runs, this.log));
      const controller = this.track(new RunController(root, this.runs, service, this.log));
      const importedService = this.track(
        new ImportedRunsService(root, this.imported, this.log, () => this.config.current.importedEnabled),
      );
      const dashboards: DashboardServices = {
        extensionUri: context.extensionUri,
        root,
        runsDir,
        panels: this.track(new PanelRegistry<DashboardPanel>()),
        log: this.log,
        watchImported: async () => {
          const worker = await importedService.worker();
          return (sources, listener) => worker.watch(sources, listener);
        },
      };
      const reveal = (run: RunRecord): void => {
        const known = this.runs.get(run.id) ?? run;
        void Promise.resolve(runsView.reveal(known, { select: true, focus: false, expand: true })).catch(
          (error: unknown) => this.log.debug(`Could not reveal run ${run.id}: ${String(error)}`),
        );
      };
      // Watchers and the first read start once activation has returned.
      ready = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
        const start = performance.now();
        try {
          await Promise.all([project.start(), service.start()]);
          this.log.info(
            `First read of xlens.yaml and runs took ${(performance.now() - start).toFixed(0)} ms`,
          );
        } finally {
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
            this.imported.setResult({ runs: [], sources: [], warnings: [], warningCount: 0 }, 0);
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
          starterConfig,
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
          openDashboard: (runId) => openRunDashboardLazily(dashboards, runId),
          openImportedDashboard: (run) => openImportedDashboardLazily(dashboards, run),
          reveal,
        }),
      );
      this.track(
        registerCommand(Commands.refresh, this.log, async () => {
          await Promise.all([project.reload(), service.reloadAll(), importedService.rescan()]);
          runsTree.refresh();
        }),
      );
      this.track(registerDashboardSerializerLazily(dashboards));
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
      this.track(registerDriftSerializer(drift));
      panels = {
        dashboards: dashboards.panels,
        drift: drift.panels,
        // What the serializers registered above do after a window reload.
        restore: async (panel, state) => {
          if (panel.viewType.endsWith(WebviewTypes.dashboard)) {
            const { restoreDashboard } = await import('./features/dashboard/openDashboard');
            await restoreDashboard(dashboards, panel, state);
          } else if (panel.viewType.endsWith(WebviewTypes.drift)) {
            const { restoreDriftPanel } = await import('./features/drift/openDrift');
            await restoreDriftPanel(drift, panel, state);
          } else {
            throw new Error(`${panel.viewType} is not a view of Experiment Lens`);
          }
        },
      };
      this.registerLazily(Commands.showDriftReport, async () => {
        const { registerDriftCommand } = await import('./features/drift/openDrift');
        return () => registerDriftCommand(drift);
      });
      this.track(
        vscode.tasks.registerTaskProvider(
          TASK_TYPE,
          new XlensTaskProvider({
            log: this.log,
            tasks: this.tasks,
            runs: this.runs,
            controller,
            runsDir,
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

  /**
   * Registers a command whose feature loads on its first use: a stand-in loads the feature's module,
   * swaps itself for the real command in the same tick (so no call finds the id missing), then
   * passes the call on with its arguments.
   * @param load imports the module and returns the function that registers the real command.
   */
  private registerLazily(spec: CommandSpec, load: () => Promise<() => vscode.Disposable>): void {
    let loading: Promise<void> | undefined;
    const standIn = this.track(
      registerCommand(spec, this.log, async (...args: unknown[]) => {
        loading ??= load().then(
          (register) => {
            standIn.dispose();
            this.track(register());
          },
          (error: unknown) => {
            // A failed import (e.g. the bundle replaced mid-update) is tried again on the next call.
            loading = undefined;
            throw error;
          },
        );
        await loading;
        return vscode.commands.executeCommand(spec.id, ...args);
      }),
    );
  }

  private trackAll(items: readonly Disposable[]): void {
    items.forEach((item) => this.track(item));
  }

  dispose(): void {
    setContextKey(ContextKeys.active, false);
    this.store.dispose();
  }
}

function noFolderError(): UserFacingError {
  return new UserFacingError(
    'Experiment Lens needs an open folder: open the folder that holds (or will hold) xlens.yaml.',
  );
}

/** The starter `xlens.yaml`, the same text `xlens init` writes. */
async function starterConfig(): Promise<string> {
  const { STARTER_CONFIG } = await import('./core/config/starter');
  return STARTER_CONFIG;
}
