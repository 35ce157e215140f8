/**
 * Finds the runs other tools logged in the workspace and keeps {@link ImportedRunsModel} current.
 * The scan and the reading run on the metrics worker thread (`MetricsWorkerClient`), so a big
 * TensorBoard folder never blocks the extension host; the worker is started on the first scan, a
 * few seconds after activation. Log files appearing or disappearing trigger a new scan (debounced);
 * files growing trigger one at most every {@link CHANGE_RESCAN_MS}.
 */
import { relative, sep } from 'node:path';
import * as vscode from 'vscode';
import { DisposableStore } from '../../core/base/disposable';
import type { MetricsWorkerClient } from '../../core/metrics/discovery/workerClient';
import type { Log } from '../../vscode/output';
import type { ImportedRunsModel } from './importedModel';

/** Delay of the first scan after the workspace's own runs were read. */
const FIRST_SCAN_DELAY_MS = 2000;
/** Quiet time after log files were created or deleted before scanning again. */
const CREATE_RESCAN_MS = 2000;
/** Quiet time after log files changed (a tool still writing) before scanning again. */
const CHANGE_RESCAN_MS = 15_000;
/** Files whose creation, change or deletion may change the imported runs (paths with `/`). */
const LOG_FILE =
  /tfevents|\/mlruns(\/|$)|mlflow\.db$|\/dvclive(\/|$)|\.(csv|tsv)$|(^|\/)training\.log$|\.wandb$/;
/** Folders whose files never count (our store, dependencies, VCS). */
const IGNORED_SEGMENTS = new Set(['.xlens', 'node_modules', '.git', '.venv', 'venv', '__pycache__']);

export class ImportedRunsService implements vscode.Disposable {
  private readonly store = new DisposableStore();
  private client: MetricsWorkerClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private timerDue = 0;
  private scanning: Promise<void> | undefined;
  private again = false;
  private disposed = false;

  constructor(
    readonly root: string,
    private readonly model: ImportedRunsModel,
    private readonly log: Log,
    private readonly enabled: () => boolean,
  ) {}

  /** Starts watching log files and schedules the first scan. */
  start(): void {
    const watcher = this.store.track(
      vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(this.root, '**/*')),
    );
    this.store.track(watcher.onDidCreate((uri) => this.onFile(uri, CREATE_RESCAN_MS)));
    this.store.track(watcher.onDidDelete((uri) => this.onFile(uri, CREATE_RESCAN_MS)));
    this.store.track(watcher.onDidChange((uri) => this.onFile(uri, CHANGE_RESCAN_MS)));
    // Turned off, the model says so at once (nothing is scanned, so nothing waits for the runs' display).
    this.schedule(this.enabled() ? FIRST_SCAN_DELAY_MS : 0);
  }

  /** The worker client, started on first use; dashboards of imported runs tail through it too. */
  async worker(): Promise<MetricsWorkerClient> {
    if (this.client === undefined) {
      const { MetricsWorkerClient } = await import('../../core/metrics/discovery/workerClient');
      if (this.client === undefined) {
        const client = this.store.track(new MetricsWorkerClient());
        this.store.track(
          client.onDidError((error) =>
            // Giving up is said once, after the restarts; each restart is only a warning.
            error.name === 'MetricsWorkerGaveUpError'
              ? this.log.error(`Metrics worker: ${error.message}`)
              : this.log.warn(`Metrics worker: ${error.message}`),
          ),
        );
        this.client = client;
      }
    }
    return this.client;
  }

  /** Scans now (coalesced with a scan under way); resolves when the model is updated. */
  rescan(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.scanning) {
      this.again = true;
      return this.scanning;
    }
    this.scanning = this.scan().finally(() => {
      this.scanning = undefined;
      if (this.again && !this.disposed) {
        this.again = false;
        void this.rescan();
      }
    });
    return this.scanning;
  }

  private onFile(uri: vscode.Uri, delay: number): void {
    const parts = relative(this.root, uri.fsPath).split(sep);
    if (parts[0] === '..' || parts.some((part) => IGNORED_SEGMENTS.has(part))) {
      return;
    }
    if (!LOG_FILE.test(`/${parts.join('/')}`)) {
      return;
    }
    this.schedule(delay);
  }

  /** Scans after `delay` ms, unless a scan is already due sooner. */
  private schedule(delay: number): void {
    if (this.disposed) {
      return;
    }
    const due = Date.now() + delay;
    if (this.timer !== undefined && this.timerDue <= due) {
      return;
    }
    clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => void this.rescan(), delay);
  }

  private async scan(): Promise<void> {
    if (this.disposed) {
      return;
    }
    if (!this.enabled()) {
      // Said once, so that views waiting for a scan (a restored compare view) stop waiting.
      if (this.model.state.kind !== 'off') {
        this.model.setOff();
      }
      return;
    }
    const started = performance.now();
    const scan = this.model.setScanning();
    try {
      const client = await this.worker();
      const result = await client.discoverImportedRuns(this.root);
      if (this.disposed) {
        return;
      }
      const ms = Math.round(performance.now() - started);
      if (!this.model.setResult(result, ms, scan)) {
        return; // turned off, or a newer scan started, while this one ran
      }
      this.log.info(
        `Found ${result.runs.length} imported runs in ${result.sources.length} TensorBoard/MLflow/DVCLive/CSV ` +
          `sources (${ms} ms on the metrics worker)`,
      );
      for (const warning of result.warnings.slice(0, 20)) {
        this.log.debug(
          `Imported logs: ${warning.file}${warning.line ? `:${warning.line}` : ''}: ${warning.message}`,
        );
      }
    } catch (error) {
      if (this.disposed) {
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      if (!this.model.setFailed(message, scan)) {
        return;
      }
      this.log.warn(`Scanning for TensorBoard/MLflow/DVCLive/CSV logs failed: ${message}`);
    }
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.store.dispose();
  }
}
