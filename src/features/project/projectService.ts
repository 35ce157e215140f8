/**
 * The workspace's `xlens.yaml`: which folder holds it, its tasks, and its problems as diagnostics in
 * the Problems panel (exact ranges from the config loader). Reloaded when the file is saved, created,
 * changed on disk or deleted. Problems never raise notifications: they are rows and diagnostics, so a
 * broken file cannot cause a loop of popups.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { DisposableStore } from '../../core/base/disposable';
import type { Log } from '../../vscode/output';
import { setContextKey } from '../../vscode/contextKeys';
import { ContextKeys } from '../ids';
import { toRange } from '../../vscode/sourceRange';
import { problemsFromErrors, type ConfigProblem, type TasksModel } from '../tasks/tasksModel';

/** The config file name (the loader's `CONFIG_FILE`, repeated so activation does not load the loader). */
export const CONFIG_FILE_NAME = 'xlens.yaml';
const RELOAD_DELAY_MS = 100;

/**
 * Picks the workspace root: the first folder holding `xlens.yaml`, else the first folder; undefined
 * without a folder.
 */
export function findWorkspaceRoot(): string | undefined {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
  const withConfig = folders.find((f) => existsSync(join(f.uri.fsPath, CONFIG_FILE_NAME)));
  return (withConfig ?? folders[0])?.uri.fsPath;
}

export class ProjectService implements vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly diagnostics = this.store.track(vscode.languages.createDiagnosticCollection('xlens'));
  private timer: NodeJS.Timeout | undefined;
  private loading: Promise<void> = Promise.resolve();

  constructor(
    readonly root: string,
    private readonly model: TasksModel,
    private readonly log: Log,
  ) {}

  /**
   * Starts watching `xlens.yaml` and loads it. Called once, after activation: creating file watchers
   * costs milliseconds the activation path does not need to spend.
   */
  start(): Promise<void> {
    const watcher = this.store.track(
      vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(this.root, CONFIG_FILE_NAME)),
    );
    const later = (): void => this.scheduleReload();
    this.store.track(watcher.onDidCreate(later));
    this.store.track(watcher.onDidChange(later));
    this.store.track(watcher.onDidDelete(later));
    this.store.track(
      vscode.workspace.onDidSaveTextDocument((doc) => {
        if (doc.uri.fsPath === this.configFile) {
          later();
        }
      }),
    );
    return this.reload();
  }

  /** Absolute path of `xlens.yaml` (whether or not it exists). */
  get configFile(): string {
    return join(this.root, CONFIG_FILE_NAME);
  }

  /**
   * Loads the config now (serialised with any load under way); resolves when the model is updated.
   * Never rejects: a failure is logged and the next save loads again.
   */
  reload(): Promise<void> {
    this.loading = this.loading
      .then(() => this.load())
      .catch((error: unknown) =>
        this.log.error(
          `Loading ${this.configFile} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        ),
      );
    return this.loading;
  }

  private scheduleReload(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.reload(), RELOAD_DELAY_MS);
  }

  private async load(): Promise<void> {
    const file = this.configFile;
    if (!existsSync(file)) {
      this.diagnostics.clear();
      this.model.setState({ kind: 'missing' });
      setContextKey(ContextKeys.noConfig, true);
      this.log.info(`No ${CONFIG_FILE_NAME} in ${this.root}`);
      return;
    }
    setContextKey(ContextKeys.noConfig, false);
    const start = performance.now();
    // The loader (YAML, JSON Schema) loads on first use, not at activation.
    const { loadProject, diagnosticMessage } = await import('../../core/config/load');
    let problems: ConfigProblem[];
    try {
      const result = await loadProject(this.root);
      problems = problemsFromErrors(result.errors, file, diagnosticMessage);
      this.model.setState({ kind: 'loaded', file, config: result.config, problems });
    } catch (error) {
      problems = problemsFromErrors([error], file, diagnosticMessage);
      this.model.setState({ kind: 'loaded', file, config: undefined, problems });
    }
    this.showDiagnostics(problems);
    const tasks = this.model.tasks().length;
    this.log.info(
      `Loaded ${CONFIG_FILE_NAME}: ${tasks} task${tasks === 1 ? '' : 's'}, ${problems.length} problem` +
        `${problems.length === 1 ? '' : 's'} (${Math.round(performance.now() - start)} ms)`,
    );
  }

  private showDiagnostics(problems: readonly ConfigProblem[]): void {
    this.diagnostics.clear();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const problem of problems) {
      const range = problem.range ? toRange(problem.range) : new vscode.Range(0, 0, 0, 0);
      const diagnostic = new vscode.Diagnostic(range, problem.message, vscode.DiagnosticSeverity.Error);
      diagnostic.source = 'xlens';
      byFile.set(problem.file, [...(byFile.get(problem.file) ?? []), diagnostic]);
    }
    for (const [file, list] of byFile) {
      this.diagnostics.set(vscode.Uri.file(file), list);
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.store.dispose();
  }
}
